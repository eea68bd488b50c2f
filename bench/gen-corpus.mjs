#!/usr/bin/env node
// Deterministic Hexo-format corpus for benchmarks: node bench/gen-corpus.mjs N OUT_DIR [HUGO_DIR]
// With HUGO_DIR, the same posts are also written as a Hugo site (content/posts/*.md with the same
// titles, dates, tags, categories, bodies and URLs; config.toml for bench/hugo/themes/comparable).
// Mixed Chinese and English posts with headings, lists, tables and code blocks (~40% of posts),
// ~200 tags, 30 one- or two-level categories, dates spread over ten years, abbrlinks written in
// the front matter as a migrated hexo-abbrlink blog has them. Same N → same bytes.
import fs from 'node:fs';
import path from 'node:path';

const [count = '1000', out = 'bench/corpus', hugoOut] = process.argv.slice(2);
const n = Number(count);

// xorshift32: a fixed seed makes every run produce the same corpus
let state = 0x9e3779b9;
const rand = () => { state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0; return state / 4294967296; };
const pick = (a) => a[Math.floor(rand() * a.length)];

const zh = ['夜幕低垂，万籁俱寂，唯有心底那份对连接的渴望，在悄然涌动。', '我们常常被教导要独立、要坚强，仿佛依恋是一种软弱的表现。',
  '婴儿对母亲的依恋，是生存的需要，是安全感的源泉。', '这份对“安全港湾”的渴望，从未真正消失。', '它让我们在外界的风雨中，有一个可以回溯的温暖角落。',
  '静态博客生成器把 Markdown 文件变成完整的网站。', '性能与可读性同样重要，缓存让重建几乎瞬间完成。'];
const en = ['Static site generators turn a folder of Markdown into a website.', 'Incremental builds only redo what changed.',
  'Templates are compiled once and rendered many times.', 'A fast build keeps the writing loop pleasant.', 'Search should work for Chinese as well as English.'];
const code = {
  cpp: 'int main() {\n  std::vector<int> v{1, 2, 3};\n  for (auto x : v) std::cout << x << "\\n";\n  return 0;\n}',
  python: 'def fib(n):\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n',
  js: 'const posts = await load();\nfor (const p of posts) {\n  console.log(`${p.title}: ${p.date}`);\n}',
  go: 'package main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hello")\n}',
  yaml: 'title: Haven\npermalink: posts/:abbrlink/\nfeed:\n  type: atom',
};
const tags = Array.from({ length: 200 }, (_, i) => (i % 2 ? `tag-${i}` : `标签${i}`));
const parents = Array.from({ length: 10 }, (_, i) => (i % 2 ? `Category ${i}` : `分类${i}`));
const categories = [];
for (const p of parents) { categories.push([p]); categories.push([p, `${p} 子类 A`]); categories.push([p, `${p} 子类 B`]); }

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(path.join(out, 'source/_posts'), { recursive: true });
if (hugoOut) {
  fs.rmSync(hugoOut, { recursive: true, force: true });
  fs.mkdirSync(path.join(hugoOut, 'content/posts'), { recursive: true });
  fs.mkdirSync(path.join(hugoOut, 'content/archives'), { recursive: true });
  // Same pages as the Hexo side: paginated home and archives (10 per page), tag and category
  // pages, one Atom-sized feed of 20 entries at the root, sitemap; no per-list feeds, no aliases.
  fs.writeFileSync(path.join(hugoOut, 'config.toml'), `baseURL = "https://bench.example.com/"
title = "Bench"
languageCode = "zh-CN"
theme = "comparable"
paginate = 10
disableAliases = true
enableRobotsTXT = false
disableKinds = ["taxonomy"]
ignoreErrors = ["error-disable-taxonomy"]
[permalinks]
  posts = "/posts/:slug/"
[taxonomies]
  tag = "tags"
  category = "categories"
[outputs]
  home = ["HTML", "RSS"]
  section = ["HTML"]
  taxonomy = ["HTML"]
  term = ["HTML"]
  page = ["HTML"]
[services.rss]
  limit = 20
[markup.goldmark.renderer]
  unsafe = true
`);
  fs.writeFileSync(path.join(hugoOut, 'content/archives/_index.md'), '---\ntitle: Archives\nlayout: archives\n---\n');
}
fs.writeFileSync(path.join(out, '_config.yml'), `title: Bench\nurl: https://bench.example.com\npermalink: posts/:abbrlink/\nper_page: 10\nlanguage: zh-CN\nfeed:\n  type: atom\nsitemap:\n  path: sitemap.xml\n`);

const start = Date.UTC(2015, 0, 1);
const span = 10 * 365 * 86400 * 1000;
for (let i = 0; i < n; i++) {
  const date = new Date(start + Math.floor((i / n) * span) + Math.floor(rand() * 86400000));
  const d = date.toISOString().slice(0, 19).replace('T', ' ');
  const postTags = Array.from(new Set([pick(tags), pick(tags), pick(tags)]));
  const cat = pick(categories);
  const chinese = rand() < 0.6;
  const title = chinese ? `${pick(['依恋', '成长', '连接', '性能', '博客'])}笔记 ${i}` : `Notes on building ${i}`;
  let body = '';
  for (let s = 0; s < 6; s++) {
    body += `## ${chinese ? '第' + (s + 1) + '节' : 'Section ' + (s + 1)}\n\n`;
    for (let p = 0; p < 3; p++) body += Array.from({ length: 4 }, () => (rand() < 0.7 ? pick(zh) : pick(en))).join(' ') + '\n\n';
    if (s === 1) body += '- ' + pick(en) + '\n- ' + pick(zh) + '\n- [x] done\n\n';
    if (s === 2 && rand() < 0.4) { const lang = pick(Object.keys(code)); body += '```' + lang + '\n' + code[lang] + '\n```\n\n'; }
    if (s === 3 && rand() < 0.3) body += '| 名称 | value |\n| --- | ---: |\n| 依恋 | 1 |\n| Haven | 2 |\n\n';
    if (s === 0) body += '<!-- more -->\n\n';
  }
  const fm = `---\ntitle: ${title}\nabbrlink: ${10000 + i}\ndate: ${d}\ntags:\n${postTags.map((t) => `  - ${t}`).join('\n')}\ncategories:\n${cat.map((c) => `  - ${c}`).join('\n')}\n---\n\n`;
  fs.writeFileSync(path.join(out, 'source/_posts', `post-${String(i).padStart(6, '0')}.md`), fm + body);
  if (hugoOut) {
    // Hexo categories are a path (parent, child): the post is listed under both, as Hugo terms
    const hfm = `---\ntitle: "${title}"\nslug: "${10000 + i}"\ndate: ${d.replace(' ', 'T')}\ntags:\n${postTags.map((t) => `  - "${t}"`).join('\n')}\ncategories:\n${cat.map((c) => `  - "${c}"`).join('\n')}\n---\n\n`;
    fs.writeFileSync(path.join(hugoOut, 'content/posts', `post-${String(i).padStart(6, '0')}.md`), hfm + body.replace('<!-- more -->', '<!--more-->'));
  }
}
console.log(`wrote ${n} posts to ${out}${hugoOut ? ` and ${hugoOut}` : ''}`);
