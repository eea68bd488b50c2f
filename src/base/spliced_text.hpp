// A text made of its own bytes with shared strings spliced in. A page that prints a large shared
// string (a cached sidebar partial, the same on every page) is kept and written this way, so
// that string is not copied into each page, scanned again for each page, or held once per page.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/value.hpp"

namespace haven::base {

struct SplicedText {
  struct Splice {
    size_t at = 0;  // the offset of `own` the text goes before
    Value text;     // a string (shared: splicing copies no bytes)
  };
  std::string own;
  std::vector<Splice> splices;  // by `at`, ascending; equal offsets in order

  SplicedText() = default;
  explicit SplicedText(std::string text) : own(std::move(text)) {}

  size_t size() const {
    size_t n = own.size();
    for (const auto& s : splices) n += s.text.as_string().size();
    return n;
  }
  // Calls `fn(std::string_view)` with each non-empty piece, in order.
  template <class F>
  void for_each_piece(F&& fn) const {
    size_t from = 0;
    for (const auto& s : splices) {
      if (s.at > from) fn(std::string_view(own).substr(from, s.at - from));
      if (!s.text.as_string().empty()) fn(s.text.as_string());
      from = s.at;
    }
    if (own.size() > from) fn(std::string_view(own).substr(from));
  }
  // The whole text as one string (`own` when nothing is spliced in).
  std::string flatten() && {
    if (splices.empty()) return std::move(own);
    std::string out;
    out.reserve(size());
    for_each_piece([&](std::string_view piece) { out += piece; });
    return out;
  }
};

} // namespace haven::base
