// Renders the benchmark layout (bench/tmpl) with Nunjucks N times; prints µs/page.
//   node bench/tmpl/bench-nunjucks.mjs [N] [--print]
// Nunjucks comes from tests/js/node_modules (`npm ci` in tests/js).
import { createRequire } from 'node:module';
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
const dir = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(dir, '../../tests/js/package.json'));
const nunjucks = require('nunjucks');
const n = Number(process.argv[2] || 2000);
const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(dir), { autoescape: true });
const ctx = JSON.parse(fs.readFileSync(path.join(dir, 'context.json'), 'utf8'));
let out = env.render('main.njk', ctx);
for (let i = 0; i < 200; i++) out = env.render('main.njk', ctx); // warm up the JIT and the cache
const t0 = process.hrtime.bigint();
for (let i = 0; i < n; i++) out = env.render('main.njk', ctx);
const t1 = process.hrtime.bigint();
if (process.argv[3] === '--print') process.stdout.write(out);
else console.log(`nunjucks: ${(Number(t1 - t0) / 1000 / n).toFixed(2)} µs/page (${Buffer.byteLength(out)} bytes)`);
