// quickjs-emscripten: the QuickJS interpreter compiled by emscripten; a JS program run inside it.
import { getQuickJS } from 'quickjs-emscripten';

const QuickJS = await getQuickJS();
const vm = QuickJS.newContext();
const result = vm.evalCode(`
  function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
  const primes = []; for (let i = 2; primes.length < 20; i++) if (primes.every((p) => i % p)) primes.push(i);
  JSON.stringify({ fib: fib(20), primes, pi: Math.PI.toFixed(10), s: [3, 1, 2].sort().join('-'), e: (1e21).toString(), f: 0.1 + 0.2 })
`);
console.log(vm.dump(vm.unwrapResult(result)));
vm.dispose();
