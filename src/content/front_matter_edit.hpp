// Surgical edits of a source file's front matter for the authoring commands (`haven new`,
// `publish`, `abbrlink --write`): one top-level key is set or added and every other byte of the
// file is kept (comments, key order, quoting, BOM, CRLF line endings). Unlike hexo-abbrlink's
// write-back, nothing is re-dumped.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <string_view>

#include "base/diagnostic.hpp"

namespace haven::content {

// `s` as a YAML scalar that reads back as the same string: plain when that is unambiguous (CJK
// titles stay readable), otherwise double-quoted with escapes (`: `, leading `#`/`-`/quotes,
// `true`/`null`/numbers/dates, control characters, surrounding spaces, …).
std::string yaml_scalar(std::string_view s);

// `s` as a JSON string literal ("…" with \" \\ \n and \u00XX escapes).
std::string json_string(std::string_view s);

// Sets top-level key `key` in the front matter of the raw file bytes `raw`, returning the new bytes.
// `yaml_value` is written verbatim after `key: ` in YAML front matter; `json_value` after
// `"key": ` in `;;;` JSON front matter. An existing `key:` line (and its indented continuation
// lines) is replaced in place; otherwise a line is added at the end of the front matter. A file
// without front matter gets `---\nkey: value\n---\n` in front of its text (as hexo-abbrlink does).
// New lines use the file's line ending (CRLF when its first line break is CRLF). `path` is only
// for the error when the front matter cannot be parsed.
base::Result<std::string> set_front_matter_key(std::string_view raw, std::string_view key,
                                               std::string_view yaml_value, std::string_view json_value,
                                               std::string_view path);

// Byte range [begin, end) of the front-matter data (between the separators, or before the
// separator in the "no leading separator" form) in the normalised text; nullopt without one.
std::optional<std::pair<size_t, size_t>> front_matter_span(std::string_view text);

// 1-based line of top-level key `key` in the front matter of the normalised text `text` (as
// Document::text holds it); 0 when the key is not written there.
uint32_t front_matter_key_line(std::string_view text, std::string_view key);

} // namespace haven::content
