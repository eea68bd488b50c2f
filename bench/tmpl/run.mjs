// Haven's template engine vs Nunjucks on the same layout (bench/tmpl), in one run: checks that
// both render the same bytes, then alternates the two runners for a few rounds (so a change of
// machine load hits both) and prints the medians and their ratio.
//   node bench/tmpl/run.mjs [N=5000 renders per round] [ROUNDS=5]
// BENCH_TMPL: the bench_tmpl binary (default: the first of build*/bench/bench_tmpl found,
// newest first). Nunjucks comes from tests/js/node_modules.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(dir, '..', '..');
const n = Number(process.argv[2] || 5000);
const rounds = Number(process.argv[3] || 5);

function findBench() {
  if (process.env.BENCH_TMPL) return process.env.BENCH_TMPL;
  const found = fs.readdirSync(root)
    .filter((d) => d.startsWith('build'))
    .map((d) => path.join(root, d, 'bench', 'bench_tmpl'))
    .filter((p) => fs.existsSync(p))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  if (!found.length) throw new Error('no bench_tmpl binary: build it (ninja bench_tmpl) or set BENCH_TMPL');
  return found[0];
}
const bench = findBench();
const nunjucksRunner = path.join(dir, 'bench-nunjucks.mjs');

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}
const perPage = (text) => Number(/([\d.]+) µs\/page/.exec(text)[1]);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const havenOut = run(bench, [dir, '1', '--print']);
const nunjucksOut = run(process.execPath, [nunjucksRunner, '1', '--print']);
if (havenOut !== nunjucksOut) {
  console.error('outputs differ: the comparison would not be fair');
  process.exit(1);
}

const haven = [];
const nunjucks = [];
for (let i = 0; i < rounds; i++) {
  haven.push(perPage(run(bench, [dir, String(n)])));
  nunjucks.push(perPage(run(process.execPath, [nunjucksRunner, String(n)])));
}
const h = median(haven);
const j = median(nunjucks);
console.log(`haven ${h.toFixed(2)} µs/page, nunjucks ${j.toFixed(2)} µs/page, ratio ${(j / h).toFixed(1)}×` +
  ` (${bench}; median of ${rounds} rounds of ${n} renders, ${Buffer.byteLength(havenOut)} bytes/page)`);
