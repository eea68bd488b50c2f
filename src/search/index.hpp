// Haven's built-in search index (issue 7): sharded postings written at build time, read by the
// dependency-free client module search/haven-search.mjs. Format and tokens: src/search/README.md.
#pragma once

#include <cstddef>
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
  // Target uncompressed size of one postings shard; a shard closes once it passes this. Smaller
  // shards mean fewer bytes per query but more files. 24 KiB compresses to roughly 8–12 KiB.
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
  std::string path;   // relative to the output root, always under "search/"
  std::string bytes;
};

// Builds the sharded index (search/index.json, search/s/*.bin, search/d/*.bin) and the client
// module search/haven-search.mjs. Output is deterministic: the same documents and options give
// the same files in the same order, whatever order `docs` came in. Empty when !options.enable.
std::vector<File> build_index(const std::vector<Document>& docs, const Options& options);

// Plain text of rendered HTML for Document::text and headings: tags removed (block-level tags
// become spaces so words on either side stay apart), <script>, <style>, <template> and code
// line-number gutters dropped, character references decoded, whitespace runs collapsed to one space.
std::string html_to_text(std::string_view html);

// The client module's source (src/search/client/haven-search.mjs, embedded at build time).
std::string_view client_source();

}  // namespace haven::search
