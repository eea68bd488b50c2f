#include "content/glob.hpp"

#include <string>
#include <vector>

namespace haven::content {

namespace {

// Expands the first {a,b,...} group (recursively) into plain patterns.
void expand_braces(std::string_view pattern, std::vector<std::string>& out) {
  size_t open = pattern.find('{');
  if (open == std::string_view::npos) {
    out.emplace_back(pattern);
    return;
  }
  int depth = 0;
  size_t close = std::string_view::npos;
  std::vector<size_t> commas;
  for (size_t i = open; i < pattern.size(); ++i) {
    if (pattern[i] == '{') ++depth;
    else if (pattern[i] == '}' && --depth == 0) { close = i; break; }
    else if (pattern[i] == ',' && depth == 1) commas.push_back(i);
  }
  if (close == std::string_view::npos) {
    out.emplace_back(pattern);
    return;
  }
  std::string_view head = pattern.substr(0, open), tail = pattern.substr(close + 1);
  size_t start = open + 1;
  commas.push_back(close);
  for (size_t c : commas) {
    std::string alt = std::string(head) + std::string(pattern.substr(start, c - start)) + std::string(tail);
    expand_braces(alt, out);
    start = c + 1;
  }
}

bool match_class(std::string_view pattern, size_t& p, char c) {
  // pattern[p] == '['
  size_t i = p + 1;
  bool negate = i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^');
  if (negate) ++i;
  bool matched = false;
  size_t first = i;
  while (i < pattern.size() && (pattern[i] != ']' || i == first)) {
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      if (c >= pattern[i] && c <= pattern[i + 2]) matched = true;
      i += 3;
    } else {
      if (c == pattern[i]) matched = true;
      ++i;
    }
  }
  p = i + 1; // past ']'
  return matched != negate;
}

bool match_simple(std::string_view pat, std::string_view str) {
  size_t p = 0, s = 0;
  size_t star_p = std::string_view::npos, star_s = 0;
  bool star_crosses = false;
  while (s < str.size()) {
    if (p < pat.size()) {
      if (pat[p] == '*') {
        bool globstar = p + 1 < pat.size() && pat[p + 1] == '*';
        if (globstar) {
          p += 2;
          // "**/" also matches zero folders
          if (p < pat.size() && pat[p] == '/') {
            if (match_simple(pat.substr(p + 1), str.substr(s))) return true;
          }
          star_crosses = true;
        } else {
          ++p;
          star_crosses = false;
        }
        star_p = p;
        star_s = s;
        continue;
      }
      if (pat[p] == '?' && str[s] != '/') { ++p; ++s; continue; }
      if (pat[p] == '[') {
        size_t q = p;
        if (str[s] != '/' && match_class(pat, q, str[s])) { p = q; ++s; continue; }
      } else if (pat[p] == str[s]) { ++p; ++s; continue; }
    }
    if (star_p != std::string_view::npos && (star_crosses || str[star_s] != '/')) {
      ++star_s;
      s = star_s;
      p = star_p;
      continue;
    }
    return false;
  }
  while (p < pat.size() && pat[p] == '*') ++p;
  return p == pat.size();
}

} // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
  std::vector<std::string> alternatives;
  expand_braces(pattern, alternatives);
  for (const auto& alt : alternatives) {
    if (match_simple(alt, path)) return true;
  }
  return false;
}

} // namespace haven::content
