// Differential test: renders every case of tests/tmpl-diff/cases with real Nunjucks and with
// Haven (`HAVEN_BIN template render main.njk --dir CASE --context CASE/context.json`) and
// compares. A case may hold `expected-haven.txt` where Haven deviates on purpose (see
// src/tmpl/README.md); an error on either side is the output "ERROR".
//   node tests/js/tmpl-diff.test.mjs [--verbose] [FILTER...]
// HAVEN_BIN defaults to build-tmpl/haven-tmpl-diff, then build/haven.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const nunjucks = require('nunjucks');

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const casesDir = path.join(root, 'tests', 'tmpl-diff', 'cases');
const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const filters = args.filter((a) => !a.startsWith('--'));

function findHaven() {
  if (process.env.HAVEN_BIN) return process.env.HAVEN_BIN;
  for (const p of ['build-tmpl/haven-tmpl-diff', 'build/haven']) {
    const full = path.join(root, p);
    if (fs.existsSync(full)) return full;
  }
  throw new Error('no Haven binary: set HAVEN_BIN');
}
const haven = findHaven();

function renderNunjucks(caseDir, context) {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(caseDir), { autoescape: true });
  try {
    return env.render('main.njk', context);
  } catch (e) {
    return { error: e.message };
  }
}

function renderHaven(caseDir, contextFile) {
  const argv = ['template', 'render', 'main.njk', '--dir', caseDir];
  if (contextFile) argv.push('--context', contextFile);
  const r = spawnSync(haven, argv, { encoding: 'utf8' });
  if (r.status !== 0) return { error: (r.stderr || '').trim() || `exit ${r.status}` };
  return r.stdout;
}

const show = (v) => (typeof v === 'string' ? JSON.stringify(v) : `ERROR (${v.error.split('\n')[0]})`);
const norm = (v) => (typeof v === 'string' ? v : 'ERROR');

let passed = 0;
let failed = 0;
const cases = fs.readdirSync(casesDir).filter((d) => fs.statSync(path.join(casesDir, d)).isDirectory()).sort();
for (const name of cases) {
  if (filters.length && !filters.some((f) => name.includes(f))) continue;
  const dir = path.join(casesDir, name);
  const ctxFile = path.join(dir, 'context.json');
  const hasCtx = fs.existsSync(ctxFile);
  const context = hasCtx ? JSON.parse(fs.readFileSync(ctxFile, 'utf8')) : {};
  const nj = renderNunjucks(dir, context);
  const deviation = path.join(dir, 'expected-haven.txt');
  const expected = fs.existsSync(deviation) ? fs.readFileSync(deviation, 'utf8') : norm(nj);
  const got = renderHaven(dir, hasCtx ? ctxFile : '');
  if (norm(got) === expected) {
    passed++;
    if (verbose) console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}\n  nunjucks: ${show(nj)}\n  expected: ${JSON.stringify(expected)}\n  haven:    ${show(got)}`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
