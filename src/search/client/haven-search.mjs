// Haven search client (issue 7). Dependency-free ES module, written to the site as
// search/haven-search.mjs next to the index it reads. Format and token rules: src/search/README.md
// in the Haven repository; the tokenizer must agree with src/search/tokenize.cpp, which
// tests/search/tokens.json checks on both sides.
//
//   import { createSearch } from './haven-search.mjs';
//   const search = createSearch({ load: (p) => fetch(new URL(p, base)).then((r) => r.arrayBuffer()) });
//   const results = await search.query('依恋', { limit: 10, tags: ['随笔'] });
//   // → [{ url, title, titleHtml, excerpt, score, date, tags, categories }]

const MAX_WORD_CHARS = 32; // k_max_word_chars in tokenize.hpp
const K1 = 1.2; // BM25, as at index time
const W_TITLE = 6; // a title hit outweighs any heading + body score (at most 3 + K1 + 1)
const W_HEADING = 3; // a heading hit outweighs any body-only score (at most K1 + 1)
const TF_MAX = 63; // 6-bit quantized BM25 term-frequency part
const EXCERPT_CHARS = 90; // excerpt window, in code points (reason: ~2 lines of a result list)

// ---- tokens -----------------------------------------------------------------------------------

// Keep in step with is_cjk_letter() in tokenize.cpp and the table in README.md.
const CJK_RANGES = [
  [0x1100, 0x11ff], [0x3005, 0x3007], [0x3041, 0x309f], [0x30a1, 0x30fa], [0x30fc, 0x30ff],
  [0x3105, 0x312f], [0x3131, 0x318e], [0x31a0, 0x31bf], [0x31f0, 0x31ff], [0x3400, 0x4dbf],
  [0x4e00, 0x9fff], [0xa960, 0xa97f], [0xac00, 0xd7af], [0xd7b0, 0xd7ff], [0xf900, 0xfaff],
  [0x20000, 0x2fa1f], [0x30000, 0x323af],
];

/** True for code points indexed as single characters plus overlapping pairs. */
export function isCjk(c) {
  if (c < 0x1100) return false;
  for (const [lo, hi] of CJK_RANGES) {
    if (c < lo) return false;
    if (c <= hi) return true;
  }
  return false;
}

const WORD_RE = /[\p{L}\p{M}\p{N}]/u;
function isWordChar(ch, c) {
  if (c < 0x80) return (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
  return !isCjk(c) && WORD_RE.test(ch);
}

/** NFKC, lowercase, variation selectors dropped: normalize() in tokenize.cpp. */
export function normalize(text) {
  return String(text).normalize('NFKC').toLowerCase().replace(/[\uFE00-\uFE0F]|\uDB40[\uDD00-\uDDEF]/g, '');
}

// Word and CJK runs of normalized text: [start, end, isCjk] in UTF-16 indexes.
function runs(n) {
  const out = [];
  let state = 0; // 0 none, 1 word, 2 cjk
  let start = 0;
  let wordChars = 0;
  let wordEnd = 0;
  let i = 0;
  const close = (at) => {
    if (state === 1) out.push([start, wordEnd, false]);
    else if (state === 2) out.push([start, at, true]);
    state = 0;
  };
  for (const ch of n) {
    const c = ch.codePointAt(0);
    if (isCjk(c)) {
      if (state !== 2) { close(i); state = 2; start = i; }
    } else if (isWordChar(ch, c)) {
      if (state !== 1) { close(i); state = 1; start = i; wordChars = 0; }
      if (wordChars < MAX_WORD_CHARS) { wordChars++; wordEnd = i + ch.length; }
    } else {
      close(i);
    }
    i += ch.length;
  }
  close(i);
  return out;
}

/** Index-time tokens, in order, duplicates kept: words; CJK runs as c1, c1c2, c2, c2c3, …, cn. */
export function tokenize(text) {
  const n = normalize(text);
  const out = [];
  for (const [s, e, cjk] of runs(n)) {
    if (!cjk) { out.push(n.slice(s, e)); continue; }
    const chars = Array.from(n.slice(s, e));
    chars.forEach((ch, k) => {
      if (k > 0) out.push(chars[k - 1] + ch);
      out.push(ch);
    });
  }
  return out;
}

/**
 * Query-time terms: [{ text, kind: 'word' | 'cjk' }]. Words match by prefix; a CJK run of one
 * character is that character, a longer run its overlapping pairs. Duplicates removed.
 */
export function queryTerms(text) {
  const n = normalize(text);
  const out = [];
  const seen = new Set();
  const add = (t, kind) => {
    if (seen.has(t)) return;
    seen.add(t);
    out.push({ text: t, kind });
  };
  for (const [s, e, cjk] of runs(n)) {
    if (!cjk) { add(n.slice(s, e), 'word'); continue; }
    const chars = Array.from(n.slice(s, e));
    if (chars.length === 1) add(chars[0], 'cjk');
    for (let k = 0; k + 1 < chars.length; k++) add(chars[k] + chars[k + 1], 'cjk');
  }
  return out;
}

// ---- binary helpers ---------------------------------------------------------------------------

const utf8 = new TextDecoder();

// Code point order (what the index's UTF-8 byte order is), not UTF-16 order.
function fixUnit(u) { return u >= 0xd800 ? (u <= 0xdfff ? u + 0x2000 : u - 0x800) : u; }
export function compareTokens(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return fixUnit(x) - fixUnit(y);
  }
  return a.length - b.length;
}

function toBytes(data) {
  if (typeof data === 'string') return new TextEncoder().encode(data);
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError('load() must resolve to a string, an ArrayBuffer or a Uint8Array');
}

async function gunzipIfNeeded(bytes) {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes; // already inflated
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function parseShard(bytes) {
  let p = 0;
  const varint = () => {
    let v = 0;
    let scale = 1;
    let b;
    do {
      b = bytes[p++];
      v += (b & 0x7f) * scale;
      scale *= 128;
    } while (b & 0x80);
    return v;
  };
  const count = varint();
  const terms = [];
  let prev = new Uint8Array(0);
  for (let i = 0; i < count; i++) {
    const shared = varint();
    const len = varint();
    const tok = new Uint8Array(shared + len);
    tok.set(prev.subarray(0, shared));
    tok.set(bytes.subarray(p, p + len), shared);
    p += len;
    const df = varint();
    const size = varint();
    terms.push({ token: utf8.decode(tok), df, start: p, end: p + size });
    p += size;
    prev = tok;
  }
  return { bytes, terms };
}

// Postings of one term: [doc ids], [impact bytes].
function decodePostings(bytes, term) {
  const docs = new Array(term.df);
  const impacts = new Uint8Array(term.df);
  let p = term.start;
  let doc = 0;
  for (let i = 0; i < term.df; i++) {
    let v = 0;
    let scale = 1;
    let b;
    do {
      b = bytes[p++];
      v += (b & 0x7f) * scale;
      scale *= 128;
    } while (b & 0x80);
    doc = i === 0 ? v : doc + v;
    docs[i] = doc;
    impacts[i] = bytes[p++];
  }
  return { docs, impacts };
}

// ---- excerpts ---------------------------------------------------------------------------------

function escapeHtml(s) {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

// Normalized copy of `text` with, for each normalized UTF-16 index, the original index it came from.
function normalizeWithMap(text) {
  let norm = '';
  const map = [];
  let i = 0;
  for (const ch of text) {
    const n = ch.charCodeAt(0) < 0x80 ? ch.toLowerCase() : normalize(ch);
    for (let k = 0; k < n.length; k++) map.push(i);
    norm += n;
    i += ch.length;
  }
  map.push(i);
  return { norm, map };
}

// Ranges [start, end) of `needles` in `norm`; word needles only at the start of a word.
function findMatches(norm, needles) {
  const ranges = [];
  for (const { text, kind } of needles) {
    if (!text) continue;
    let at = 0;
    for (;;) {
      const k = norm.indexOf(text, at);
      if (k < 0) break;
      at = k + 1;
      if (kind === 'word' && k > 0) {
        const before = norm.codePointAt(k - 1);
        const prevCh = String.fromCodePoint(before);
        if (isWordChar(prevCh, before) && !(before >= 0xdc00 && before <= 0xdfff)) continue;
      }
      let end = k + text.length;
      if (kind === 'word') { // extend a prefix hit to the end of its word
        while (end < norm.length) {
          const c = norm.codePointAt(end);
          const ch = String.fromCodePoint(c);
          if (!isWordChar(ch, c)) break;
          end += ch.length;
        }
      }
      ranges.push([k, end, text]);
      if (ranges.length > 2000) break; // reason: bound the work on a very repetitive body
    }
  }
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) {
      if (r[1] > last[1]) last[1] = r[1];
      last[2] += '\u0000' + r[2];
    } else merged.push([r[0], r[1], r[2]]);
  }
  return merged;
}

function markRanges(text, map, ranges, from, to) {
  // from/to: original indexes; ranges in normalized indexes
  let html = '';
  let pos = from;
  for (const [s, e] of ranges) {
    const os = map[s];
    const oe = map[e] ?? text.length;
    if (oe <= from || os >= to) continue;
    const a = Math.max(os, from);
    const b = Math.min(oe, to);
    if (a > pos) html += escapeHtml(text.slice(pos, a));
    html += '<mark>' + escapeHtml(text.slice(Math.max(a, pos), b)) + '</mark>';
    pos = Math.max(pos, b);
  }
  if (pos < to) html += escapeHtml(text.slice(pos, to));
  return html;
}

// Needles for highlighting: the query's CJK runs whole (longest first), then its terms.
function needlesOf(queryText, terms) {
  const n = normalize(queryText);
  const out = [];
  for (const [s, e, cjk] of runs(n)) if (cjk && e - s > 2) out.push({ text: n.slice(s, e), kind: 'cjk' });
  return out.concat(terms);
}

/** HTML of `text` with every match of the query's terms in <mark>. */
export function highlight(text, queryText) {
  const { norm, map } = normalizeWithMap(text);
  return markRanges(text, map, findMatches(norm, needlesOf(queryText, queryTerms(queryText))), 0, text.length);
}

/** HTML excerpt of `text` around the densest group of matches, matches in <mark>. */
export function makeExcerpt(text, queryText, chars = EXCERPT_CHARS) {
  const terms = queryTerms(queryText);
  const { norm, map } = normalizeWithMap(text);
  const ranges = findMatches(norm, needlesOf(queryText, terms));
  const cps = Array.from(text);
  // original UTF-16 index → code point index, to size windows in characters
  const cpAt = new Map();
  {
    let u = 0;
    cps.forEach((ch, k) => { cpAt.set(u, k); u += ch.length; });
    cpAt.set(u, cps.length);
  }
  const unitOfCp = (k) => {
    let u = 0;
    for (let i = 0; i < k && i < cps.length; i++) u += cps[i].length;
    return u;
  };
  if (!ranges.length) {
    const end = unitOfCp(Math.min(chars, cps.length));
    return escapeHtml(text.slice(0, end)) + (end < text.length ? '…' : '');
  }
  // best window: most distinct needles, then most matches, starting at a match
  let best = 0;
  let bestKey = -1;
  for (let i = 0; i < ranges.length; i++) {
    const startCp = cpAt.get(map[ranges[i][0]]) ?? 0;
    const distinct = new Set();
    let count = 0;
    for (let j = i; j < ranges.length; j++) {
      const cp = cpAt.get(map[ranges[j][0]]) ?? 0;
      if (cp - startCp > chars * 0.7) break;
      for (const t of ranges[j][2].split('\u0000')) distinct.add(t);
      count++;
    }
    const key = distinct.size * 10000 + Math.min(count, 9999);
    if (key > bestKey) { bestKey = key; best = i; }
  }
  const firstCp = cpAt.get(map[ranges[best][0]]) ?? 0;
  let startCp = Math.max(0, firstCp - Math.floor(chars * 0.25));
  // Latin text: start at a word boundary
  for (let k = startCp; k > 0 && k > startCp - 12; k--) {
    if (/\s/.test(cps[k - 1])) { startCp = k; break; }
  }
  let endCp = Math.min(cps.length, startCp + chars);
  // never cut a match in two: end after a match the window would split
  for (const [s, e] of ranges) {
    const a = cpAt.get(map[s]) ?? 0;
    const z = cpAt.get(map[e] ?? text.length) ?? cps.length;
    if (a < endCp && z > endCp) { endCp = z; break; }
  }
  const from = unitOfCp(startCp);
  const to = unitOfCp(endCp);
  return (startCp > 0 ? '…' : '') + markRanges(text, map, ranges, from, to).trim() + (endCp < cps.length ? '…' : '');
}

// ---- search -----------------------------------------------------------------------------------

/**
 * createSearch({ load }) → { query(text, { limit, tags, categories }), preload() }.
 * `load(relativePath)` resolves to the text or bytes of a file under the site's search/ folder
 * ("index.json", "s/….bin", "d/12.bin"). Files are loaded on demand and cached.
 */
export function createSearch({ load } = {}) {
  if (typeof load !== 'function') throw new TypeError('createSearch needs { load(relativePath) }');
  const cache = new Map();
  const fetchBytes = (path) => {
    if (!cache.has(path)) {
      const p = Promise.resolve(load(path)).then((d) => gunzipIfNeeded(toBytes(d)));
      p.catch(() => cache.delete(path)); // a failed load may be retried
      cache.set(path, p);
    }
    return cache.get(path);
  };
  let manifestPromise = null;
  const manifest = () => {
    if (!manifestPromise) {
      manifestPromise = fetchBytes('index.json').then((b) => {
        const m = JSON.parse(utf8.decode(b));
        if (m.format !== 1) throw new Error(`unsupported search index format ${m.format}`);
        return m;
      });
      manifestPromise.catch(() => { manifestPromise = null; });
    }
    return manifestPromise;
  };
  const shards = new Map();
  const shard = (m, i) => {
    if (!shards.has(i)) {
      const p = fetchBytes(m.shards[i][1]).then(parseShard);
      p.catch(() => shards.delete(i));
      shards.set(i, p);
    }
    return shards.get(i);
  };
  const shardIndexOf = (m, token) => {
    let lo = 0;
    let hi = m.shards.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (compareTokens(m.shards[mid][0], token) <= 0) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return found;
  };
  const findTerm = (sh, token) => {
    let lo = 0;
    let hi = sh.terms.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = compareTokens(sh.terms[mid].token, token);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1; else hi = mid - 1;
    }
    return -lo - 1;
  };

  // [{ token, df, docs, impacts, exact }] for one query term (several for a word prefix)
  async function lookup(m, term) {
    if (!m.shards.length) return [];
    const first = shardIndexOf(m, term.text);
    const out = [];
    if (term.kind !== 'word') {
      const sh = await shard(m, first);
      const k = findTerm(sh, term.text);
      if (k >= 0) out.push({ token: term.text, exact: true, df: sh.terms[k].df, ...decodePostings(sh.bytes, sh.terms[k]) });
      return out;
    }
    const limit = Math.max(1, m.prefixShards || 1);
    for (let i = first; i < m.shards.length && i < first + limit; i++) {
      if (i > first && !m.shards[i][0].startsWith(term.text)) break;
      const sh = await shard(m, i);
      let k = findTerm(sh, term.text);
      if (k < 0) k = -k - 1;
      for (; k < sh.terms.length && sh.terms[k].token.startsWith(term.text); k++) {
        const t = sh.terms[k];
        out.push({ token: t.token, exact: t.token === term.text, df: t.df, ...decodePostings(sh.bytes, t) });
      }
      if (k < sh.terms.length) break; // the prefix range ended inside this shard
    }
    return out;
  }

  async function docSet(m, prefix, names) {
    if (!names || !names.length) return null;
    const set = new Set();
    const lists = await Promise.all(names.map((n) => lookup(m, { text: prefix + normalize(n), kind: 'cjk' })));
    for (const list of lists) for (const l of list) for (const d of l.docs) set.add(d);
    return set;
  }

  const docs = new Map();
  const doc = (id) => {
    if (!docs.has(id)) {
      const p = fetchBytes(`d/${id}.bin`).then((b) => JSON.parse(utf8.decode(b)));
      p.catch(() => docs.delete(id));
      docs.set(id, p);
    }
    return docs.get(id);
  };

  async function query(text, { limit = 10, tags, categories } = {}) {
    const m = await manifest();
    const terms = queryTerms(text ?? '');
    const [tagSet, catSet] = await Promise.all([docSet(m, '#t:', tags), docSet(m, '#c:', categories)]);
    const allowed = (d) => (!tagSet || tagSet.has(d)) && (!catSet || catSet.has(d));
    let ranked;
    if (!terms.length) {
      if (!tagSet && !catSet) return [];
      // filters alone: newest first (ids follow date)
      const base = tagSet || catSet;
      ranked = [...base].filter(allowed).sort((a, b) => b - a).map((d) => ({ d, score: 0 }));
    } else {
      const lists = await Promise.all(terms.map((t) => lookup(m, t)));
      const n = m.docs;
      const score = new Map();
      const matched = new Map();
      lists.forEach((expansions, g) => {
        const best = new Map(); // doc → best contribution of this term
        for (const e of expansions) {
          const idf = Math.log(1 + (n - e.df + 0.5) / (e.df + 0.5));
          const factor = e.exact ? 1 : 0.6 + 0.3 * (terms[g].text.length / e.token.length);
          for (let i = 0; i < e.docs.length; i++) {
            const d = e.docs[i];
            if (!allowed(d)) continue;
            const imp = e.impacts[i];
            const s = idf * factor * ((imp & 0x80 ? W_TITLE : 0) + (imp & 0x40 ? W_HEADING : 0) + ((imp & 0x3f) / TF_MAX) * (K1 + 1));
            if (!(best.get(d) >= s)) best.set(d, s);
          }
        }
        for (const [d, s] of best) {
          score.set(d, (score.get(d) || 0) + s);
          matched.set(d, (matched.get(d) || 0) + 1);
        }
      });
      // every term must match; long CJK queries (3+ terms) may miss up to a third of their pairs
      // when nothing matches them all (pairs spanning punctuation the reader left out)
      let need = terms.length;
      let top = 0;
      for (const c of matched.values()) if (c > top) top = c;
      if (top < need && terms.length >= 3 && top >= Math.ceil((terms.length * 2) / 3)) need = top;
      ranked = [];
      for (const [d, c] of matched) if (c >= need) ranked.push({ d, score: score.get(d) });
      ranked.sort((a, b) => b.score - a.score || b.d - a.d);
      if (need === terms.length) return finish(text, await verified(text, ranked, limit));
    }
    return finish(text, await Promise.all(ranked.slice(0, Math.max(0, limit)).map(async (c) => ({ ...c, info: await doc(c.d) }))));
  }

  // Pairs only say that each pair occurs: for CJK runs of three or more characters, keep the
  // candidates whose text has the run itself (Ctrl+F semantics), in score order. A post whose
  // stored text was cut (`x`) and lacks the run may match further on: it follows the verified ones.
  async function verified(text, ranked, limit) {
    const n = normalize(text ?? '');
    const need = runs(n).filter(([s, e, cjk]) => cjk && Array.from(n.slice(s, e)).length >= 3).map(([s, e]) => n.slice(s, e));
    if (!need.length) return Promise.all(ranked.slice(0, Math.max(0, limit)).map(async (c) => ({ ...c, info: await doc(c.d) })));
    const ok = [];
    const maybe = [];
    const maxFetch = limit * 3; // reason: bounds the documents loaded for candidates that fail
    let i = 0;
    while (ok.length < limit && i < ranked.length && i < maxFetch) {
      const batch = ranked.slice(i, i + Math.min(limit - ok.length, maxFetch - i));
      i += batch.length;
      const infos = await Promise.all(batch.map((c) => doc(c.d)));
      batch.forEach((c, k) => {
        const info = infos[k];
        const hay = normalize([info.t, ...(info.h || []), info.b || ''].join('\n'));
        if (need.every((r) => hay.includes(r))) ok.push({ ...c, info });
        else if (info.x) maybe.push({ ...c, info });
      });
    }
    return ok.concat(maybe).slice(0, Math.max(0, limit));
  }

  function finish(text, page) {
    return page.map(({ score, info }) => {
      return {
        url: info.u,
        title: info.t,
        titleHtml: highlight(info.t, text ?? ''),
        excerpt: makeExcerpt(info.b || '', text ?? ''),
        score: Math.round(score * 1000) / 1000,
        date: info.d,
        tags: info.g,
        categories: info.c,
      };
    });
  }

  return { query, preload: () => manifest().then(() => undefined) };
}
