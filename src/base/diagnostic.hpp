// Diagnostics: what every module returns when user input is wrong. Positions are computed once,
// when the error is made (errors are rare), so hot paths carry only byte offsets.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace haven::base {

enum class Severity : uint8_t { Error, Warning, Note };

// A place in a source file. `line` and `column` are 1-based; `column` counts Unicode code points
// (not bytes). `line_text` is the whole source line, for the caret excerpt; `length` is how many
// code points the caret underlines (at least one).
struct Location {
  std::string path;
  uint32_t line = 0;
  uint32_t column = 0;
  std::string line_text;
  uint32_t length = 1;
};

struct Diagnostic {
  Severity severity = Severity::Error;
  std::string message;
  Location where;                 // where.path empty = no position (e.g. a missing file)
  std::vector<Diagnostic> notes;  // secondary spans ("first defined here")
};

template <class T>
using Result = std::expected<T, Diagnostic>;

// Locates byte `offset` of `source` (clamped to its size) and underlines `byte_length` bytes.
// `line_base` is added to the computed line, for text embedded in a file (front matter).
Location locate(std::string_view path, std::string_view source, size_t offset,
                size_t byte_length = 1, uint32_t line_base = 0);

// Shorthands: an error at a byte offset of a source, and an error with no position.
Diagnostic error_at(std::string_view path, std::string_view source, size_t offset,
                    std::string message, size_t byte_length = 1);
Diagnostic error(std::string message, std::string path = {});

} // namespace haven::base
