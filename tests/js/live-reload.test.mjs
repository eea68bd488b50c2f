// Live reload in a real browser (issue 6): Debian's chromium, driven by playwright-core, has a
// page of `haven serve` open while the test edits files.
//   - editing the open post reloads the page with the new text;
//   - a CSS-only change swaps the stylesheet without reloading;
//   - broken front matter shows the error overlay (file:line:col and a caret) while the page
//     stays up, and fixing it removes the overlay.
//
//   HAVEN_BIN=build/haven node tests/js/live-reload.test.mjs
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const bin = process.env.HAVEN_BIN || path.join(repo, 'build', 'haven');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) { passed++; console.log(`ok   ${name}`); } else { failed++; console.log(`FAIL ${name}${detail ? `\n     ${detail}` : ''}`); }
}
function finish(code) {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(code ?? (failed ? 1 : 0));
}

if (!fs.existsSync(bin)) { check('haven binary exists', false, bin); finish(); }
if (!fs.existsSync(chromiumPath)) { check('chromium is installed (scripts/install-deps)', false, chromiumPath); finish(); }
const { chromium } = await import('playwright-core');

const freePort = () => new Promise((resolve) => {
  const s = net.createServer();
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});
const waitUntil = async (fn, ms = 10000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
};

// a copy of the example blog, with a site-level override of the theme's stylesheet to edit
const site = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-live-'));
fs.cpSync(path.join(repo, 'examples', 'blog'), site, { recursive: true });
fs.rmSync(path.join(site, 'public'), { recursive: true, force: true });
const cssOverride = path.join(site, 'themes/haven/source/css/haven.css');
fs.mkdirSync(path.dirname(cssOverride), { recursive: true });
fs.copyFileSync(path.join(repo, 'theme/source/css/haven.css'), cssOverride);
const post = path.join(site, 'source/_posts/依恋：心之所向，安然归处.md');
const original = fs.readFileSync(post, 'utf8');

const port = await freePort();
const server = spawn(bin, ['serve', site, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
let serverLog = '';
server.stdout.on('data', (d) => { serverLog += d; });
server.stderr.on('data', (d) => { serverLog += d; });
const up = await waitUntil(() => serverLog.includes('Serving at'), 60000);
check('haven serve starts', up, serverLog);
if (!up) { server.kill(); finish(1); }

const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${port}/posts/31466/`, { waitUntil: 'load' });
  check('the live-reload script is on the page', await page.evaluate(() => !!window.__havenLiveReload));
  await waitUntil(() => page.evaluate(() => window.__havenLiveReload.readyState === 1));

  // 1. edit the open post: the page reloads itself with the new text
  await page.evaluate(() => { window.__notReloaded = true; });
  fs.writeFileSync(post, original + '\n实时刷新测试段落 LIVE-RELOAD-MARKER\n');
  const reloaded = await waitUntil(async () => {
    try { return (await page.content()).includes('LIVE-RELOAD-MARKER'); } catch { return false; }
  });
  check('editing the post reloads the open page with the new text', reloaded);
  check('it was a real reload', reloaded && await page.evaluate(() => window.__notReloaded === undefined));

  // 2. CSS only: the stylesheet is swapped, the page is not reloaded
  await waitUntil(() => page.evaluate(() => window.__havenLiveReload?.readyState === 1));  // the reloaded page's stream
  await page.evaluate(() => { window.__notReloaded = true; });
  fs.appendFileSync(cssOverride, '\nbody { outline: 3px solid rgb(1, 2, 3); }\n');
  const swapped = await waitUntil(() => page.evaluate(() => getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)'));
  check('a CSS change applies without reloading', swapped && await page.evaluate(() => window.__notReloaded === true));

  // 3. broken front matter: an overlay with file:line and a caret; the old page stays
  fs.writeFileSync(post, original.replace('title: 依恋：心之所向，安然归处', 'title: [依恋：心之所向'));
  const overlay = await waitUntil(() => page.evaluate(() => !!document.getElementById('haven-error-overlay')));
  check('a build error shows the overlay', overlay);
  const text = overlay ? await page.evaluate(() => document.getElementById('haven-error-overlay').textContent) : '';
  check('the overlay names the file and line, with a caret', /source\/_posts\/依恋：心之所向，安然归处\.md:\d+:\d+/.test(text) && text.includes('^'), text.slice(0, 300));
  const still = await fetch(`http://127.0.0.1:${port}/posts/31466/`);
  check('the last good page is still served', still.status === 200 && (await still.text()).includes('LIVE-RELOAD-MARKER'));

  // 4. fix it: the overlay goes away
  fs.writeFileSync(post, original);
  const gone = await waitUntil(async () => {
    try { return await page.evaluate(() => !document.getElementById('haven-error-overlay')); } catch { return false; }
  });
  check('fixing the error removes the overlay', gone);
  check('no script errors on the page', errors.length === 0, errors.join('\n'));
} finally {
  await browser.close();
  server.kill('SIGTERM');
  fs.rmSync(site, { recursive: true, force: true });
}
finish();
