#!/usr/bin/env node
// Writes bench/search/queries.json: the published query set for the search benchmark, derived
// deterministically from the corpus `node bench/gen-corpus.mjs 10000 DIR` writes.
//
//   node bench/search/make-queries.mjs CORPUS_DIR [OUT]
//
// Each query has a relevance rule the evaluation (run.mjs) applies to every result:
//   "title"    — the one post whose title is exactly the given one (relevant: [post number]);
//   "contains" — posts whose title or body text contains every space-separated part of the
//                query, case-insensitively (relevantCount: how many of the corpus's posts do).
// Post numbers are the NNNNNN of source/_posts/post-NNNNNN.md, which every title ends with.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isRelevant, loadCorpus } from './make-queries-lib.mjs';

const [corpus, outArg] = process.argv.slice(2);
if (!corpus) {
  console.error('usage: make-queries.mjs CORPUS_DIR [OUT]');
  process.exit(2);
}
const here = path.dirname(fileURLToPath(import.meta.url));
const out = outArg || path.join(here, 'queries.json');
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

const queries = [];
const add = (q) => queries.push({ id: queries.length + 1, ...q });

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

for (const q of queries) {
  if (q.rule === 'contains') q.relevantCount = posts.filter((p) => isRelevant(q, p)).length;
  else q.relevantCount = q.relevant.length;
  if (!q.relevantCount) throw new Error(`query with no relevant post: ${q.q}`);
}
fs.writeFileSync(out, JSON.stringify({
  corpus: 'node bench/gen-corpus.mjs 10000 DIR',
  posts: posts.length,
  metric: 'recall@10 = |top 10 ∩ relevant| / min(10, |relevant|), averaged over queries',
  queries,
}, null, 1) + '\n');
console.log(`wrote ${queries.length} queries to ${out}`);

