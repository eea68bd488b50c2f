#include <algorithm>
#include <array>
#include <cctype>

#include "search/index.hpp"
#include "text/html.hpp"

namespace haven::search {

namespace {

// Tags that do not break a word: everything else becomes a space.
constexpr std::array<std::string_view, 20> k_inline_tags = {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn",
                                                             "em", "i", "ins", "kbd", "mark", "q", "s", "samp", "small", "span"};
constexpr std::array<std::string_view, 6> k_inline_tags_more = {"strong", "sub", "sup", "time", "u", "var"};

bool is_inline(std::string_view name) {
  return std::find(k_inline_tags.begin(), k_inline_tags.end(), name) != k_inline_tags.end() ||
         std::find(k_inline_tags_more.begin(), k_inline_tags_more.end(), name) != k_inline_tags_more.end();
}

std::string lower_ascii(std::string_view s) {
  std::string o(s);
  for (char& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

}  // namespace

std::string html_to_text(std::string_view html) {
  std::string raw;
  raw.reserve(html.size());
  size_t i = 0;
  while (i < html.size()) {
    char c = html[i];
    if (c != '<') {
      raw += c;
      ++i;
      continue;
    }
    if (html.compare(i, 4, "<!--") == 0) {
      size_t e = html.find("-->", i + 4);
      i = e == std::string_view::npos ? html.size() : e + 3;
      continue;
    }
    size_t j = i + 1;
    bool closing = j < html.size() && html[j] == '/';
    if (closing) ++j;
    size_t name_begin = j;
    while (j < html.size() && (std::isalnum(static_cast<unsigned char>(html[j])) || html[j] == '-')) ++j;
    if (j == name_begin) {  // "<" that opens no tag is text
      raw += c;
      ++i;
      continue;
    }
    std::string name = lower_ascii(html.substr(name_begin, j - name_begin));
    // end of the tag, skipping quoted attribute values
    char quote = 0;
    while (j < html.size() && (quote || html[j] != '>')) {
      if (quote && html[j] == quote) quote = 0;
      else if (!quote && (html[j] == '"' || html[j] == '\'')) quote = html[j];
      ++j;
    }
    std::string_view tag = html.substr(i, j - i);
    i = std::min(html.size(), j + 1);
    bool gutter = name == "td" && tag.find("gutter") != std::string_view::npos;
    if (!closing && (name == "script" || name == "style" || name == "template" || gutter)) {
      // skip to the close tag (Haven's renderer and themes write lowercase tags; a gutter cell
      // holds no nested <td>)
      std::string end = "</" + name;
      size_t e = html.find(end, i);
      if (e == std::string_view::npos) e = html.size();
      size_t gt = html.find('>', e);
      i = gt == std::string_view::npos ? html.size() : gt + 1;
      raw += ' ';
      continue;
    }
    if (!is_inline(name)) raw += ' ';
  }
  std::string decoded = text::unescape_html(raw);
  std::string out;
  out.reserve(decoded.size());
  bool space = false;
  for (char c : decoded) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

}  // namespace haven::search
