;; Days in a month (1-12; 0 for anything else): br_table as a jump table.
(module
  (func (export "days") (param $month i32) (result i32)
    (block $thirty (block $thirtyOne (block $february (block $invalid
      (br_table $thirtyOne $february $thirtyOne $thirty $thirtyOne $thirty
                $thirtyOne $thirtyOne $thirty $thirtyOne $thirty $thirtyOne $invalid
                (i32.sub (local.get $month) (i32.const 1))))
      (return (i32.const 0)))
      (return (i32.const 28)))
      (return (i32.const 31)))
    (i32.const 30)))
