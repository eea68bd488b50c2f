#!/usr/bin/env node
// Haven vs Hugo vs Hexo on one generated corpus, equal work, plus the disk floor.
// Usage: node bench/compare.mjs [POSTS=10000] [RUNS=3]
// Env: HAVEN (default build/haven), FLOOR (default build/bench/bench_floor), HUGO (default hugo),
//      WORK (corpora and outputs, default build/bench),
//      ENGINES (default "haven,hugo,hexo,floor,haven-default"), HEXO_HEAP_MB (default 16384),
//      HEXO_RUNS (default RUNS).
//
// Every engine builds the same posts into the same pages: bench/themes/comparable (Haven and,
// through hexo-renderer-nunjucks, Hexo) and bench/hugo/themes/comparable (Hugo) — post pages,
// paginated index and archives, tag and category pages, the same sidebar on every page
// (categories, tags, tag cloud, recent posts), a feed and a sitemap. The floor writes the same
// number of files and bytes Haven wrote. Each run goes through /usr/bin/time (wall, CPU, peak
// RSS); the table shows medians and ratios. Engines alternate within a run so that a change of
// machine load hits all of them alike.
import { spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const posts = Number(process.argv[2] ?? 10000);
const runs = Number(process.argv[3] ?? 3);
const haven = path.resolve(process.env.HAVEN ?? path.join(root, 'build/haven'));
const floor = path.resolve(process.env.FLOOR ?? path.join(root, 'build/bench/bench_floor'));
const hugo = process.env.HUGO ?? 'hugo';
const engines = (process.env.ENGINES ?? 'haven,hugo,hexo,floor,haven-default').split(',');
const heapMb = process.env.HEXO_HEAP_MB ?? '16384';
const hexoRuns = Number(process.env.HEXO_RUNS ?? runs);  // Hexo takes minutes per 10,000 posts

const work = path.resolve(process.env.WORK ?? path.join(root, 'build/bench'));
const corpus = path.join(work, `corpus-${posts}`);
const hugoSite = path.join(work, `hugo-${posts}`);
if (!fs.existsSync(path.join(corpus, '_config.yml')) || !fs.existsSync(path.join(hugoSite, 'config.toml'))) {
  execFileSync('node', [path.join(root, 'bench/gen-corpus.mjs'), String(posts), corpus, hugoSite], { stdio: 'inherit' });
}
// the comparable theme and its config: archives without yearly/monthly pages (Hugo has none),
// no search index (neither peer builds one; `haven-default` keeps Haven's default, with search)
fs.rmSync(path.join(corpus, 'themes/comparable'), { recursive: true, force: true });
fs.cpSync(path.join(root, 'bench/themes/comparable'), path.join(corpus, 'themes/comparable'), { recursive: true });
fs.writeFileSync(path.join(corpus, '_config.comparable.yml'),
  'theme: comparable\nhaven_search: false\narchive_generator:\n  per_page: 10\n  yearly: false\n  monthly: false\n');
const comparable = '_config.yml,_config.comparable.yml';

const count = (dir) => {
  let files = 0, bytes = 0;
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) { files++; bytes += fs.statSync(p).size; }
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return { files, bytes };
};
const clean = (...dirs) => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); };
// Outputs are moved aside before a timed build, not deleted: ext4 skips recently deleted inodes
// when it allocates new ones, so creating 17,000 folders and files right after deleting as many
// costs several times more system time, and more with every run. Deleted at the end.
const trash = path.join(work, 'trash');
let trashed = 0;
const discard = (...dirs) => {
  fs.mkdirSync(trash, { recursive: true });
  for (const d of dirs) if (fs.existsSync(d)) fs.renameSync(d, path.join(trash, String(trashed++)));
};

// name → { prepare, cmd, args, cwd, out }
const havenOut = path.join(corpus, 'public');
const jobs = {
  haven: {
    prepare: () => discard(havenOut, path.join(corpus, '.public.haven.manifest')),
    cmd: haven, args: ['build', corpus, '--config', comparable], out: havenOut,
  },
  'haven-rebuild': {  // right after `haven`: nothing changed
    prepare: () => {}, cmd: haven, args: ['build', corpus, '--config', comparable], out: havenOut,
  },
  hugo: {
    prepare: () => discard(path.join(hugoSite, 'public'), path.join(hugoSite, 'resources')),
    cmd: hugo, args: ['--source', hugoSite, '--themesDir', path.join(root, 'bench/hugo/themes'), '--quiet'],
    out: path.join(hugoSite, 'public'),
  },
  hexo: {
    prepare: () => discard(path.join(corpus, 'public'), path.join(corpus, 'db.json')),
    cmd: 'node', args: [`--max-old-space-size=${heapMb}`, path.join(root, 'bench/hexo/build.mjs'), corpus, comparable],
    out: havenOut,
  },
  floor: {
    prepare: () => discard(path.join(work, `floor-${posts}`)),
    cmd: floor, args: [path.join(work, `floor-reference-${posts}`), path.join(work, `floor-${posts}`)],
    out: path.join(work, `floor-${posts}`),
  },
  'haven-default': {
    prepare: () => discard(havenOut, path.join(corpus, '.public.haven.manifest')),
    cmd: haven, args: ['build', corpus], out: havenOut,
  },
};

function timed(name) {
  const job = jobs[name];
  job.prepare();
  // let the removal of the previous output (and its discards) reach the disk before the clock
  // starts, so that no engine pays for the one before it
  spawnSync('sync');
  const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', job.cmd, ...job.args],
    { encoding: 'utf8', maxBuffer: 1 << 28 });
  const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr ?? '');
  if (r.status !== 0 || !m) {
    console.error(`${name} failed (exit ${r.status}):\n${(r.stderr ?? '').slice(-3000)}`);
    return null;
  }
  const { files, bytes } = count(job.out);
  return { wall: +m[1], cpu: +m[2] + +m[3], user: +m[2], sys: +m[3], rss_mb: +m[4] / 1024, files, bytes };
}

const results = {};
const order = [];
for (const e of engines) {
  order.push(e);
  if (e === 'haven') order.push('haven-rebuild');
}
const reference = path.join(work, `floor-reference-${posts}`);  // the shape of Haven's output
clean(reference, trash);
for (let run = 1; run <= runs; run++) {
  for (const name of order) {
    if (name === 'floor' && !fs.existsSync(reference)) {
      jobs.haven.prepare();
      spawnSync(haven, jobs.haven.args);
      fs.renameSync(havenOut, reference);
    }
    if (name === 'hexo' && run > hexoRuns) continue;
    const r = timed(name);
    if (name === 'haven' && r && engines.includes('floor') && !fs.existsSync(reference)) {
      fs.cpSync(havenOut, reference, { recursive: true });
    }
    if (!r) continue;
    (results[name] ??= []).push(r);
    console.log(`run ${run} ${name.padEnd(14)} ${r.wall.toFixed(2)} s wall, ${r.cpu.toFixed(2)} s CPU ` +
      `(${r.user.toFixed(2)} user + ${r.sys.toFixed(2)} sys), ${r.rss_mb.toFixed(0)} MB peak, ` +
      `${r.files} files, ${(r.bytes / 1e6).toFixed(0)} MB`);
  }
}
clean(path.join(work, `floor-${posts}`), reference, trash);

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
const summary = {};
for (const [name, rs] of Object.entries(results)) {
  summary[name] = Object.fromEntries(['wall', 'cpu', 'user', 'sys', 'rss_mb', 'files', 'bytes'].map((k) => [k, median(rs.map((r) => r[k]))]));
  summary[name].runs = rs.length;
}
const h = summary.haven;
const ratio = (a, b) => (a && b ? (a / b).toFixed(1) + '×' : '—');
console.log(`\n${posts} posts, ${runs} runs each (medians); ${os.cpus().length} CPUs; load before: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log('| engine | wall s | CPU s (user + sys) | peak MB | files | MB written | wall vs Haven | CPU vs Haven | memory vs Haven |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const [name, s] of Object.entries(summary)) {
  const vs = h && name !== 'haven';
  console.log(`| ${name} | ${s.wall.toFixed(2)} | ${s.cpu.toFixed(2)} (${s.user.toFixed(2)} + ${s.sys.toFixed(2)}) | ${s.rss_mb.toFixed(0)} | ${s.files} | ${(s.bytes / 1e6).toFixed(0)} | ` +
    `${vs ? ratio(s.wall, h.wall) : ''} | ${vs ? ratio(s.cpu, h.cpu) : ''} | ${vs ? ratio(s.rss_mb, h.rss_mb) : ''} |`);
}
if (h && summary.floor) console.log(`\nHaven wall / floor wall: ${(h.wall / summary.floor.wall).toFixed(2)}×`);
fs.writeFileSync(path.join(work, `compare-${posts}.json`), JSON.stringify({ posts, runs, results, summary }, null, 1));
