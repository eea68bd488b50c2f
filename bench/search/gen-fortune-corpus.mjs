#!/usr/bin/env node
// A Hexo corpus of real Chinese text: node bench/search/gen-fortune-corpus.mjs OUT_DIR [PER_POST]
// Reads Debian's fortunes-zh (apt-get install fortunes-zh: /usr/share/games/fortunes/chinese,
// ~2 MB of quotations, essays, poems and jokes) and writes one post per PER_POST entries (default
// 8), terminal colour codes removed. Unlike bench/gen-corpus.mjs, whose bodies repeat twelve
// sentences, this text does not repeat, so index size and bytes per query are realistic.
// Its queries are fortune-queries.json (make-queries.mjs --fortune).
import fs from 'node:fs';
import path from 'node:path';

export const source = '/usr/share/games/fortunes/chinese';

// The fortune entries, colour codes removed, empty ones dropped.
export function readEntries(file = source) {
  return fs.readFileSync(file, 'utf8').split(/\n%\n/).map((e) => e.replace(/\x1b\[[0-9;]*m/g, '').trim()).filter(Boolean);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const [out, per = '8'] = process.argv.slice(2);
  if (!out) {
    console.error('usage: gen-fortune-corpus.mjs OUT_DIR [PER_POST]');
    process.exit(2);
  }
  if (!fs.existsSync(source)) {
    console.error(`${source} is missing: apt-get install fortunes-zh`);
    process.exit(1);
  }
  const entries = readEntries();
  const n = Math.ceil(entries.length / Number(per));
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(path.join(out, 'source/_posts'), { recursive: true });
  fs.writeFileSync(path.join(out, '_config.yml'), 'title: Fortunes\nurl: https://fortunes.example.com\npermalink: posts/:abbrlink/\nlanguage: zh-CN\n');
  for (let i = 0; i < n; i++) {
    const body = entries.slice(i * per, (i + 1) * per).map((e) => e.split('\n').map((l) => l.trimEnd()).join('\n')).join('\n\n---\n\n');
    const date = new Date(Date.UTC(2016, 0, 1) + i * 86400000).toISOString().slice(0, 19).replace('T', ' ');
    // titles end with the post number, which run.mjs maps results back with
    fs.writeFileSync(path.join(out, 'source/_posts', `post-${String(i).padStart(6, '0')}.md`),
      `---\ntitle: "语录 ${i}"\ndate: ${date}\n---\n\n${body.replace(/[<>{}]/g, ' ')}\n`);
  }
  console.log(`wrote ${n} posts to ${out}`);
}
