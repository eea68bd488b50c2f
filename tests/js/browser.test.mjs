// Browser tests of the default theme (issue 5): Debian's chromium driven by playwright-core
// against the example blog served by `haven serve`. Screenshots go to
// build/artifacts/screenshots/ (or $HAVEN_ARTIFACTS/screenshots/).
//
//   HAVEN_BIN=build/haven node tests/js/browser.test.mjs
//
// Checks: no console errors, no failed requests, no request to another host, no horizontal
// overflow at 390 px, TOC links scroll to their headings, the dark-mode choice survives a
// reload, axe-core finds no serious or critical violation, CSS + JS per page < 30 KB gzipped.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
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
  console.log(`haven binary not found at ${bin} (set HAVEN_BIN)`);
  check('haven binary exists', false);
  finish();
}
if (!fs.existsSync(chromiumPath)) {
  console.log(`skipping browser tests: no chromium at ${chromiumPath} (apt-get install chromium)`);
  finish();
}

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  console.log('skipping browser tests: playwright-core is not installed (npm ci in tests/js)');
  finish();
}
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// ---- static checks of the theme files ------------------------------------------------------
{
  const dir = path.join(repo, 'theme', 'languages');
  const keysOf = f => fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(l => /^[A-Za-z_][\w.-]*:/.test(l)).map(l => l.split(':')[0]).sort();
  const reference = keysOf('en.yml');
  for (const lang of ['zh-CN', 'zh-TW', 'ja']) {
    const keys = keysOf(`${lang}.yml`);
    const missing = reference.filter(k => !keys.includes(k));
    const extra = keys.filter(k => !reference.includes(k));
    check(`languages/${lang}.yml has every UI string of en.yml`, !missing.length && !extra.length, `missing: ${missing} extra: ${extra}`);
  }
}

// ---- the site under test: a copy of the example blog, so the repository stays clean ----------
const siteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-browser-'));
fs.cpSync(path.join(repo, 'examples', 'blog'), siteDir, { recursive: true });
fs.rmSync(path.join(siteDir, 'public'), { recursive: true, force: true });
// The menu of the example blog links the tag cloud and category pages (Hexo sites keep them as
// source/tags/index.md and source/categories/index.md); add them when the example has none.
for (const [dir, type, title] of [['tags', 'tags', '标签'], ['categories', 'categories', '分类']]) {
  const file = path.join(siteDir, 'source', dir, 'index.md');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `---\ntitle: ${title}\ntype: ${type}\nlayout: ${type}\ncomments: false\n---\n`);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

const port = await freePort();
const origin = `http://127.0.0.1:${port}`;
const server = spawn(bin, ['serve', siteDir, '--host', '127.0.0.1', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
let serverLog = '';
server.stdout.on('data', d => { serverLog += d; });
server.stderr.on('data', d => { serverLog += d; });
let browser;
function cleanup() {
  try { server.kill('SIGTERM'); } catch { /* already gone */ }
  fs.rmSync(siteDir, { recursive: true, force: true });
}
process.on('exit', cleanup);

async function waitForServer() {
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) return false;
    try {
      const r = await fetch(origin + '/');
      if (r.ok) return true;
    } catch { /* not up yet */ }
    await new Promise(r => setTimeout(r, 200));
  }
  return false;
}

if (!(await waitForServer())) {
  check('haven serve starts', false, serverLog);
  finish();
}

browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
});
fs.mkdirSync(shotsDir, { recursive: true });

const pages = [
  { name: 'home', path: '/' },
  { name: 'post', path: '/posts/31466/' },
  { name: 'archives', path: '/archives/' },
  { name: 'tags', path: '/tags/' },
  { name: 'tag', path: '/tags/' + encodeURIComponent('依恋') + '/' },
  { name: 'categories', path: '/categories/' },
  { name: 'mixed', path: null },  // the mixed-language post, found from the archive
  { name: '404', path: '/no-such-page/', status: 404 },
];

// Opens `url` in a fresh context and records console errors, failed and foreign requests.
async function open(url, { width, scheme, storage } = {}) {
  const context = await browser.newContext({
    viewport: { width, height: width < 600 ? 844 : 900 },
    deviceScaleFactor: 1,
    colorScheme: scheme,
    ...(storage ? { storageState: storage } : {}),
  });
  const page = await context.newPage();
  const problems = { console: [], failed: [], foreign: [], bad: [] };
  page.on('console', m => { if (m.type() === 'error') problems.console.push(m.text()); });
  page.on('pageerror', e => problems.console.push(String(e)));
  page.on('requestfailed', r => problems.failed.push(`${r.url()} ${r.failure()?.errorText}`));
  page.on('request', r => {
    const u = new URL(r.url());
    if (u.protocol !== 'data:' && u.origin !== origin) problems.foreign.push(r.url());
  });
  page.on('response', r => {
    if (r.status() >= 400 && r.url() !== url) problems.bad.push(`${r.status()} ${r.url()}`);
  });
  const response = await page.goto(url, { waitUntil: 'load' });
  return { context, page, problems, response };
}

async function axeCheck(page) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }));
  });
  return result.filter(v => v.impact === 'serious' || v.impact === 'critical');
}

try {
  // the mixed-language post's path
  {
    const html = await (await fetch(origin + '/archives/')).text();
    const m = html.match(/href="([^"]+)">中英混排/);
    pages.find(p => p.name === 'mixed').path = m ? m[1] : '/';
  }

  for (const p of pages) {
    for (const width of [390, 1280]) {
      for (const scheme of ['light', 'dark']) {
        const label = `${p.name} ${width}px ${scheme}`;
        const { context, page, problems, response } = await open(origin + p.path, { width, scheme });
        check(`${label}: status ${p.status || 200}`, response.status() === (p.status || 200), `got ${response.status()}`);
        // a 404 page's own status is logged by Chromium as a failed resource: that one is expected
        const errors = problems.console.filter(t => !(p.status === 404 && /status of 404/.test(t)));
        check(`${label}: no console errors`, errors.length === 0, errors.join('\n'));
        check(`${label}: no failed requests`, problems.failed.length === 0 && problems.bad.length === 0, [...problems.failed, ...problems.bad].join('\n'));
        check(`${label}: no request to another host`, problems.foreign.length === 0, problems.foreign.join('\n'));
        if (width === 390) {
          const overflow = await page.evaluate(() => {
            const doc = document.documentElement;
            const wide = [...document.querySelectorAll('body *')].filter(el => el.getBoundingClientRect().right > doc.clientWidth + 1)
              .filter(el => !el.closest('.site-nav ul, pre, figure.highlight, table, .skip-link, .visually-hidden'))
              .slice(0, 5).map(el => `${el.tagName.toLowerCase()}.${el.className}`);
            return { scroll: doc.scrollWidth, client: doc.clientWidth, wide };
          });
          check(`${label}: no horizontal overflow`, overflow.scroll <= overflow.client && overflow.wide.length === 0, JSON.stringify(overflow));
        }
        const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        check(`${label}: colour scheme applied`, scheme === 'dark' ? dark === 'rgb(25, 25, 27)' : dark === 'rgb(251, 250, 247)', dark);
        const violations = await axeCheck(page);
        check(`${label}: axe finds no serious or critical violation`, violations.length === 0, JSON.stringify(violations, null, 1));
        await page.screenshot({ path: path.join(shotsDir, `${p.name}-${width}-${scheme}.png`), fullPage: true });
        await context.close();
      }
    }
  }

  // TOC on wide screens: every sidebar link scrolls its heading to the top and becomes active.
  {
    const { context, page } = await open(origin + '/posts/31466/', { width: 1280, scheme: 'light' });
    const links = await page.$$('.toc-sidebar a.toc-link');
    check('toc: sidebar has links', links.length >= 2, `${links.length} links`);
    for (let i = links.length - 1; i >= 0; i--) {
      const href = await links[i].getAttribute('href');
      await links[i].click();
      await page.waitForFunction(id => {
        const el = document.getElementById(decodeURIComponent(id));
        if (!el) return false;
        const top = el.getBoundingClientRect().top;
        return Math.abs(top - 24) < 40 || window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2;
      }, href.slice(1), { timeout: 5000 }).then(() => true, () => false).then(ok => check(`toc: link ${i + 1} scrolls to its heading`, ok));
      await page.waitForTimeout(150);
      const active = await page.evaluate(h => document.querySelector(`.toc-sidebar a.toc-link[href="${h}"]`)?.classList.contains('is-active'), href);
      const atEnd = await page.evaluate(() => window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2);
      check(`toc: link ${i + 1} is marked as the current section`, active || atEnd);
    }
    await context.close();
  }
  // TOC on small screens: folded above the text, links jump too.
  {
    const { context, page } = await open(origin + '/posts/31466/', { width: 390, scheme: 'light' });
    await page.click('details.toc-inline summary');
    const link = page.locator('details.toc-inline a.toc-link').nth(1);
    const href = await link.getAttribute('href');
    await link.click();
    const ok = await page.waitForFunction(id => {
      const el = document.getElementById(decodeURIComponent(id));
      return el && Math.abs(el.getBoundingClientRect().top - 24) < 40;
    }, href.slice(1), { timeout: 5000 }).then(() => true, () => false);
    check('toc (390px): link scrolls to its heading', ok);
    await context.close();
  }

  // Dark mode: the toggle's choice survives a reload (and overrides the system preference).
  {
    const { context, page } = await open(origin + '/posts/31466/', { width: 1280, scheme: 'light' });
    await page.click('.theme-toggle');
    const after = await page.evaluate(() => [document.documentElement.dataset.theme, document.querySelector('.theme-toggle').getAttribute('aria-pressed')]);
    check('dark mode: toggle switches to dark', after[0] === 'dark' && after[1] === 'true', JSON.stringify(after));
    await page.reload({ waitUntil: 'load' });
    const reloaded = await page.evaluate(() => [document.documentElement.dataset.theme, getComputedStyle(document.body).backgroundColor]);
    check('dark mode: choice survives a reload', reloaded[0] === 'dark' && reloaded[1] === 'rgb(25, 25, 27)', JSON.stringify(reloaded));
    await page.goto(origin + '/archives/', { waitUntil: 'load' });
    check('dark mode: choice applies on other pages', await page.evaluate(() => document.documentElement.dataset.theme === 'dark'));
    await page.click('.theme-toggle');
    await page.reload({ waitUntil: 'load' });
    check('dark mode: switching back to light is remembered', await page.evaluate(() => document.documentElement.dataset.theme === 'light'));
    await context.close();
  }

  // Weight: the CSS and JS a page loads (plus inline scripts), gzipped, under 30 KB.
  for (const p of pages) {
    const html = await (await fetch(origin + p.path)).text();
    let bytes = 0;
    // the live-reload client of `haven serve` (/__haven/) is not part of the site
    const assets = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g), ...html.matchAll(/<script[^>]* src="([^"]+)"/g)].map(m => m[1]).filter(a => !a.startsWith("/__haven/"));
    for (const a of assets) {
      const body = Buffer.from(await (await fetch(new URL(a, origin + p.path))).arrayBuffer());
      bytes += zlib.gzipSync(body, { level: 9 }).length;
    }
    for (const m of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)) bytes += zlib.gzipSync(m[1]).length;
    check(`weight: ${p.name} loads ${(bytes / 1024).toFixed(1)} KB of CSS + JS gzipped (< 30 KB)`, bytes < 30 * 1024);
  }

  // Integrations are off by default and appear once configured (theme_config in a merged config).
  {
    const extra = path.join(siteDir, '_integrations.yml');
    fs.writeFileSync(extra, [
      'theme_config:',
      '  comments:',
      '    provider: giscus',
      '    giscus: {repo: me/blog, repo_id: R_1, category: Comments, category_id: C_1}',
      '  analytics:',
      '    plausible: {domain: blog.example.com}',
      '    baidu: abc123',
      '',
    ].join('\n'));
    const out = path.join(siteDir, '_integrations_out');
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(bin, ['build', siteDir, '-o', out, '--config', `${path.join(siteDir, '_config.yml')},${extra}`], { encoding: 'utf8' });
    check('integrations: site builds with comments and analytics on', r.status === 0, r.stdout + r.stderr);
    const post = r.status === 0 ? fs.readFileSync(path.join(out, 'posts', '31466', 'index.html'), 'utf8') : '';
    check('integrations: giscus script on posts', post.includes('src="https://giscus.app/client.js"') && post.includes('data-repo="me/blog"'));
    check('integrations: plausible and baidu analytics in <head>', post.includes('data-domain="blog.example.com"') && post.includes('hm.baidu.com/hm.js?abc123'));
    const plain = await (await fetch(origin + '/posts/31466/')).text();
    check('integrations: none by default', !/giscus|plausible|hm\.baidu|googletagmanager|umami|disqus|utteranc|waline|twikoo/.test(plain));
  }

  // Print style hides the chrome.
  {
    const { context, page } = await open(origin + '/posts/31466/', { width: 1280, scheme: 'dark' });
    await page.emulateMedia({ media: 'print' });
    const hidden = await page.evaluate(() => ['.site-header', '.site-footer', '.toc-aside', '.post-nav'].every(s => !document.querySelector(s) || getComputedStyle(document.querySelector(s)).display === 'none'));
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    check('print: header, footer, TOC and post navigation hidden', hidden);
    check('print: white background even in dark mode', bg === 'rgb(255, 255, 255)', bg);
    await context.close();
  }
} catch (e) {
  check('browser tests ran without exceptions', false, e.stack || String(e));
} finally {
  await browser.close();
  cleanup();
}
console.log(`screenshots: ${shotsDir}`);
finish();
