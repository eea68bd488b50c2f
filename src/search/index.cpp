#include "search/index.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

#include "base/hash.hpp"
#include "search/gzip.hpp"
#include "search/tokenize.hpp"

namespace haven::search {

namespace {

// BM25 parameters (the usual defaults).
constexpr double k_k1 = 1.2;
constexpr double k_b = 0.75;
constexpr uint8_t k_flag_title = 0x80;
constexpr uint8_t k_flag_heading = 0x40;
constexpr uint8_t k_tf_mask = 0x3F;  // 6 bits of quantized BM25 term-frequency part

struct TermHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct DocTerm {
  std::string token;
  uint32_t tf = 0;
  uint8_t flags = 0;
};

struct DocTerms {
  std::vector<DocTerm> terms;
  uint32_t length = 0;  // index tokens in the body
};

DocTerms collect(const Document& d) {
  // keys are views into the normalized strings below, which outlive the map
  std::string body = normalize(d.text);
  std::string title = normalize(d.title);
  std::vector<std::string> headings;
  for (const auto& h : d.headings) headings.push_back(normalize(h));
  std::vector<std::string> filters;
  for (const auto& t : d.tags) filters.push_back("#t:" + normalize(t));  // '#' never occurs in a text token
  for (const auto& c : d.categories) filters.push_back("#c:" + normalize(c));

  std::unordered_map<std::string_view, uint32_t> at;
  at.reserve(1024);  // a typical post has a few hundred distinct tokens
  DocTerms out;
  auto slot = [&](std::string_view t) -> DocTerm& {
    auto [it, fresh] = at.try_emplace(t, static_cast<uint32_t>(out.terms.size()));
    if (fresh) out.terms.push_back({std::string(t), 0, 0});
    return out.terms[it->second];
  };
  for_each_token(body, [&](std::string_view t, TokenKind) {
    ++slot(t).tf;
    ++out.length;
  }, true);
  for_each_token(title, [&](std::string_view t, TokenKind) { slot(t).flags |= k_flag_title; }, true);
  for (const auto& h : headings)
    for_each_token(h, [&](std::string_view t, TokenKind) { slot(t).flags |= k_flag_heading; }, true);
  for (const auto& f : filters) slot(f);
  return out;
}

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

void put_json_string(std::string& o, std::string_view s) {
  o += '"';
  for (unsigned char c : s) {
    switch (c) {
    case '"': o += "\\\""; break;
    case '\\': o += "\\\\"; break;
    case '\n': o += "\\n"; break;
    case '\r': o += "\\r"; break;
    case '\t': o += "\\t"; break;
    default:
      if (c < 0x20) o += fmt::format("\\u{:04x}", c);
      else o += static_cast<char>(c);
    }
  }
  o += '"';
}

void put_json_strings(std::string& o, const std::vector<std::string>& v) {
  o += '[';
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) o += ',';
    put_json_string(o, v[i]);
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
std::string document_file(const Document& d, const Options& options) {
  std::string o = "{\"u\":";
  put_json_string(o, d.url);
  o += ",\"t\":";
  put_json_string(o, d.title);
  if (!std::isnan(d.date_ms)) o += fmt::format(",\"d\":{}", static_cast<int64_t>(d.date_ms));
  o += ",\"g\":";
  put_json_strings(o, d.tags);
  o += ",\"c\":";
  put_json_strings(o, d.categories);
  o += ",\"h\":";
  put_json_strings(o, d.headings);
  o += ",\"b\":";
  std::string_view kept = cut_utf8(d.text, options.excerpt_bytes);
  put_json_string(o, kept);
  if (kept.size() < d.text.size()) o += ",\"x\":1";  // the text was cut: matches may lie past it
  o += "}";
  return gzip(o);
}

}  // namespace

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

std::vector<File> build_index(const std::vector<Document>& input, const Options& options) {
  std::vector<File> files;
  if (!options.enable) return files;

  // Document ids follow date, oldest first (then URL): a new post gets the next id, so the
  // files of older posts keep their names and bytes across builds.
  std::vector<size_t> order(input.size());
  std::iota(order.begin(), order.end(), 0);
  auto date_key = [&](size_t i) { return std::isnan(input[i].date_ms) ? -INFINITY : input[i].date_ms; };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    double da = date_key(a), db = date_key(b);
    if (da != db) return da < db;
    return input[a].url < input[b].url;
  });
  const size_t n = order.size();

  // Tokenize and write the document files in parallel (the costly part: NFKC and gzip).
  std::vector<DocTerms> per_doc(n);
  std::vector<std::string> doc_files(n);
  parallel_for(n, [&](size_t i) {
    per_doc[i] = collect(input[order[i]]);
    doc_files[i] = document_file(input[order[i]], options);
  });

  double total_length = 0;
  for (const auto& d : per_doc) total_length += d.length;
  const double avgdl = n ? std::max(1.0, total_length / static_cast<double>(n)) : 1.0;

  // term → postings (doc id ascending since docs are visited in id order)
  struct Posting {
    uint32_t doc;
    uint8_t impact;
  };
  std::unordered_map<std::string, std::vector<Posting>, TermHash, std::equal_to<>> postings;
  for (size_t id = 0; id < n; ++id) {
    const DocTerms& d = per_doc[id];
    double norm = k_k1 * (1 - k_b + k_b * d.length / avgdl);
    for (const auto& t : d.terms) {
      uint8_t q = 0;
      if (t.tf > 0) {
        double v = t.tf * (k_k1 + 1) / (t.tf + norm);  // in [0, k1 + 1)
        q = static_cast<uint8_t>(std::clamp<long>(std::lround(v / (k_k1 + 1) * k_tf_mask), 1, k_tf_mask));
      }
      postings[t.token].push_back({static_cast<uint32_t>(id), static_cast<uint8_t>(q | t.flags)});
    }
  }
  per_doc.clear();

  std::vector<const std::pair<const std::string, std::vector<Posting>>*> terms;
  terms.reserve(postings.size());
  for (const auto& p : postings) terms.push_back(&p);
  // UTF-8 byte order is code point order, which the client reproduces
  std::sort(terms.begin(), terms.end(), [](auto* a, auto* b) { return a->first < b->first; });

  // shards: cut in token order, then compressed in parallel
  std::vector<std::pair<std::string, std::string>> shards;  // first token, raw bytes
  std::string first, prev, body;
  size_t count = 0;
  auto flush = [&] {
    if (count == 0) return;
    std::string data;
    put_varint(data, count);
    data += body;
    shards.emplace_back(first, std::move(data));
    body.clear();
    count = 0;
  };
  std::string list;
  for (auto* t : terms) {
    const std::string& tok = t->first;
    if (count == 0) {
      first = tok;
      prev.clear();
    }
    size_t shared = 0;
    while (shared < prev.size() && shared < tok.size() && prev[shared] == tok[shared]) ++shared;
    put_varint(body, shared);
    put_varint(body, tok.size() - shared);
    body.append(tok, shared);
    put_varint(body, t->second.size());
    list.clear();
    uint32_t last = 0;
    for (size_t i = 0; i < t->second.size(); ++i) {
      const Posting& p = t->second[i];
      put_varint(list, i == 0 ? p.doc : p.doc - last);
      last = p.doc;
      list += static_cast<char>(p.impact);
    }
    put_varint(body, list.size());
    body += list;
    prev = tok;
    ++count;
    if (body.size() >= options.shard_bytes) flush();
  }
  flush();
  std::vector<std::string> shard_files(shards.size());
  parallel_for(shards.size(), [&](size_t i) { shard_files[i] = gzip(shards[i].second); });
  std::vector<std::pair<std::string, std::string>> shard_list;  // first token, file
  for (size_t i = 0; i < shards.size(); ++i) {
    std::string path = "s/" + hex16(base::content_hash(shard_files[i])) + ".bin";
    shard_list.emplace_back(shards[i].first, path);
    files.push_back({"search/" + path, std::move(shard_files[i])});
  }
  for (size_t id = 0; id < n; ++id) files.push_back({fmt::format("search/d/{}.bin", id), std::move(doc_files[id])});

  // manifest
  std::string m = fmt::format("{{\"format\":1,\"docs\":{},\"prefixShards\":{},\"shards\":[", n, options.prefix_shards);
  for (size_t i = 0; i < shard_list.size(); ++i) {
    if (i) m += ',';
    m += '[';
    put_json_string(m, shard_list[i].first);
    m += ',';
    put_json_string(m, shard_list[i].second);
    m += ']';
  }
  m += "]}\n";
  files.push_back({"search/index.json", std::move(m)});
  files.push_back({"search/haven-search.mjs", std::string(client_source())});
  return files;
}

}  // namespace haven::search
