// Renders the benchmark layout with Nunjucks N times; prints µs/page.
import { createRequire } from 'node:module';
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
const require = createRequire(path.join(path.dirname(fileURLToPath(import.meta.url)), '../../js/package.json'));
const nunjucks = require('nunjucks');
const dir = path.dirname(fileURLToPath(import.meta.url));
const n = Number(process.argv[2] || 2000);
const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(dir), { autoescape: true });
const ctx = JSON.parse(fs.readFileSync(path.join(dir, 'context.json'), 'utf8'));
let out = env.render('main.njk', ctx);
for (let i = 0; i < 200; i++) out = env.render('main.njk', ctx); // warm up the JIT and the cache
const t0 = process.hrtime.bigint();
for (let i = 0; i < n; i++) out = env.render('main.njk', ctx);
const t1 = process.hrtime.bigint();
if (process.argv[3] === '--print') process.stdout.write(out);
else console.log(`nunjucks: ${(Number(t1 - t0) / 1000 / n).toFixed(1)} µs/page (${out.length} bytes)`);
