// YAML → base::Value with js-yaml 4 typing, the parser Hexo uses for `_config.yml` and front matter.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "base/diagnostic.hpp"
#include "base/value.hpp"

namespace haven::config {

struct YamlSource {
  std::string_view text;       // the YAML to parse
  std::string_view path;       // for diagnostics
  std::string_view file_text;  // whole file the YAML sits in (for the caret line); empty = text
  uint32_t line_offset = 0;    // lines in the file before `text` starts
};

// Parses one YAML document into a Value with js-yaml 4 default-schema typing of plain scalars:
// null (~, null, Null, NULL, empty), bool (true/True/TRUE/false/…; yes/no/on/off stay strings),
// int (decimal, 0x, 0o), float (1.5, 1e3, .inf, .nan), timestamps (YAML 1.1 timestamp syntax, as js-yaml)
// → Value::date(epoch ms) where a value without an offset is taken as UTC (js-yaml). Quoted scalars are
// always strings. Anchors/aliases resolved; merge keys `<<` supported; non-string keys stringified.
// Errors (syntax, duplicate keys — js-yaml rejects them too) → Diagnostic with path, line and column
// (code points) in *file* coordinates, and the file line as line_text. An empty stream gives Undefined
// (js-yaml's `load` returns undefined).
base::Result<base::Value> parse_yaml(const YamlSource& source);

namespace detail {
// The common front matter without libfyaml: a mapping of plain keys to plain scalars or to
// block sequences of plain scalars (`key: value`, `key:` then `  - item` lines), the result
// parse_yaml gives it. nullopt for anything else (quotes, flow collections, nesting, comments,
// anchors, tags, multi-line scalars, duplicate keys…), which parse_yaml then hands to libfyaml.
std::optional<base::Value> parse_simple_yaml(std::string_view text);
// parse_yaml without that shortcut (tests compare the two).
base::Result<base::Value> parse_yaml_fully(const YamlSource& source);
} // namespace detail

// js-yaml's implicit typing of one plain (unquoted, untagged) scalar, e.g. "0x1F" → 31, "~" → null,
// "2024-07-01" → Date; anything else stays a string.
base::Value resolve_plain_scalar(std::string_view text);

} // namespace haven::config
