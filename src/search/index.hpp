// Haven's built-in search index (issue 7): sharded postings written at build time, read by the
// dependency-free client module search/haven-search.mjs. Format and tokens: src/search/README.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/value.hpp"

namespace haven::search {

struct Document {
  std::string url;                      // as links print it (root-relative or absolute)
  std::string title;
  std::vector<std::string> headings;    // plain text of the body's headings
  std::string text;                     // body as plain text (headings included)
  std::vector<std::string> tags;
  std::vector<std::string> categories;  // every level of every category path
  double date_ms = 0;                   // NaN allowed (sorted first)
};

struct Options {
  bool enable = true;
  // Target (mean) uncompressed size of one postings shard; boundaries are content-defined around
  // it (README.md "Shards"). Smaller shards mean fewer bytes per query but more files. 24 KiB
  // compresses to roughly 8–12 KiB.
  size_t shard_bytes = 24 * 1024;
  // Body text kept per document for excerpts, in bytes (cut at a character boundary). Matches past
  // it still rank the document; the excerpt then falls back to the beginning of the text.
  size_t excerpt_bytes = 12 * 1024;
  // Most shards one prefix query may load: bounds the bytes of a short prefix such as "a".
  size_t prefix_shards = 2;
};

// Options from the site config value `haven_search:` (an object, `true`/`false`, or undefined
// for the defaults). Unknown keys are ignored; numbers below sane minimums are raised to them.
Options parse_options(const base::Value& config);

struct File {
  std::string path;                            // relative to the output root, always under "search/"
  std::shared_ptr<const std::string> content;  // shared with the Indexer's caches: a file that did
                                               // not change keeps its pointer across updates
  const std::string& bytes() const { return *content; }
};

// A hash of every field of `d` (what Indexer::update needs as a document's key).
uint64_t document_key(const Document& d);

// The index kept between builds (`haven serve` keeps one in the site's state). An update is a
// pure function of the documents and options: it returns exactly what a fresh Indexer (or
// build_index) would return for the same input; the caches only save work:
// - per document, keyed by the caller's key: its tokens (interned ids, term frequency, flags)
//   and its compressed document file, so an edit tokenizes and compresses only that document;
// - per shard, keyed by a hash of its uncompressed bytes: the compressed file, so only shards
//   whose bytes changed are compressed again.
// Shard boundaries are content-defined (README.md "Shards"), so one edit moves few of them.
// Not thread-safe: one update at a time.
class Indexer {
public:
  // incremental = false: keep nothing between updates (a one-shot build; its memory is freed as
  // soon as the files are made).
  explicit Indexer(bool incremental = true);
  ~Indexer();
  Indexer(const Indexer&) = delete;
  Indexer& operator=(const Indexer&) = delete;

  // Documents 0..count-1. `key_of(i)` must change whenever `doc_of(i)` would return something
  // else (a hash of its inputs); `doc_of(i)` is called only for keys not cached, from several
  // threads at once. Both are called during the update only. Empty when !options.enable.
  std::vector<File> update(size_t count, const std::function<uint64_t(size_t)>& key_of,
                           const std::function<Document(size_t)>& doc_of, const Options& options);
  // The same with documents in hand (keys from document_key).
  std::vector<File> update(const std::vector<Document>& docs, const Options& options);

  struct Stats {
    size_t documents = 0;
    size_t documents_tokenized = 0;  // cache misses of this update
    size_t shards = 0;
    size_t shards_compressed = 0;    // cache misses of this update
    size_t tokens = 0;               // distinct tokens in the index
    bool patched = false;            // postings patched in place, not assembled again
  };
  // Counters of the last update (tests and --metrics-style reporting).
  const Stats& stats() const;

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// Builds the sharded index (search/index.json, search/s/*.bin, search/d/*.bin) and the client
// module search/haven-search.mjs. Output is deterministic: the same documents and options give
// the same files in the same order, whatever order `docs` came in. Empty when !options.enable.
// (A one-shot Indexer::update.)
std::vector<File> build_index(const std::vector<Document>& docs, const Options& options);

// Plain text of rendered HTML for Document::text and headings: tags removed (block-level tags
// become spaces so words on either side stay apart), <script>, <style>, <template> and code
// line-number gutters dropped, character references decoded, whitespace runs collapsed to one space.
std::string html_to_text(std::string_view html);

// The client module's source (src/search/client/haven-search.mjs, embedded at build time).
std::string_view client_source();

namespace detail {
struct EmbeddedClientFile {
  std::string_view name;
  std::string_view bytes;
};
extern const std::vector<EmbeddedClientFile> k_client_files;  // generated by cmake/EmbedFiles.cmake
}  // namespace detail

}  // namespace haven::search
