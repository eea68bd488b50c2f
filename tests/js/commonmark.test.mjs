// CommonMark conformance of `haven markdown --commonmark` against the spec examples of npm
// `commonmark-spec` (installed with KaTeX and mermaid by scripts/install-assets into
// assets/node_modules, so this file does not touch tests/js/package.json).
// All examples go through one process with `--batch SEP`. An example passes when Haven's HTML
// equals the spec's exactly, or after the whitespace-only normalisation the spec's own test
// runner tolerates (whitespace between tags, a trailing newline). Last line: "N passed, M failed";
// the exit status is non-zero below the threshold (99%).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const k_threshold = 0.99; // the bar for strict mode
const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../assets/package.json'));
let spec;
try {
  spec = require('commonmark-spec');
} catch {
  console.error('commonmark-spec is not installed: run scripts/install-assets');
  process.exit(1);
}
const bin = process.env.HAVEN_BIN || path.join(here, '../../build/haven');

// Tabs are written as → in spec.txt; its runner turns them back into tabs.
const examples = spec.tests.map((t) => ({
  ...t,
  markdown: t.markdown.replace(/→/g, '\t'),
  html: t.html.replace(/→/g, '\t'),
}));
const sep = '\u0001HAVEN-EXAMPLE-SEPARATOR\u0001';
for (const e of examples) {
  if (e.markdown.includes(sep)) throw new Error(`separator occurs in example ${e.number}`);
}
const input = examples.map((e) => (e.markdown.endsWith('\n') ? e.markdown : e.markdown + '\n')).join(sep + '\n');
const run = spawnSync(bin, ['markdown', '--commonmark', '--batch', sep], { input, encoding: 'utf8', maxBuffer: 64 << 20 });
if (run.status !== 0) {
  console.error(`${bin} failed: ${run.stderr || run.error}`);
  process.exit(1);
}
const outputs = run.stdout.split(sep + '\n');
if (outputs.length !== examples.length) {
  console.error(`expected ${examples.length} outputs, got ${outputs.length}`);
  process.exit(1);
}

const normalise = (html) => html.replace(/>\s+</g, '><').replace(/\s+$/, '');
let passed = 0;
const failures = [];
examples.forEach((e, i) => {
  const got = outputs[i];
  if (got === e.html || normalise(got) === normalise(e.html)) passed++;
  else failures.push({ e, got });
});
const bySection = {};
for (const { e } of failures) bySection[e.section] = (bySection[e.section] || 0) + 1;
for (const { e, got } of failures) {
  console.log(`FAIL example ${e.number} (${e.section})`);
  console.log(`  markdown: ${JSON.stringify(e.markdown)}`);
  console.log(`  expected: ${JSON.stringify(e.html)}`);
  console.log(`  haven:    ${JSON.stringify(got)}`);
}
if (failures.length) console.log('failures by section:', JSON.stringify(bySection));
console.log(`${passed} passed, ${failures.length} failed`);
process.exit(passed / examples.length >= k_threshold ? 0 : 1);
