// Browser test of the search box (issue 7): Debian's chromium driven by playwright-core against
// the example blog served by `haven serve`. Screenshot: build/artifacts/screenshots/search-*.png
// (or $HAVEN_ARTIFACTS/screenshots/).
//
//   HAVEN_BIN=build/haven node tests/js/search-browser.test.mjs
//
// Checks: `/` focuses the box, results appear as you type (Chinese, English, no match), arrow
// keys move the selection, Enter opens the selected post, Esc closes the list, the search page
// runs ?q=, nothing is requested from another host, no console errors or failed requests.
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
const shotsDir = path.join(process.env.HAVEN_ARTIFACTS || path.join(path.dirname(bin), 'artifacts'), 'screenshots');

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) {
    passed++;
    console.log(`ok   ${name}`);
  } else {
    failed++;
    console.log(`FAIL ${name}${detail ? `\n     ${String(detail).split('\n').join('\n     ')}` : ''}`);
  }
}
function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

if (!fs.existsSync(bin)) {
  check('haven binary exists', false, `not found at ${bin} (set HAVEN_BIN)`);
  finish();
}
if (!fs.existsSync(chromiumPath)) {
  console.log(`skipping search browser tests: no chromium at ${chromiumPath} (apt-get install chromium)`);
  finish();
}
let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  console.log('skipping search browser tests: playwright-core is not installed (npm ci in tests/js)');
  finish();
}

// the site: a copy of the example blog with a search page (layout: search)
const siteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-search-browser-'));
fs.cpSync(path.join(repo, 'examples', 'blog'), siteDir, { recursive: true });
fs.rmSync(path.join(siteDir, 'public'), { recursive: true, force: true });
const searchPage = path.join(siteDir, 'source', 'search', 'index.md');
if (!fs.existsSync(searchPage)) {
  fs.mkdirSync(path.dirname(searchPage), { recursive: true });
  fs.writeFileSync(searchPage, '---\ntitle: 搜索\nlayout: search\ncomments: false\n---\n');
}

const port = await new Promise((resolve, reject) => {
  const srv = net.createServer();
  srv.listen(0, '127.0.0.1', () => {
    const { port: p } = srv.address();
    srv.close(() => resolve(p));
  });
  srv.on('error', reject);
});
const origin = `http://127.0.0.1:${port}`;
const server = spawn(bin, ['serve', siteDir, '--host', '127.0.0.1', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
let serverLog = '';
server.stdout.on('data', (d) => { serverLog += d; });
server.stderr.on('data', (d) => { serverLog += d; });
process.on('exit', () => {
  try { server.kill('SIGTERM'); } catch { /* already gone */ }
  fs.rmSync(siteDir, { recursive: true, force: true });
});
{
  const deadline = Date.now() + 60000;
  let up = false;
  while (!up && Date.now() < deadline && server.exitCode === null) {
    try { up = (await fetch(origin + '/')).ok; } catch { /* not up yet */ }
    if (!up) await new Promise((r) => setTimeout(r, 200));
  }
  if (!up) {
    check('haven serve starts', false, serverLog);
    finish();
  }
}

const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
});
fs.mkdirSync(shotsDir, { recursive: true });

async function open(url, width = 1280) {
  const context = await browser.newContext({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems = { console: [], failed: [], foreign: [], bad: [], requests: [] };
  page.on('console', (m) => { if (m.type() === 'error') problems.console.push(m.text()); });
  page.on('pageerror', (e) => problems.console.push(String(e)));
  // the dev server's live-reload stream is cut by every navigation: not a failure
  page.on('requestfailed', (r) => { if (!r.url().includes('/__haven/')) problems.failed.push(`${r.url()} ${r.failure()?.errorText}`); });
  page.on('request', (r) => {
    problems.requests.push(r.url());
    const u = new URL(r.url());
    if (u.protocol !== 'data:' && u.origin !== origin) problems.foreign.push(r.url());
  });
  page.on('response', (r) => { if (r.status() >= 400) problems.bad.push(`${r.status()} ${r.url()}`); });
  await page.goto(url, { waitUntil: 'load' });
  return { context, page, problems };
}

const resultsOf = (page, box = '.haven-search') => page.$$eval(`${box} .haven-search-result`, (lis) => lis.map((li) => ({
  href: li.querySelector('a').getAttribute('href'),
  title: li.querySelector('.haven-search-title').innerHTML,
  excerpt: li.querySelector('.haven-search-excerpt').innerHTML,
  selected: li.getAttribute('aria-selected'),
})));
async function typeAndWait(page, input, text) {
  await input.fill('');
  await input.type(text, { delay: 20 });
  // results or the no-result message, for this query
  await page.waitForFunction(() => {
    const box = document.activeElement?.closest('.haven-search');
    if (!box) return false;
    const status = box.querySelector('.haven-search-status').textContent;
    return box.querySelector('.haven-search-result') !== null || (status && !/…|\.\.\./.test(status));
  }, null, { timeout: 10000 });
  await page.waitForTimeout(150); // a later keystroke's query may still replace the list
}

try {
  const { context, page, problems } = await open(origin + '/');
  const input = await page.$('.site-header .haven-search-input') || await page.$('.haven-search-input');
  check('the layout has a search box', input !== null,
    'no .haven-search-input on the home page: include "_partial/search.njk" in the header (see src/search/README.md)');
  if (input) {
    await page.click('body', { position: { x: 5, y: 400 } });
    await page.keyboard.press('/');
    check('"/" focuses the search box', await page.evaluate(() => document.activeElement?.classList.contains('haven-search-input')));

    const t0 = Date.now();
    await typeAndWait(page, input, '依恋');
    const r1 = await resultsOf(page);
    check('typing "依恋" lists results', r1.length >= 1, JSON.stringify(r1));
    check('the seed post is first', r1[0]?.href === '/posts/31466/', JSON.stringify(r1.map((r) => r.href)));
    check('matches are marked in title and excerpt', r1[0]?.title.includes('<mark>依恋</mark>') && r1[0]?.excerpt.includes('<mark>依恋</mark>'), JSON.stringify(r1[0]));
    check('results arrive within 3 s', Date.now() - t0 < 3000, `${Date.now() - t0} ms`);
    check('the panel is open and announced', await page.$eval('.haven-search-input', (i) => i.getAttribute('aria-expanded')) === 'true');
    await page.screenshot({ path: path.join(shotsDir, 'search-results.png') });

    await page.keyboard.press('ArrowDown');
    let sel = await resultsOf(page);
    check('ArrowDown selects the first result', sel[0]?.selected === 'true');
    const active = await page.$eval('.haven-search-input', (i) => i.getAttribute('aria-activedescendant'));
    check('aria-activedescendant follows the selection', !!active && (await page.$(`#${active}`)) !== null, active);
    if (sel.length > 1) {
      await page.keyboard.press('ArrowDown');
      sel = await resultsOf(page);
      check('ArrowDown moves to the next result', sel[1]?.selected === 'true' && sel[0].selected === 'false');
      await page.keyboard.press('ArrowUp');
      sel = await resultsOf(page);
      check('ArrowUp moves back', sel[0]?.selected === 'true');
    }

    await typeAndWait(page, input, '安然归');
    const r2 = await resultsOf(page);
    check('a substring of a title ("安然归") finds the seed post', r2.some((r) => r.href === '/posts/31466/'), JSON.stringify(r2.map((r) => r.href)));

    await typeAndWait(page, input, 'permalinks');
    const r3 = await resultsOf(page);
    check('an English word finds its post', r3.length >= 1 && r3[0].title.includes('Haven'), JSON.stringify(r3.map((r) => r.title)));

    await typeAndWait(page, input, '量子计算机');
    const r4 = await resultsOf(page);
    const status = await page.$eval('.haven-search-status', (s) => s.textContent);
    check('a query with no match says so', r4.length === 0 && status.includes('量子计算机'), `${r4.length} results, status "${status}"`);

    await page.keyboard.press('Escape');
    check('Esc closes the results', await page.$eval('.haven-search-panel', (p) => p.hidden));

    await typeAndWait(page, input, '依恋');
    await page.keyboard.press('ArrowDown');
    await Promise.all([page.waitForURL('**/posts/31466/', { timeout: 10000 }).catch(() => {}), page.keyboard.press('Enter')]);
    check('Enter opens the selected result', new URL(page.url()).pathname === '/posts/31466/', page.url());

    const searchFiles = problems.requests.filter((u) => u.includes('/search/'));
    check('the client and index came from /search/', searchFiles.some((u) => u.endsWith('/search/haven-search.mjs')) &&
      searchFiles.some((u) => u.endsWith('/search/index.json')), searchFiles.join('\n'));
    check('no request to another host', problems.foreign.length === 0, problems.foreign.join('\n'));
    check('no console errors', problems.console.length === 0, problems.console.join('\n'));
    check('no failed requests', problems.failed.length === 0 && problems.bad.length === 0, [...problems.failed, ...problems.bad].join('\n'));
  }
  await context.close();

  // the search page runs the query in its URL, results inline
  {
    const { context: c2, page: p2, problems: pr2 } = await open(origin + '/search/?q=' + encodeURIComponent('心之所向'), 390);
    const ok = await p2.waitForSelector('main .haven-search-result', { timeout: 10000 }).then(() => true, () => false);
    const r = ok ? await resultsOf(p2, 'main .haven-search') : [];
    check('the search page runs ?q= (390 px)', r.length >= 1 && r.some((x) => x.href === '/posts/31466/'), JSON.stringify(r.map((x) => x.href)));
    check('the search page fits 390 px', await p2.evaluate(() => document.documentElement.scrollWidth <= 390));
    await p2.screenshot({ path: path.join(shotsDir, 'search-page-390.png'), fullPage: true });
    check('search page: no console errors or foreign requests', pr2.console.length === 0 && pr2.foreign.length === 0,
      [...pr2.console, ...pr2.foreign].join('\n'));
    await c2.close();
  }
} catch (e) {
  check('search browser test ran to the end', false, e.stack || String(e));
} finally {
  await browser.close();
}
finish();
