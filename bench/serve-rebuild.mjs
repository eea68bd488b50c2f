#!/usr/bin/env node
// Time from saving a post to `haven serve` serving the new page, on a generated corpus.
// Usage: node bench/serve-rebuild.mjs [POSTS=10000] [HAVEN=build/haven]
// Two edits, each measured several times: a body edit (only the post's page should change) and a
// title edit (the lists that show the title change too). Goals: < 100 ms and < 500 ms.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import net from 'node:net';

const posts = Number(process.argv[2] ?? 10000);
const haven = path.resolve(process.argv[3] ?? 'build/haven');
const corpus = path.resolve(`build/bench/corpus-${posts}`);
if (!fs.existsSync(corpus)) execFileSync('node', ['bench/gen-corpus.mjs', String(posts), corpus], { stdio: 'inherit' });

const freePort = () => new Promise((resolve) => {
  const s = net.createServer();
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});
const port = await freePort();
const started = Date.now();
const server = spawn(haven, ['serve', corpus, '--port', String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((resolve, reject) => {
  server.stdout.on('data', (d) => { if (String(d).includes('Serving at')) resolve(); });
  server.on('exit', (code) => reject(new Error(`haven serve exited with ${code}`)));
});
console.log(`initial build + start: ${Date.now() - started} ms`);

const base = `http://127.0.0.1:${port}`;
const file = path.join(corpus, 'source/_posts/post-000123.md');
const original = fs.readFileSync(file, 'utf8');
const abbr = async () => {
  const status = await (await fetch(`${base}/__haven/status`)).json();
  return status;
};
// the post's URL: find its abbrlink by building the permalink from search.json is overkill; the
// generated site writes one page per post under posts/N/ — ask the server which page has the marker.
async function waitFor(url, marker, t0) {
  for (;;) {
    const r = await fetch(url);
    const body = await r.text();
    if (body.includes(marker)) return performance.now() - t0;
    await new Promise((res) => setTimeout(res, 2));
  }
}

// locate the post's URL once through the index of all posts (archives pages list it)
const title = original.match(/^title: (.*)$/m)[1];
let postUrl = null;
for (let page = 1; !postUrl; page++) {
  const r = await fetch(page === 1 ? `${base}/archives/` : `${base}/archives/page/${page}/`);
  if (r.status !== 200) break;
  const html = await r.text();
  const i = html.indexOf(`>${title}<`);
  if (i >= 0) postUrl = base + html.slice(html.lastIndexOf('href="', i) + 6, html.indexOf('"', html.lastIndexOf('href="', i) + 6));
}
if (!postUrl) throw new Error('post not found in archives');

const results = { body: [], title: [] };
for (let run = 0; run < 5; run++) {
  const marker = `edited-body-${run}-${Date.now()}`;
  const t0 = performance.now();
  fs.writeFileSync(file, original.replace('## ', `${marker}\n\n## `));
  results.body.push(await waitFor(postUrl, marker, t0));
  const status = await abbr();
  results.body[results.body.length - 1] = { ms: results.body.at(-1), pages: status.pages_rendered, build_ms: status.ms };
}
for (let run = 0; run < 5; run++) {
  const newTitle = `Renamed ${run} ${Date.now()}`;
  const t0 = performance.now();
  fs.writeFileSync(file, original.replace(/^title: .*$/m, `title: ${newTitle}`));
  const ms = await waitFor(postUrl, newTitle, t0);
  const status = await abbr();
  results.title.push({ ms, pages: status.pages_rendered, build_ms: status.ms });
}
fs.writeFileSync(file, original);
server.kill('SIGTERM');

const median = (xs) => xs.map((x) => x.ms).sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [name, xs] of Object.entries(results)) {
  console.log(`${name} edit → served: median ${median(xs).toFixed(0)} ms; runs: ${xs.map((x) => `${x.ms.toFixed(0)} ms (${x.pages} pages, build ${x.build_ms} ms)`).join(', ')}`);
}
