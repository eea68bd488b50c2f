#!/usr/bin/env node
// Writes bench/search/queries.json: the published query set for the search benchmark, derived
// deterministically from the corpus `node bench/gen-corpus.mjs 10000 DIR` writes.
//
//   node bench/search/make-queries.mjs CORPUS_DIR [OUT]
//   node bench/search/make-queries.mjs --cjk CJK_CORPUS_DIR [OUT]   (gen-cjk-corpus.mjs → cjk-queries.json)
//   node bench/search/make-queries.mjs --fortune FORTUNE_CORPUS_DIR [OUT]   (gen-fortune-corpus.mjs → fortune-queries.json)
//
// Each query has a relevance rule the evaluation (run.mjs) applies to every result:
//   "title"    — the one post whose title is exactly the given one (relevant: [post number]);
//   "contains" — posts whose title or body text contains every space-separated part of the
//                query, case-insensitively (relevantCount: how many of the corpus's posts do);
//   "none"     — strings that occur nowhere in the corpus although their characters do (reversed
//                pairs, words split across sentences): every result shown is a false hit.
// Post numbers are the NNNNNN of source/_posts/post-NNNNNN.md, which every title ends with.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isRelevant, loadCorpus } from './make-queries-lib.mjs';

const args = process.argv.slice(2);
const mode = args[0] === '--cjk' ? 'cjk' : args[0] === '--fortune' ? 'fortune' : 'generated';
const [corpus, outArg] = mode === 'generated' ? args : args.slice(1);
if (!corpus) {
  console.error('usage: make-queries.mjs CORPUS_DIR [OUT]');
  process.exit(2);
}
const here = path.dirname(fileURLToPath(import.meta.url));
const out = outArg || path.join(here, mode === 'generated' ? 'queries.json' : `${mode}-queries.json`);
const posts = loadCorpus(corpus);

// Chinese substrings of the corpus's sentences, many across word boundaries ("籁俱", "全港",
// "与可读"), which word-segmenting engines cannot match; titles, headings and table words.
const zhContains = [
  '万籁俱寂', '籁俱', '心底那份', '悄然涌动', '连接的渴望', '教导要独立', '软弱的表现', '仿佛依恋',
  '婴儿', '对母亲', '安全感的源泉', '全感', '安全港湾', '全港', '真正消失', '温暖角落', '回溯的温',
  '静态博客', '态博客生成', '完整的网站', '可读性', '与可读', '缓存让重建', '瞬间完成', '依恋笔记',
  '成长笔记', '第3节', '名称',
];
const enContains = ['incremental', 'pleasant', 'Chinese', 'generators', 'compiled', 'writing loop', 'fib', 'Println',
  'abbrlink', 'increm', 'templ', 'Section 4'];
const mixedContains = ['Markdown 文件', '静态博客 Markdown', '依恋 Haven', 'Search 依恋'];
const none = ['港全', '籁万', '独要立', '渴连', '博静态', '表软弱'];

const queries = [];
const add = (q) => queries.push({ id: queries.length + 1, ...q });

if (mode === 'cjk') {
  // substrings of gen-cjk-corpus.mjs's sentences, most across the words a segmenter would cut
  for (const q of ['段简', '是一段', '试文', '迭代器失效', '代器', '负载因子', '载因', '根目录', '梧桐', '桐树', '地铁站', '铁站等',
    '牛肉拉面', '肉拉', '迴圈', '檔案', '函式', '元組', '錯誤訊息', '誤訊', '安裝套件', '裝套', '字串', '全形', '記憶體用量',
    '憶體', '快速鍵', '速鍵', '東京タワー', '京タ', '展望台', '形態素解析', '態素', '転置インデックス', '非同期処理', '同期',
    '검색', '사이트 생성기']) add({ q, lang: 'cjk', rule: 'contains' });
  for (const q of ['简段', '圈迴', '訊誤', '鍵速', '素態']) add({ q, lang: 'cjk', rule: 'none' });
} else if (mode === 'fortune') {
  addFortuneQueries();
} else {
  addGeneratedCorpusQueries();
}

// Real text: 60 substrings of 2–4 Han characters cut at deterministic places of the fortune
// entries (most across word boundaries, as a reader copying a phrase would), a few Latin words,
// and reversed pairs that occur nowhere.
function addFortuneQueries() {
  let seed = 12345;
  const next = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed; };
  const texts = posts.map((p) => p.text);
  const seen = new Set();
  while (queries.length < 60) {
    const text = texts[next() % texts.length];
    const runs = text.match(/[\u4e00-\u9fff]{5,}/g) || [];
    if (!runs.length) continue;
    const run = runs[next() % runs.length];
    const len = 2 + (queries.length % 3);
    const start = next() % (run.length - len + 1);
    const q = run.slice(start, start + len);
    if (seen.has(q)) continue;
    seen.add(q);
    add({ q, lang: 'zh', rule: 'contains' });
  }
  for (const q of ['Debian', 'Linux', 'GNU', 'free software', 'Debian 社区']) add({ q, lang: q.includes(' 社') ? 'mixed' : 'en', rule: 'contains' });
  let added = 0;
  for (const q of queries.slice(0, 40).map((x) => Array.from(x.q).slice(0, 2).reverse().join(''))) {
    if (added < 6 && !texts.some((t) => t.includes(q)) && !seen.has(q)) { seen.add(q); add({ q, lang: 'zh', rule: 'none' }); added++; }
  }
}

function addGeneratedCorpusQueries() {
  // exact titles, spread over the corpus
  const pickTitles = (pred, count, salt) => {
    const picked = [];
    for (let k = 0; picked.length < count && k < posts.length * 2; k++) {
      const i = (k * 7919 + salt) % posts.length;
      if (pred(posts[i].title) && !picked.includes(i)) picked.push(i);
    }
    return picked;
  };
  for (const i of pickTitles((t) => /[\u4e00-\u9fff]/.test(t), 16, 13)) add({ q: posts[i].title, lang: 'zh', rule: 'title', relevant: [i] });
  for (const i of pickTitles((t) => t.startsWith('Notes'), 8, 101)) add({ q: posts[i].title, lang: 'en', rule: 'title', relevant: [i] });
  // a title without its first character: a substring inside the title's first word
  for (const i of pickTitles((t) => /[\u4e00-\u9fff]/.test(t), 6, 577)) add({ q: Array.from(posts[i].title).slice(1).join(''), lang: 'zh', rule: 'title', relevant: [i] });
  for (const q of zhContains) add({ q, lang: 'zh', rule: 'contains' });
  for (const q of enContains) add({ q, lang: 'en', rule: 'contains' });
  for (const q of mixedContains) add({ q, lang: 'mixed', rule: 'contains' });
  for (const q of none) add({ q, lang: 'zh', rule: 'none' });

}

for (const q of queries) {
  if (q.rule === 'title') q.relevantCount = q.relevant.length;
  else q.relevantCount = posts.filter((p) => isRelevant({ ...q, rule: 'contains' }, p)).length;
  if (!q.relevantCount !== (q.rule === 'none')) throw new Error(`query ${q.q}: ${q.relevantCount} relevant posts`);
}
fs.writeFileSync(out, JSON.stringify({
  corpus: 'node bench/gen-corpus.mjs 10000 DIR',
  posts: posts.length,
  metrics: ['recall@10 = |top 10 ∩ relevant| / min(10, |relevant|), averaged over queries with relevant posts',
    'precision@10 = relevant results / results shown', 'MRR of the exact title for rule "title"', 'false hits: results shown for rule "none"'],
  queries,
}, null, 1) + '\n');
console.log(`wrote ${queries.length} queries to ${out}`);

