// Corpus reading and relevance, shared by make-queries.mjs and run.mjs.
import fs from 'node:fs';
import path from 'node:path';

// Posts of a generated corpus: { n: post number, title, text: title + body, lowercased }.
export function loadCorpus(dir) {
  const files = fs.readdirSync(path.join(dir, 'source', '_posts')).filter((f) => f.endsWith('.md')).sort();
  return files.map((f) => {
    const raw = fs.readFileSync(path.join(dir, 'source', '_posts', f), 'utf8');
    const end = raw.indexOf('\n---\n', 4);
    const fm = raw.slice(4, end);
    const title = /^title: (.*)$/m.exec(fm)[1];
    const body = raw.slice(end + 5);
    return { n: Number(f.match(/\d+/)[0]), title, text: `${title}\n${body}`.toLowerCase() };
  });
}

// Whether `post` is relevant to `query` under the query's rule (see make-queries.mjs).
export function isRelevant(query, post) {
  if (query.rule === 'title') return query.relevant.includes(post.n);
  if (query.rule === 'none') return false;
  return query.q.toLowerCase().split(/\s+/).filter(Boolean).every((part) => post.text.includes(part));
}
