// sql.js: SQLite compiled by emscripten (sql-wasm.wasm loaded from the package), integer and float SQL.
import { createRequire } from 'node:module';
const initSqlJs = createRequire(import.meta.url)('sql.js');

const SQL = await initSqlJs();
const db = new SQL.Database();
db.run('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, x REAL)');
const insert = db.prepare('INSERT INTO t (name, x) VALUES (?, ?)');
for (let i = 0; i < 1000; i++) insert.run([`row ${i}`, Math.sin(i) * 1000]);
insert.free();
console.log(JSON.stringify(db.exec('SELECT count(*), sum(x), avg(x), min(name), max(id) FROM t')));
console.log(JSON.stringify(db.exec("SELECT name, round(x, 3) FROM t WHERE x > 990 ORDER BY x DESC LIMIT 3")));
console.log(JSON.stringify(db.exec("SELECT printf('%.6f', 1.0/3), 7/2, 7.0/2, sqrt(2.0)")));
db.close();
