#!/usr/bin/env node
// A small Hexo corpus for CJK substring recall: node bench/search/gen-cjk-corpus.mjs OUT_DIR [N]
// N posts (default 60), each three sentences from a fixed pool of Simplified and Traditional
// Chinese, Japanese and Korean sentences with technical and everyday vocabulary, so every sentence
// occurs in about N·3/20 posts and recall@10 needs nearly all of them found. Same N → same bytes.
// Its queries are cjk-queries.json (make-queries.mjs --cjk).
import fs from 'node:fs';
import path from 'node:path';

const [out, count = '60'] = process.argv.slice(2);
if (!out) {
  console.error('usage: gen-cjk-corpus.mjs OUT_DIR [N]');
  process.exit(2);
}
const n = Number(count);

const sentences = [
  '这是一段简单的测试文本，用来检查中文搜索。',
  '静态网站生成器把文章编译成网页。',
  '我们在迭代器失效之后重新获取指针。',
  '哈希表的负载因子决定了扩容的时机。',
  '请把配置文件放在项目根目录下。',
  '夜深了，窗外的梧桐树沙沙作响。',
  '他在地铁站等了整整一个小时。',
  '这家面馆的牛肉拉面远近闻名。',
  '這個迴圈會逐一讀取檔案中的每一行。',
  '函式回傳的元組包含錯誤訊息與結果。',
  '請先安裝套件，再執行測試指令。',
  '字串處理時要注意全形與半形字元。',
  '伺服器的記憶體用量在尖峰時段飆高。',
  '使用者介面的選單支援鍵盤快速鍵。',
  '東京タワーの展望台から富士山が見えた。',
  '形態素解析の結果は辞書によって変わる。',
  '全文検索エンジンは転置インデックスを使う。',
  'このライブラリは非同期処理に対応している。',
  '한국어 검색은 띄어쓰기 단위로 나뉜다.',
  '정적 사이트 생성기는 빠르다.',
];

// xorshift32 with a fixed seed, as bench/gen-corpus.mjs
let state = 0x2545f491;
const rand = () => { state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0; return state / 4294967296; };

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(path.join(out, 'source/_posts'), { recursive: true });
fs.writeFileSync(path.join(out, '_config.yml'), 'title: CJK\nurl: https://cjk.example.com\npermalink: posts/:abbrlink/\nlanguage: zh-CN\n');
for (let i = 0; i < n; i++) {
  const picked = new Set();
  while (picked.size < 3) picked.add(Math.floor(rand() * sentences.length));
  const body = [...picked].map((k) => sentences[k]).join('\n\n');
  const date = new Date(Date.UTC(2024, 0, 1) + i * 86400000).toISOString().slice(0, 19).replace('T', ' ');
  fs.writeFileSync(path.join(out, 'source/_posts', `post-${String(i).padStart(6, '0')}.md`),
    `---\ntitle: 笔记 Note ${i}\ndate: ${date}\n---\n\n${body}\n`);
}
console.log(`wrote ${n} posts to ${out}`);
