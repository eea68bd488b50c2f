#!/usr/bin/env node
// Search benchmark (issue 7): Haven's built-in index against Pagefind on the same built corpus.
//
//   (cd bench/search && npm ci)     # pagefind + playwright-core, local to this folder
//   HAVEN_BIN=build/haven node bench/search/run.mjs [POSTS] [CORPUS_DIR]
//   HAVEN_BIN=build/haven node bench/search/run.mjs --cjk [POSTS] [CORPUS_DIR]   (CJK substring set)
//   HAVEN_BIN=build/haven node bench/search/run.mjs --fortune [PER_POST] [CORPUS_DIR]   (real text; fortunes-zh)
//
// Measures, for POSTS generated posts (default 10000, bench/gen-corpus.mjs):
//  - index build time: Haven = `haven build` with the index minus without it (best of 2 each);
//    Pagefind = `pagefind --site public --glob "posts/**/*.html"` (best of 2);
//  - index size against the hexo-generator-searchdb dump (search.xml) of the same site;
//  - bytes fetched by a first query (fresh browser context per query, Debian's chromium), client
//    code and index data apart, for every query of queries.json;
//  - recall@10 on queries.json (see make-queries.mjs for the relevance rules).
// Prints a Markdown report; also writes it to $OUT (default build/bench/search/report.md).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isRelevant, loadCorpus } from './make-queries-lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const args = process.argv.slice(2);
// --cjk: the CJK substring set (gen-cjk-corpus.mjs, cjk-queries.json); --fortune: real Chinese
// text from Debian's fortunes-zh (gen-fortune-corpus.mjs, fortune-queries.json)
const mode = args[0] === '--cjk' ? 'cjk' : args[0] === '--fortune' ? 'fortune' : 'generated';
if (mode !== 'generated') args.shift();
const posts = Number(args[0] || { generated: 10000, cjk: 60, fortune: 8 }[mode]); // fortune: entries per post
const corpus = path.resolve(args[1] || path.join(repo, 'build', 'bench', 'search', `${mode}-${posts}`));
const bin = path.resolve(process.env.HAVEN_BIN || path.join(repo, 'build', 'haven'));
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const out = process.env.OUT || path.join(repo, 'build', 'bench', 'search', `report-${mode}.md`);
const pagefindBin = path.join(here, 'node_modules', '.bin', 'pagefind');
const { chromium } = await import(path.join(here, 'node_modules', 'playwright-core', 'index.mjs'));
const queryFile = mode === 'generated' ? 'queries.json' : `${mode}-queries.json`;
const querySet = JSON.parse(fs.readFileSync(path.join(here, queryFile), 'utf8'));

const log = (...a) => console.error(...a);
const now = () => Number(process.hrtime.bigint() / 1000000n);
function timed(fn) {
  const t = now();
  fn();
  return now() - t;
}

// ---- corpus and builds ----
if (!fs.existsSync(path.join(corpus, '_config.yml'))) {
  log(`generating ${posts} posts in ${corpus}`);
  if (mode !== 'generated') execFileSync('node', [path.join(here, `gen-${mode}-corpus.mjs`), corpus, String(posts)], { stdio: 'inherit' });
  else execFileSync('node', [path.join(repo, 'bench', 'gen-corpus.mjs'), String(posts), corpus], { stdio: 'inherit' });
}
const cfg = (name, text) => {
  fs.writeFileSync(path.join(corpus, name), text);
  return name;
};
// searchdb as hexo-generator-searchdb's README configures it (format html is its default)
const dbHtml = cfg('_bench_searchdb_html.yml', 'search:\n  path: search.xml\n  field: post\n  content: true\n  format: html\n');
const dbText = cfg('_bench_searchdb_text.yml', 'search:\n  path: search.json\n  field: post\n  content: true\n  format: striptags\n');
const off = cfg('_bench_index_off.yml', 'haven_search:\n  enable: false\n');
// `haven build --metrics`: wall time, and its `generate` phase (feeds, search data, the index)
const build = (...configs) => {
  const t = now();
  const r = spawnSync(bin, ['build', corpus, '--metrics', '--config', ['_config.yml', ...configs].join(',')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`haven build failed:\n${r.stderr}`);
  const m = /generate\s+([\d.]+) ms/.exec(r.stdout + r.stderr);
  return { wall: now() - t, generate: m ? Number(m[1]) : NaN };
};
const pub = path.join(corpus, 'public');

log('building without the index (x2), with it (x2)');
const withoutIndex = [];
const withIndex = [];
for (let i = 0; i < 2; i++) {
  fs.rmSync(pub, { recursive: true, force: true });
  withoutIndex.push(build(dbHtml, off));
  fs.rmSync(pub, { recursive: true, force: true });
  withIndex.push(build(dbHtml));
}
const xmlBytes = fs.statSync(path.join(pub, 'search.xml')).size;
build(dbText); // adds search.json (striptags) beside, index unchanged
const jsonBytes = fs.statSync(path.join(pub, 'search.json')).size;
build(dbHtml);

log('running pagefind (x2)');
const pagefindTimes = [];
for (let i = 0; i < 2; i++) {
  fs.rmSync(path.join(pub, 'pagefind'), { recursive: true, force: true });
  pagefindTimes.push(timed(() => execFileSync(pagefindBin, ['--site', pub, '--glob', 'posts/**/*.html', '--output-subdir', 'pagefind'], { stdio: ['ignore', 'ignore', 'inherit'] })));
}

function dirStats(dir, isCode) {
  let bytes = 0;
  let code = 0;
  let files = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const p = path.join(e.parentPath ?? e.path, e.name);
    const size = fs.statSync(p).size;
    files++;
    if (isCode(p)) code += size; else bytes += size;
  }
  return { bytes, code, files };
}
const havenSize = dirStats(path.join(pub, 'search'), (p) => p.endsWith('.mjs'));
const pagefindSize = dirStats(path.join(pub, 'pagefind'), (p) => /\.(js|wasm|css)$|wasm\./.test(p) && !/pagefind-entry/.test(p));

// ---- browser measurements ----
fs.writeFileSync(path.join(pub, 'bench-search.html'), '<!doctype html><meta charset="utf-8"><title>bench</title>');
let counting = null;
const server = http.createServer((req, res) => {
  const p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  let file = path.join(pub, p);
  if (!file.startsWith(pub)) { res.writeHead(403).end(); return; }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  if (!fs.existsSync(file)) { res.writeHead(404).end(); return; }
  const body = fs.readFileSync(file);
  const type = file.endsWith('.mjs') || file.endsWith('.js') ? 'text/javascript' : file.endsWith('.wasm') ? 'application/wasm'
    : file.endsWith('.json') ? 'application/json' : file.endsWith('.html') ? 'text/html; charset=utf-8' : 'application/octet-stream';
  if (counting && !p.endsWith('bench-search.html')) {
    const code = /\.(mjs|js|wasm)$|wasm\./.test(p) && !/pagefind-entry/.test(p);
    counting[code ? 'code' : 'data'] += body.length;
    counting.files++;
  }
  res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
});

const engines = {
  haven: async (q) => {
    const m = await import('/search/haven-search.mjs');
    const s = m.createSearch({ load: (p) => fetch('/search/' + p).then((r) => r.arrayBuffer()) });
    const r = await s.query(q, { limit: 10 });
    return r.map((x) => ({ url: x.url, title: x.title, excerpt: x.excerpt }));
  },
  pagefind: async (q) => {
    const pf = await import('/pagefind/pagefind.js');
    const r = await pf.search(q);
    const top = await Promise.all(r.results.slice(0, 10).map((x) => x.data()));
    return top.map((d) => ({ url: d.url, title: d.meta.title, excerpt: d.excerpt }));
  },
};

const corpusPosts = loadCorpus(corpus);
const byNumber = new Map(corpusPosts.map((p) => [p.n, p]));
const numberOf = (title) => { const m = /(\d+)\D*$/.exec(title || ''); return m ? Number(m[1]) : -1; };

const report = { haven: [], pagefind: [] };
for (const [name, fn] of Object.entries(engines)) {
  log(`querying ${name}`);
  for (const q of querySet.queries) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(origin + '/bench-search.html');
    counting = { code: 0, data: 0, files: 0 };
    const t = now();
    const results = await page.evaluate(fn, q.q);
    const ms = now() - t;
    const bytes = counting;
    counting = null;
    await context.close();
    const rel = results.map((r) => { const p = byNumber.get(numberOf(r.title)); return !!p && isRelevant(q, p); });
    const relevantShown = rel.filter(Boolean).length;
    const recall = q.relevantCount ? relevantShown / Math.min(10, q.relevantCount) : null;
    const precision = results.length ? relevantShown / results.length : null;
    const rr = rel.indexOf(true) >= 0 ? 1 / (rel.indexOf(true) + 1) : 0;
    report[name].push({ id: q.id, q: q.q, lang: q.lang, rule: q.rule, results: results.length, recall, precision, rr, ms, ...bytes, first: results[0]?.title });
  }
}
await browser.close();
server.close();

// ---- report ----
const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
const mean = (a) => a.reduce((x, y) => x + y, 0) / (a.length || 1);
const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(p * (s.length - 1)))]; };
const best = (a) => Math.min(...a);
const lines = [];
lines.push(`# Search benchmark: ${corpusPosts.length} posts (${mode} corpus)`, '');
lines.push(`Corpus: \`node ${mode === 'generated' ? 'bench/gen-corpus.mjs' : `bench/search/gen-${mode}-corpus.mjs DIR`} ${posts}\`; queries: bench/search/${queryFile} (${querySet.queries.length}); Pagefind ${JSON.parse(fs.readFileSync(path.join(here, 'node_modules', 'pagefind', 'package.json'), 'utf8')).version} with \`--glob "posts/**/*.html"\`.`, '');
lines.push('| | Haven | Pagefind |', '|---|---:|---:|');
const gen = (a) => best(a.map((x) => x.generate));
const wall = (a) => best(a.map((x) => x.wall));
lines.push(`| index build time (best of 2) | ${((gen(withIndex) - gen(withoutIndex)) / 1000).toFixed(2)} s (\`generate\` phase with minus without; whole build ${(wall(withIndex) / 1000).toFixed(1)} s with, ${(wall(withoutIndex) / 1000).toFixed(1)} s without) | ${(best(pagefindTimes) / 1000).toFixed(2)} s (separate run over the built HTML) |`);
lines.push(`| index data on disk | ${kb(havenSize.bytes)} in ${havenSize.files - 1} files | ${kb(pagefindSize.bytes)} |`);
lines.push(`| client code on disk | ${kb(havenSize.code)} | ${kb(pagefindSize.code)} |`);
lines.push(`| index data / searchdb search.xml (html, ${kb(xmlBytes)}) | ${(100 * havenSize.bytes / xmlBytes).toFixed(1)} % | ${(100 * pagefindSize.bytes / xmlBytes).toFixed(1)} % |`);
lines.push(`| index data / searchdb search.json (striptags, ${kb(jsonBytes)}) | ${(100 * havenSize.bytes / jsonBytes).toFixed(1)} % | ${(100 * pagefindSize.bytes / jsonBytes).toFixed(1)} % |`);
for (const [label, f] of [['first query, index data: median', (r) => pct(r.map((x) => x.data), 0.5)], ['first query, index data: 90th percentile', (r) => pct(r.map((x) => x.data), 0.9)],
  ['first query, index data: max', (r) => pct(r.map((x) => x.data), 1)], ['first query, client code', (r) => pct(r.map((x) => x.code), 0.5)],
  ['first query, total: max', (r) => pct(r.map((x) => x.data + x.code), 1)]]) {
  lines.push(`| ${label} | ${kb(f(report.haven))} | ${kb(f(report.pagefind))} |`);
}
lines.push(`| first query time in the browser, median (local server) | ${pct(report.haven.map((x) => x.ms), 0.5)} ms | ${pct(report.pagefind.map((x) => x.ms), 0.5)} ms |`);
for (const [label, pred] of [['all', () => true], ['Chinese', (q) => q.lang === 'zh'], ['English', (q) => q.lang === 'en'], ['mixed', (q) => q.lang === 'mixed'], ['CJK set', (q) => q.lang === 'cjk'], ['exact titles', (q) => q.rule === 'title']]) {
  const h = report.haven.filter(pred);
  const p = report.pagefind.filter(pred);
  const r = (a) => a.filter((x) => x.recall !== null);
  if (!r(h).length) continue;
  lines.push(`| recall@10, ${label} (${r(h).length} queries) | ${mean(r(h).map((x) => x.recall)).toFixed(3)} | ${mean(r(p).map((x) => x.recall)).toFixed(3)} |`);
}
{
  const prec = (a) => a.filter((x) => x.precision !== null && x.rule === 'contains');
  lines.push(`| precision@10, "contains" queries | ${mean(prec(report.haven).map((x) => x.precision)).toFixed(3)} | ${mean(prec(report.pagefind).map((x) => x.precision)).toFixed(3)} |`);
  const titles = (a) => a.filter((x) => x.rule === 'title');
  if (titles(report.haven).length) lines.push(`| MRR of the exact title (${titles(report.haven).length} queries) | ${mean(titles(report.haven).map((x) => x.rr)).toFixed(3)} | ${mean(titles(report.pagefind).map((x) => x.rr)).toFixed(3)} |`);
  const none = (a) => a.filter((x) => x.rule === 'none');
  lines.push(`| false hits: results for ${none(report.haven).length} strings that occur nowhere (lower is better) | ${none(report.haven).reduce((t, x) => t + x.results, 0)} | ${none(report.pagefind).reduce((t, x) => t + x.results, 0)} |`);
}
lines.push('', '## Per query', '', '| # | query | Haven recall (results) | Haven data | Pagefind recall (results) | Pagefind data |', '|---:|---|---:|---:|---:|---:|');
report.haven.forEach((h, i) => {
  const p = report.pagefind[i];
  const cell = (x) => `${x.recall === null ? '–' : x.recall.toFixed(2)} (${x.results})`;
  lines.push(`| ${h.id} | ${h.q} | ${cell(h)} | ${kb(h.data)} | ${cell(p)} | ${kb(p.data)} |`);
});
const text = lines.join('\n') + '\n';
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, text);
fs.writeFileSync(out.replace(/\.md$/, '.json'), JSON.stringify(report, null, 1));
process.stdout.write(text);
