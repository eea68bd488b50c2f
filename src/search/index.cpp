#include "search/index.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

#include "base/hash.hpp"
#include "search/gzip.hpp"
#include "search/tokenize.hpp"
#include "text/json_quote.hpp"

namespace haven::search {

namespace {

// BM25 parameters (the usual defaults).
constexpr double k_k1 = 1.2;
constexpr double k_b = 0.75;
constexpr uint8_t k_flag_title = 0x80;
constexpr uint8_t k_flag_heading = 0x40;
constexpr uint8_t k_tf_mask = 0x3F;  // 6 bits of quantized BM25 term-frequency part

struct ViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Every distinct token an Indexer has seen, interned to a 32-bit id. Ids are internal (the files
// are sorted by token text), so their order may depend on thread timing. Interning is striped:
// documents are tokenized in parallel and each stripe has its own lock.
class TokenTable {
public:
  static constexpr unsigned k_stripe_bits = 6;  // 64 stripes: little contention on 8 threads
  static constexpr unsigned k_stripes = 1u << k_stripe_bits;

  uint32_t intern(std::string_view t) {
    size_t h = ViewHash{}(t);
    unsigned s = static_cast<unsigned>(h >> 7) & (k_stripes - 1);  // not the bits the map buckets use
    Stripe& st = m_stripes[s];
    std::lock_guard lock(st.mutex);
    auto it = st.ids.find(t);
    if (it != st.ids.end()) return it->second;
    if (st.entries.size() >= (size_t{1} << (32 - k_stripe_bits))) throw std::length_error("search: too many distinct tokens");
    uint32_t id = static_cast<uint32_t>(st.entries.size() << k_stripe_bits) | s;
    // the map's key views the deque's string, which never moves (deque push_back keeps elements)
    st.entries.push_back({std::string(t), base::content_hash(t)});
    st.ids.emplace(st.entries.back().text, id);
    return id;
  }
  const std::string& text(uint32_t id) const { return m_stripes[id & (k_stripes - 1)].entries[id >> k_stripe_bits].text; }
  uint64_t hash(uint32_t id) const { return m_stripes[id & (k_stripes - 1)].entries[id >> k_stripe_bits].hash; }
  // One past the largest id: the size of arrays indexed by id.
  size_t id_bound() const {
    size_t most = 0;
    for (const auto& st : m_stripes) most = std::max(most, st.entries.size());
    return most << k_stripe_bits;
  }
  size_t size() const {
    size_t n = 0;
    for (const auto& st : m_stripes) n += st.entries.size();
    return n;
  }
  // Ids added since the last call (single-threaded, between tokenizing and assembling).
  std::vector<uint32_t> take_new() {
    std::vector<uint32_t> out;
    for (unsigned s = 0; s < k_stripes; ++s) {
      Stripe& st = m_stripes[s];
      for (size_t i = st.reported; i < st.entries.size(); ++i) out.push_back(static_cast<uint32_t>(i << k_stripe_bits) | s);
      st.reported = st.entries.size();
    }
    return out;
  }

private:
  struct Entry {
    std::string text;
    uint64_t hash;  // content_hash of text: picks shard boundaries
  };
  struct Stripe {
    std::mutex mutex;
    std::unordered_map<std::string_view, uint32_t, ViewHash, std::equal_to<>> ids;
    std::deque<Entry> entries;
    size_t reported = 0;
  };
  std::array<Stripe, k_stripes> m_stripes;
};

// One token of one document. 8 bytes: a 100,000-post site has some 50 million of these.
struct Term {
  uint32_t id;
  uint16_t tf;    // body occurrences, saturated (past 65535 the BM25 part is at its ceiling anyway)
  uint8_t flags;  // k_flag_title | k_flag_heading
};

// What the index keeps of one document between updates.
struct DocData {
  std::string url;
  double date_ms = 0;
  uint32_t length = 0;  // index tokens in the body
  std::vector<Term> terms;
  std::shared_ptr<const std::string> file;  // the gzip document file (its name depends on the id)
};

void put_json_strings(std::string& o, const std::vector<std::string>& v) {
  o += '[';
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) o += ',';
    text::append_json_quoted(o, v[i]);
  }
  o += ']';
}

// The first `limit` bytes of `s`, shortened to end on a character boundary.
std::string_view cut_utf8(std::string_view s, size_t limit) {
  if (s.size() <= limit) return s;
  size_t n = limit;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

std::string hex16(uint64_t h) { return fmt::format("{:016x}", h); }

// Runs fn(i) for i in [0, n) on up to 8 threads (the index build's costly loops are independent
// per item; 8 bounds the threads on big machines, where the rest of the build runs alongside).
template <typename Fn>
void parallel_for(size_t n, Fn&& fn) {
  std::atomic<size_t> next{0};
  unsigned workers = std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
  std::vector<std::jthread> pool;
  for (unsigned w = 1; w < workers; ++w)
    pool.emplace_back([&] {
      for (size_t i; (i = next.fetch_add(1)) < n;) fn(i);
    });
  for (size_t i; (i = next.fetch_add(1)) < n;) fn(i);
}

// The document file: what a result shows (gzip JSON, see README.md).
std::shared_ptr<const std::string> document_file(const Document& d, const Options& options) {
  std::string o = "{\"u\":";
  text::append_json_quoted(o, d.url);
  o += ",\"t\":";
  text::append_json_quoted(o, d.title);
  if (!std::isnan(d.date_ms)) o += fmt::format(",\"d\":{}", static_cast<int64_t>(d.date_ms));
  o += ",\"g\":";
  put_json_strings(o, d.tags);
  o += ",\"c\":";
  put_json_strings(o, d.categories);
  o += ",\"h\":";
  put_json_strings(o, d.headings);
  o += ",\"b\":";
  std::string_view kept = cut_utf8(d.text, options.excerpt_bytes);
  text::append_json_quoted(o, kept);
  if (kept.size() < d.text.size()) o += ",\"x\":1";  // the text was cut: matches may lie past it
  o += "}";
  return std::make_shared<const std::string>(gzip(o));
}

// Tokenizes one document (title, headings, body, filters) into interned terms.
DocData collect(const Document& d, TokenTable& table) {
  // views into the normalized strings below, which outlive the map
  std::string body = normalize(d.text);
  std::string title = normalize(d.title);
  std::vector<std::string> headings;
  for (const auto& h : d.headings) headings.push_back(normalize(h));
  std::vector<std::string> filters;
  for (const auto& t : d.tags) filters.push_back("#t:" + normalize(t));  // '#' never occurs in a text token
  for (const auto& c : d.categories) filters.push_back("#c:" + normalize(c));

  struct Local {
    std::string_view token;
    uint32_t tf = 0;
    uint8_t flags = 0;
  };
  std::vector<Local> local;
  std::unordered_map<std::string_view, uint32_t> at;
  at.reserve(1024);  // a typical post has a few hundred distinct tokens
  DocData out;
  auto slot = [&](std::string_view t) -> Local& {
    auto [it, fresh] = at.try_emplace(t, static_cast<uint32_t>(local.size()));
    if (fresh) local.push_back({t});
    return local[it->second];
  };
  for_each_token(body, [&](std::string_view t, TokenKind) {
    ++slot(t).tf;
    ++out.length;
  }, true);
  for_each_token(title, [&](std::string_view t, TokenKind) { slot(t).flags |= k_flag_title; }, true);
  for (const auto& h : headings)
    for_each_token(h, [&](std::string_view t, TokenKind) { slot(t).flags |= k_flag_heading; }, true);
  for (const auto& f : filters) slot(f);
  out.terms.reserve(local.size());
  for (const auto& l : local)
    out.terms.push_back({table.intern(l.token), static_cast<uint16_t>(std::min<uint32_t>(l.tf, 0xFFFF)), l.flags});
  out.url = d.url;
  out.date_ms = d.date_ms;
  return out;
}

size_t varint_size(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

char* put_varint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

// The average body length BM25 normalizes by, rounded to 1/32 of a binary order of magnitude
// (±1.1%, nothing a ranking notices): an edit that moves the exact average by a little then
// leaves every other post's impact bytes, and so the shards, as they were.
double quantized_avgdl(double total_length, size_t n) {
  double avg = n ? std::max(1.0, total_length / static_cast<double>(n)) : 1.0;
  return std::exp2(std::round(std::log2(avg) * 32) / 32);
}

uint8_t impact(const Term& t, double norm) {
  uint8_t q = 0;
  if (t.tf > 0) {
    double v = t.tf * (k_k1 + 1) / (t.tf + norm);  // in [0, k1 + 1)
    q = static_cast<uint8_t>(std::clamp<long>(std::lround(v / (k_k1 + 1) * k_tf_mask), 1, k_tf_mask));
  }
  return static_cast<uint8_t>(q | t.flags);
}

const std::shared_ptr<const std::string>& client_file() {
  static const auto k_client = std::make_shared<const std::string>(client_source());
  return k_client;
}

}  // namespace

std::string_view client_source() {
  return detail::k_client_files.empty() ? std::string_view() : detail::k_client_files.front().bytes;
}

uint64_t document_key(const Document& d) {
  uint64_t h = 0x51ed2701u;
  auto add = [&](std::string_view s) {
    uint64_t n = s.size();  // lengths keep ["ab","c"] and ["a","bc"] apart
    h = base::content_hash(std::string_view(reinterpret_cast<const char*>(&n), sizeof n), h);
    h = base::content_hash(s, h);
  };
  auto add_list = [&](const std::vector<std::string>& v) {
    add(std::to_string(v.size()));
    for (const auto& s : v) add(s);
  };
  add(d.url);
  add(d.title);
  add_list(d.headings);
  add(d.text);
  add_list(d.tags);
  add_list(d.categories);
  add(std::string_view(reinterpret_cast<const char*>(&d.date_ms), sizeof d.date_ms));
  return h;
}


Options parse_options(const base::Value& config) {
  Options o;
  if (config.is_bool()) {
    o.enable = config.as_bool();
    return o;
  }
  if (!config.is_object()) return o;
  auto num = [&](std::string_view key, size_t fallback, size_t minimum) {
    base::Value v = config.get(key);
    if (!v.is_number() || !(v.as_number() >= 0)) return fallback;
    // 2^40 caps absurd values before the conversion (a double past SIZE_MAX would be undefined)
    return std::max(minimum, static_cast<size_t>(std::min(v.as_number(), 1099511627776.0)));
  };
  base::Value enable = config.get("enable");
  if (!enable.is_nullish()) o.enable = enable.truthy();
  o.shard_bytes = num("shard_size", o.shard_bytes, 1024);         // below 1 KiB, files outweigh bytes
  o.excerpt_bytes = num("excerpt_length", o.excerpt_bytes, 256);  // enough for one excerpt window
  o.prefix_shards = num("prefix_shards", o.prefix_shards, 1);   // a prefix query needs its own shard
  return o;
}


struct Indexer::Impl {
  bool incremental = true;
  std::unique_ptr<TokenTable> table = std::make_unique<TokenTable>();
  std::vector<uint32_t> sorted;  // every id of `table`, by token text
  std::unordered_map<uint64_t, std::shared_ptr<const DocData>> docs;  // by document key
  struct ShardFile {
    size_t raw_size = 0;
    std::shared_ptr<const std::string> gz;
    std::string path;
  };
  std::unordered_map<uint64_t, ShardFile> shard_cache;  // by content_hash of the uncompressed bytes
  size_t active_tokens = 0;
  uint64_t last_key = 0;  // all keys and options of the last update, and its files
  std::vector<File> last_files;
  Stats stats;

  // The last update's postings, for patching instead of assembling (see update()). Valid when
  // `by_id` is non-empty.
  std::vector<std::shared_ptr<const DocData>> by_id;  // documents in id order
  double avgdl = 0;
  size_t shard_bytes = 0;
  std::vector<uint32_t> df, bytes;  // by token id: postings count and encoded size
  std::vector<size_t> start;        // by token id: where its postings lie in `postings`
  std::string postings;             // every token's encoded postings, in token order
  std::unordered_map<uint32_t, std::string> patched;  // tokens re-encoded since `postings` was built
  size_t patched_bytes = 0;
  struct Shard {
    uint32_t first, count;  // first token id, tokens
    uint64_t key;
    ShardFile file;
  };
  std::vector<Shard> shards;  // the last update's, in order

  std::string_view postings_of(uint32_t id) const {
    if (auto it = patched.find(id); it != patched.end()) return it->second;
    if (bytes[id] == 0) return {};  // not in use (its `start` may be stale)
    return std::string_view(postings).substr(start[id], bytes[id]);
  }
  void forget_postings() {
    by_id.clear();
    df = {};
    bytes = {};
    start = {};
    postings = {};
    patched.clear();
    patched_bytes = 0;
    shards.clear();
  }
};

Indexer::Indexer(bool incremental) : m_impl(std::make_unique<Impl>()) { m_impl->incremental = incremental; }
Indexer::~Indexer() = default;
const Indexer::Stats& Indexer::stats() const { return m_impl->stats; }

std::vector<File> Indexer::update(const std::vector<Document>& docs, const Options& options) {
  return update(docs.size(), [&](size_t i) { return document_key(docs[i]); }, [&](size_t i) { return docs[i]; }, options);
}

std::vector<File> Indexer::update(size_t count, const std::function<uint64_t(size_t)>& key_of,
                                  const std::function<Document(size_t)>& doc_of, const Options& options) {
  Impl& m = *m_impl;
  m.stats = {};
  if (!options.enable) return {};
  if (count >= UINT32_MAX) throw std::length_error("search: too many documents");  // ids are 32-bit

  // Tokens no document uses any more stay in the table; once they outnumber the live ones (a long
  // `haven serve` session), start over rather than let the table grow without bound.
  if (m.table->size() > 2 * m.active_tokens + 65536) {
    m.table = std::make_unique<TokenTable>();
    m.sorted.clear();
    m.docs.clear();
    m.forget_postings();
  }

  // 1. keys; documents not cached are tokenized and their files compressed, in parallel
  std::vector<uint64_t> keys(count);
  parallel_for(count, [&](size_t i) {
    // the document file depends on excerpt_bytes too
    keys[i] = base::content_hash(std::string_view(reinterpret_cast<const char*>(&options.excerpt_bytes), sizeof options.excerpt_bytes), key_of(i));
  });
  uint64_t all_key = base::content_hash(std::string_view(reinterpret_cast<const char*>(keys.data()), keys.size() * sizeof(uint64_t)),
                                        options.shard_bytes * 31 + options.prefix_shards);
  if (all_key == m.last_key && !m.last_files.empty()) {
    m.stats.documents = count;
    m.stats.shards = m.shards.size();
    m.stats.tokens = m.active_tokens;
    return m.last_files;  // nothing changed: the same files, the same pointers
  }
  std::vector<std::shared_ptr<const DocData>> data(count);
  std::vector<size_t> missing;
  for (size_t i = 0; i < count; ++i) {
    auto it = m.docs.find(keys[i]);
    if (it != m.docs.end()) data[i] = it->second;
    else missing.push_back(i);
  }
  parallel_for(missing.size(), [&](size_t k) {
    size_t i = missing[k];
    Document d = doc_of(i);
    auto dd = std::make_shared<DocData>(collect(d, *m.table));
    dd->file = document_file(d, options);
    data[i] = std::move(dd);
  });
  m.stats.documents = count;
  m.stats.documents_tokenized = missing.size();

  // new tokens join the sorted list (sorting only them keeps an edit's cost small)
  {
    std::vector<uint32_t> fresh = m.table->take_new();
    auto by_text = [&](uint32_t a, uint32_t b) { return m.table->text(a) < m.table->text(b); };
    std::sort(fresh.begin(), fresh.end(), by_text);
    std::vector<uint32_t> merged;
    merged.reserve(m.sorted.size() + fresh.size());
    std::merge(m.sorted.begin(), m.sorted.end(), fresh.begin(), fresh.end(), std::back_inserter(merged), by_text);
    m.sorted.swap(merged);
  }

  // 2. document ids follow date, oldest first (then URL): a new post gets the next id, so the
  // files of older posts keep their names and bytes across builds
  std::vector<std::shared_ptr<const DocData>> by_id(count);
  {
    std::vector<uint32_t> order(count);
    std::iota(order.begin(), order.end(), 0);
    auto date_key = [&](uint32_t i) { return std::isnan(data[i]->date_ms) ? -INFINITY : data[i]->date_ms; };
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      double da = date_key(a), db = date_key(b);
      if (da != db) return da < db;
      return data[a]->url < data[b]->url;
    });
    for (size_t id = 0; id < count; ++id) by_id[id] = data[order[id]];
  }
  const size_t n = count;
  double total_length = 0;
  for (const auto& d : by_id) total_length += d->length;
  const double avgdl = quantized_avgdl(total_length, n);
  auto norm_of = [&](const DocData& d) { return k_k1 * (1 - k_b + k_b * d.length / avgdl); };
  const size_t bound = m.table->id_bound();

  // 3. postings. The fast path patches the last update's postings where only a few documents
  // changed in place (same ids, same rounded average length, no consolidation due): each token of
  // a changed document is decoded and re-encoded, which gives the bytes a full assembly would.
  std::vector<char> touched;  // by token id, on the fast path
  bool patch = !m.by_id.empty() && m.by_id.size() == n && m.avgdl == avgdl && m.shard_bytes == options.shard_bytes;
  std::vector<uint32_t> changed;
  if (patch) {
    for (uint32_t id = 0; id < n && patch; ++id) {
      const DocData &now = *by_id[id], &was = *m.by_id[id];
      if (&now == &was) continue;
      // the same place in the order (so the same id) when date and URL are the same
      if (now.url != was.url || std::memcmp(&now.date_ms, &was.date_ms, sizeof(double)) != 0) patch = false;
      changed.push_back(id);
      // a handful of edits, not a rebuild: a full assembly is faster past that
      if (changed.size() > std::max<size_t>(16, n / 32)) patch = false;
    }
  }
  m.stats.patched = patch;
  if (patch) {
    m.df.resize(bound, 0);
    m.bytes.resize(bound, 0);
    m.start.resize(bound, 0);
    touched.assign(bound, 0);
    // token → its changes: (doc, new term or null to remove)
    std::unordered_map<uint32_t, std::vector<std::pair<uint32_t, const Term*>>> edits;
    for (uint32_t id : changed) {
      for (const Term& t : m.by_id[id]->terms) edits[t.id].emplace_back(id, nullptr);
      for (const Term& t : by_id[id]->terms) {
        auto& list = edits[t.id];
        if (!list.empty() && list.back().first == id) list.back().second = &t;
        else list.emplace_back(id, &t);
      }
    }
    std::string out;
    for (auto& [tok, list] : edits) {
      touched[tok] = 1;
      std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      std::string_view in = m.postings_of(tok);
      out.clear();
      out.reserve(in.size() + 16);
      constexpr uint32_t none = UINT32_MAX;
      uint32_t old_prev = none, out_last = none, df = 0;  // last doc read, last doc written
      size_t p = 0;
      char tmp[10];
      auto put = [&](uint32_t doc, char imp) {
        out.append(tmp, put_varint(tmp, out_last == none ? doc : doc - out_last));
        out += imp;
        out_last = doc;
        ++df;
      };
      auto decode = [&](size_t at, size_t& next) {  // the doc of the entry at `at`
        uint64_t v = 0;
        for (int shift = 0;; shift += 7) {
          auto b = static_cast<unsigned char>(in[at++]);
          v |= static_cast<uint64_t>(b & 0x7F) << shift;
          if (!(b & 0x80)) break;
        }
        next = at + 1;  // the impact byte
        return old_prev == none ? static_cast<uint32_t>(v) : old_prev + static_cast<uint32_t>(v);
      };
      // copies the entries before doc `limit`: verbatim while the previous doc written is the
      // previous doc read (their deltas hold), else the first one with a new delta
      auto copy_until = [&](uint32_t limit) {
        while (p < in.size()) {
          size_t next;
          uint32_t d = decode(p, next);
          if (d >= limit) return;
          if (out_last != old_prev) {
            put(d, in[next - 1]);
            old_prev = d;
            p = next;
            continue;
          }
          size_t run = p;
          while (p < in.size()) {
            d = decode(p, next);
            if (d >= limit) break;
            old_prev = d;
            p = next;
            ++df;
          }
          out.append(in.substr(run, p - run));
          out_last = old_prev;
          return;
        }
      };
      for (const auto& [edoc, term] : list) {
        copy_until(edoc);
        size_t next;
        if (p < in.size() && decode(p, next) == edoc) {  // the entry this edit replaces or removes
          old_prev = edoc;
          p = next;
        }
        if (term) put(edoc, static_cast<char>(impact(*term, norm_of(*by_id[edoc]))));
      }
      copy_until(none);
      m.df[tok] = df;
      m.bytes[tok] = static_cast<uint32_t>(out.size());
      auto& slot = m.patched[tok];
      m.patched_bytes = m.patched_bytes + out.size() - slot.size();
      slot = out;
    }
  } else {
    m.patched.clear();
    m.patched_bytes = 0;
    m.shards.clear();
    // count, place, fill: one buffer in token order
    m.df.assign(bound, 0);
    m.bytes.assign(bound, 0);
    std::vector<uint32_t> last(bound, UINT32_MAX);
    for (uint32_t id = 0; id < n; ++id) {
      for (const Term& t : by_id[id]->terms) {
        ++m.df[t.id];
        m.bytes[t.id] += static_cast<uint32_t>(varint_size(last[t.id] == UINT32_MAX ? id : id - last[t.id]) + 1);
        last[t.id] = id;
      }
    }
    m.start.assign(bound, 0);
    std::vector<size_t> at(bound, 0);
    size_t total = 0;
    for (uint32_t id : m.sorted) {
      if (!m.df[id]) continue;
      m.start[id] = at[id] = total;
      total += m.bytes[id];
    }
    m.postings.assign(total, '\0');
    std::fill(last.begin(), last.end(), UINT32_MAX);
    for (uint32_t id = 0; id < n; ++id) {
      const DocData& d = *by_id[id];
      double norm = norm_of(d);
      for (const Term& t : d.terms) {
        char* p = put_varint(m.postings.data() + at[t.id], last[t.id] == UINT32_MAX ? id : id - last[t.id]);
        *p++ = static_cast<char>(impact(t, norm));
        at[t.id] = static_cast<size_t>(p - m.postings.data());
        last[t.id] = id;
      }
    }
  }
  std::vector<uint32_t> active;  // tokens in use, by text
  active.reserve(m.sorted.size());
  for (uint32_t id : m.sorted)
    if (m.df[id]) active.push_back(id);
  if (m.patched_bytes > m.postings.size() / 2) {
    // the patched lists outgrow what they replace: one buffer again (copies, no re-encoding)
    std::string compact;
    compact.reserve(m.postings.size() + m.patched_bytes / 2);
    for (uint32_t id : active) {
      std::string_view list = m.postings_of(id);
      m.start[id] = compact.size();
      compact.append(list);
    }
    m.postings.swap(compact);
    m.patched.clear();
    m.patched_bytes = 0;
  }

  // 4. shard boundaries, content-defined: after at least half the target size, a token starts a
  // new shard when its hash says so, with a chance proportional to its size (so shards average
  // the target). Where a boundary falls depends only on the tokens near it, so an edit that
  // grows one shard leaves the others' boundaries, and bytes, alone.
  const size_t target = options.shard_bytes;
  const size_t least = target / 2, spread = std::max<size_t>(1, target / 2), most = 3 * target;
  std::vector<size_t> cuts;  // index in `active` where each shard begins
  size_t acc = 0;
  for (size_t k = 0; k < active.size(); ++k) {
    uint32_t id = active[k];
    size_t weight = m.bytes[id] + m.table->text(id).size() + 4;
    bool cut = acc == 0 || acc >= most || (acc >= least && (weight >= spread || m.table->hash(id) % spread < weight));
    if (cut) {
      cuts.push_back(k);
      acc = 0;
    }
    acc += weight;
  }
  cuts.push_back(active.size());
  const size_t shard_count = cuts.size() - 1;

  // 5. shards: a shard of the last update with the same tokens, none touched, is kept as it was;
  // the others are encoded and, unless their bytes are cached, compressed (in parallel)
  std::unordered_map<uint32_t, size_t> previous;  // first token → index in m.shards
  if (patch)
    for (size_t s = 0; s < m.shards.size(); ++s) previous.emplace(m.shards[s].first, s);
  std::vector<Impl::Shard> shards(shard_count);
  std::vector<char> compressed(shard_count, 0);
  parallel_for(shard_count, [&](size_t s) {
    size_t begin = cuts[s], end = cuts[s + 1];
    Impl::Shard& out = shards[s];
    out.first = active[begin];
    out.count = static_cast<uint32_t>(end - begin);
    if (auto it = previous.find(out.first); it != previous.end() && m.shards[it->second].count == out.count) {
      bool clean = true;
      for (size_t k = begin; k < end && clean; ++k) clean = !touched[active[k]];
      if (clean) {
        out = m.shards[it->second];
        return;
      }
    }
    std::string raw;
    char tmp[10];
    raw.append(tmp, put_varint(tmp, end - begin));
    std::string_view prev;
    for (size_t k = begin; k < end; ++k) {
      uint32_t id = active[k];
      std::string_view tok = m.table->text(id);
      size_t shared = 0;
      while (shared < prev.size() && shared < tok.size() && prev[shared] == tok[shared]) ++shared;
      raw.append(tmp, put_varint(tmp, shared));
      raw.append(tmp, put_varint(tmp, tok.size() - shared));
      raw.append(tok.substr(shared));
      raw.append(tmp, put_varint(tmp, m.df[id]));
      raw.append(tmp, put_varint(tmp, m.bytes[id]));
      raw.append(m.postings_of(id));
      prev = tok;
    }
    out.key = base::content_hash(raw);
    auto it = m.shard_cache.find(out.key);
    if (it != m.shard_cache.end() && it->second.raw_size == raw.size()) {
      out.file = it->second;
      return;
    }
    auto gz = std::make_shared<const std::string>(gzip(raw));
    out.file = {raw.size(), gz, "s/" + hex16(base::content_hash(*gz)) + ".bin"};
    compressed[s] = 1;
  });

  // 6. files: shards, documents, manifest, client
  std::vector<File> files;
  files.reserve(shard_count + n + 2);
  std::unordered_map<uint64_t, Impl::ShardFile> next_cache;
  std::string manifest = fmt::format("{{\"format\":1,\"docs\":{},\"prefixShards\":{},\"shards\":[", n, options.prefix_shards);
  for (size_t s = 0; s < shard_count; ++s) {
    if (s) manifest += ',';
    manifest += '[';
    text::append_json_quoted(manifest, m.table->text(shards[s].first));
    manifest += ',';
    text::append_json_quoted(manifest, shards[s].file.path);
    manifest += ']';
    files.push_back({"search/" + shards[s].file.path, shards[s].file.gz});
    if (m.incremental) next_cache.emplace(shards[s].key, shards[s].file);
    m.stats.shards_compressed += compressed[s];
  }
  manifest += "]}\n";
  for (uint32_t id = 0; id < n; ++id) files.push_back({fmt::format("search/d/{}.bin", id), by_id[id]->file});
  files.push_back({"search/index.json", std::make_shared<const std::string>(std::move(manifest))});
  files.push_back({"search/haven-search.mjs", client_file()});
  m.stats.shards = shard_count;
  m.stats.tokens = active.size();
  m.active_tokens = active.size();

  if (!m.incremental) {  // a one-shot build: keep nothing (the memory goes back before the site is written)
    Stats stats = m.stats;
    m_impl = std::make_unique<Impl>();
    m_impl->incremental = false;
    m_impl->stats = stats;
    return files;
  }
  // keep what this update used, nothing more
  std::unordered_map<uint64_t, std::shared_ptr<const DocData>> next_docs;
  next_docs.reserve(count);
  for (size_t i = 0; i < count; ++i) next_docs.emplace(keys[i], std::move(data[i]));
  m.docs.swap(next_docs);
  m.shard_cache.swap(next_cache);
  m.by_id = std::move(by_id);
  m.avgdl = avgdl;
  m.shard_bytes = options.shard_bytes;
  m.shards = std::move(shards);
  m.last_key = all_key;
  m.last_files = files;
  return files;
}

std::vector<File> build_index(const std::vector<Document>& docs, const Options& options) {
  Indexer indexer(false);
  return indexer.update(docs, options);
}

}  // namespace haven::search
