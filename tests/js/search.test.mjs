// Tests of Haven's search (issue 7) on the Node side:
//  1. the client's tokenizer reproduces tests/search/tokens.json, the vectors the C++ tokenizer
//     (test_search) also asserts, so index time and query time agree;
//  2. excerpt and highlight helpers;
//  3. the client over the index `haven build` writes for examples/blog.
//
//   HAVEN_BIN=build/haven node tests/js/search.test.mjs
//   HAVEN_SEARCH_SITE=DIR node tests/js/search.test.mjs   (an already built site instead)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const clientPath = path.join(repo, 'src', 'search', 'client', 'haven-search.mjs');
const client = await import(pathToFileURL(clientPath).href);

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
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// ---- 1. shared token vectors ----
const vectors = JSON.parse(fs.readFileSync(path.join(repo, 'tests', 'search', 'tokens.json'), 'utf8'));
check('token vectors present', vectors.length >= 20, vectors.length);
for (const v of vectors) {
  const tokens = client.tokenize(v.text);
  check(`tokens: ${v.note}`, same(tokens, v.tokens), `got ${JSON.stringify(tokens)}\nwant ${JSON.stringify(v.tokens)}`);
  const query = client.queryTerms(v.text).map((t) => [t.text, t.kind]);
  check(`query terms: ${v.note}`, same(query, v.query), `got ${JSON.stringify(query)}\nwant ${JSON.stringify(v.query)}`);
}

// ---- 2. helpers ----
check('token order is code point order',
  client.compareTokens('\uFFFD', '𠮷') < 0 && client.compareTokens('a', 'ab') < 0 && client.compareTokens('b', 'a') > 0);
{
  const h = client.highlight('依恋：心之所向，安然归处', '安然归');
  check('highlight marks a CJK substring', h === '依恋：心之所向，<mark>安然归</mark>处', h);
  const w = client.highlight('Static site generators', 'gen');
  check('highlight extends a word prefix to the whole word', w === 'Static site <mark>generators</mark>', w);
  const x = client.highlight('<b>&', 'b');
  check('highlight escapes HTML', x === '&lt;<mark>b</mark>&gt;&amp;', x);
  const long = 'a'.repeat(500) + ' 这是一段简单的文字 ' + 'b'.repeat(500);
  const e = client.makeExcerpt(long, '段简');
  check('excerpt is centred on the match', e.includes('一<mark>段简</mark>单') && e.startsWith('…') && e.endsWith('…') && e.length < 200, e);
  const none = client.makeExcerpt('nothing to see here', '依恋');
  check('excerpt without a match starts the text', none === 'nothing to see here', none);
}

// ---- 3. the client over a built site ----
function builtSite() {
  if (process.env.HAVEN_SEARCH_SITE) return process.env.HAVEN_SEARCH_SITE;
  const bin = process.env.HAVEN_BIN || path.join(repo, 'build', 'haven');
  if (!fs.existsSync(bin)) return { error: `haven binary not found at ${bin} (set HAVEN_BIN)` };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-search-'));
  fs.cpSync(path.join(repo, 'examples', 'blog'), path.join(tmp, 'blog'), { recursive: true });
  fs.rmSync(path.join(tmp, 'blog', 'public'), { recursive: true, force: true });
  try {
    execFileSync(bin, ['build', path.join(tmp, 'blog')], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    return { error: `haven build failed: ${e.stderr}` };
  }
  // the same site with the index turned off, for the "off" checks
  fs.writeFileSync(path.join(tmp, 'blog', '_search_off.yml'), 'haven_search:\n  enable: false\n');
  try {
    execFileSync(bin, ['build', path.join(tmp, 'blog'), '-o', path.join(tmp, 'off'), '--config', '_config.yml,_search_off.yml'],
      { stdio: ['ignore', 'pipe', 'pipe'], cwd: path.join(tmp, 'blog') });
  } catch (e) {
    return { error: `haven build (index off) failed: ${e.stderr}` };
  }
  offSite = path.join(tmp, 'off');
  return path.join(tmp, 'blog', 'public');
}
let offSite = null;

const site = builtSite();
if (typeof site === 'object') {
  check('fixture site built', false, site.error);
} else {
  const dir = path.join(site, 'search');
  check('haven build writes search/index.json', fs.existsSync(path.join(dir, 'index.json')),
    'no search index: is src/search wired into the site build (haven_search defaults to on)?');
  check('haven build writes the client module', fs.existsSync(path.join(dir, 'haven-search.mjs')) &&
    fs.readFileSync(path.join(dir, 'haven-search.mjs'), 'utf8') === fs.readFileSync(clientPath, 'utf8'));
  if (fs.existsSync(path.join(dir, 'index.json'))) {
    // the module the site serves, loading files as the browser would (bytes)
    const { createSearch } = await import(pathToFileURL(path.join(dir, 'haven-search.mjs')).href);
    const loaded = [];
    const search = createSearch({ load: (p) => { loaded.push(p); return fs.promises.readFile(path.join(dir, p)); } });
    const seed = '/posts/31466/';

    const r1 = await search.query('依恋');
    check('"依恋" puts the seed post first', r1[0]?.url === seed, JSON.stringify(r1.map((r) => r.url)));
    check('results have url, title, excerpt, score', r1[0] && typeof r1[0].title === 'string' && r1[0].title.includes('依恋') &&
      typeof r1[0].excerpt === 'string' && typeof r1[0].score === 'number' && r1[0].score > 0, JSON.stringify(r1[0]));
    check('excerpt marks the match', /<mark>依恋<\/mark>/.test(r1[0]?.excerpt ?? ''), r1[0]?.excerpt);
    check('scores descend', r1.every((r, i) => i === 0 || r.score <= r1[i - 1].score));

    const r2 = await search.query('安然归处');
    check('"安然归处" (title substring) finds the seed post first', r2[0]?.url === seed, JSON.stringify(r2.map((r) => r.url)));
    const r3 = await search.query('安然归');
    check('"安然归" (part of a word) finds the seed post', r3.some((r) => r.url === seed), JSON.stringify(r3.map((r) => r.url)));
    const r3b = await search.query('港湾');
    check('"港湾" (inside a body sentence) finds the seed post', r3b[0]?.url === seed && r3b[0].excerpt.includes('<mark>港湾</mark>'),
      JSON.stringify(r3b[0]));

    const r4 = await search.query('Permalinks');
    check('an English word finds its post', r4.length >= 1 && r4[0].title === 'Hello, Haven', JSON.stringify(r4.map((r) => r.title)));
    const r4b = await search.query('permal');
    check('English words match by prefix, case-insensitively', r4b[0]?.title === 'Hello, Haven', JSON.stringify(r4b.map((r) => r.title)));
    const r4c = await search.query('ＨＡＶＥＮ'); // full-width, NFKC
    check('full-width query is normalized', r4c.length >= 1, JSON.stringify(r4c.map((r) => r.title)));

    const r5 = await search.query('English 混排');
    check('a mixed Chinese-English query finds the mixed post', r5[0]?.title === '中英混排与 Markdown 功能', JSON.stringify(r5.map((r) => r.title)));
    check('mixed query marks both scripts', /<mark>english<\/mark>|<mark>English<\/mark>/.test(r5[0]?.excerpt ?? '') && r5[0]?.excerpt.includes('<mark>混排'),
      r5[0]?.excerpt);

    const r5b = await search.query('安然后'); // 安然 (title) and 然后 (body) occur in the seed, 安然后 nowhere
    check('a CJK run is matched as a whole, not as scattered pairs', r5b.length === 0, JSON.stringify(r5b.map((r) => r.url)));
    const r5c = await search.query('心之所向安然归处'); // the title without its comma
    check('a long query missing one pair across punctuation still finds the post', r5c[0]?.url === seed, JSON.stringify(r5c.map((r) => r.url)));

    const r6 = await search.query('量子计算机');
    check('a query with no match returns []', Array.isArray(r6) && r6.length === 0, JSON.stringify(r6));
    const r6b = await search.query('依恋 zzqxj');
    check('every term must match', r6b.length === 0, JSON.stringify(r6b.map((r) => r.url)));
    check('an empty query returns []', (await search.query('  ，')).length === 0);

    const r7 = await search.query('依恋', { tags: ['排版'] });
    check('tag filter keeps only tagged posts', r7.every((r) => r.tags.includes('排版')) && !r7.some((r) => r.url === seed),
      JSON.stringify(r7.map((r) => r.url)));
    const r7b = await search.query('依恋', { tags: ['治愈'] });
    check('tag filter finds the seed by its tag', r7b.length === 1 && r7b[0].url === seed, JSON.stringify(r7b.map((r) => r.url)));
    const r7c = await search.query('', { categories: ['Notes'] });
    check('category filter alone lists the category', r7c.length === 1 && r7c[0].title === 'Hello, Haven', JSON.stringify(r7c.map((r) => r.title)));
    const r7d = await search.query('haven', { tags: ['no-such-tag'] });
    check('an unknown tag filters everything out', r7d.length === 0);

    const r8 = await search.query('依恋', { limit: 1 });
    check('limit is honoured', r8.length === 1);
    check('only index files were loaded', loaded.every((p) => p === 'index.json' || /^(s|d)\//.test(p)), loaded.join(' '));

    if (offSite) {
      check('haven_search.enable: false writes no index', !fs.existsSync(path.join(offSite, 'search', 'index.json')));
      const home = fs.readFileSync(path.join(offSite, 'index.html'), 'utf8');
      check('haven_search.enable: false renders no search box', !home.includes('haven-search'), 'the home page still has .haven-search');
    }
    const homeOn = fs.readFileSync(path.join(site, 'index.html'), 'utf8');
    check('the home page has the search box', homeOn.includes('class="haven-search"') && homeOn.includes('js/haven-search-ui.js'),
      'include "_partial/search.njk" in the header (see src/search/README.md)');

    // a loader returning text for JSON and ArrayBuffers for the rest works too
    const s2 = createSearch({ load: async (p) => {
      const b = await fs.promises.readFile(path.join(dir, p));
      return p.endsWith('.json') ? b.toString('utf8') : b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
    } });
    check('text and ArrayBuffer loads work', (await s2.query('依恋'))[0]?.url === seed);
  }
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
