#include "markdown/math.hpp"

#include <cctype>

#include "text/html.hpp"

namespace haven::markdown::detail {

namespace {

// U+E000 … U+E001 around the formula's index: private-use characters that Markdown leaves alone.
constexpr std::string_view k_open = "\xEE\x80\x80";
constexpr std::string_view k_close = "\xEE\x80\x81";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Index of the blank line (a "\n" followed by optional spaces and another "\n") at or after
// `from`, or npos: formulas, like paragraphs, end there.
size_t next_blank_line(std::string_view s, size_t from) {
  size_t nl = s.find('\n', from);
  while (nl != std::string_view::npos) {
    size_t i = nl + 1;
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')) ++i;
    if (i >= s.size() || s[i] == '\n') return nl;
    nl = s.find('\n', i);
  }
  return std::string_view::npos;
}

// Position of the closing `delim` for a formula opened before `from`, or npos.
size_t find_close(std::string_view s, size_t from, std::string_view delim) {
  size_t limit = next_blank_line(s, from);
  size_t p = from;
  while (true) {
    p = s.find(delim, p);
    if (p == std::string_view::npos || p >= limit) return std::string_view::npos;
    if (delim == "$" && !(p > from && !is_space(s[p - 1]) && s[p - 1] != '\\' &&
                         !(p + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[p + 1]))))) {
      ++p;
      continue;
    }
    return p;
  }
}

// Start of a fence ("```" or "~~~", 3+) on the line at `pos` after quote/list markers; 0 if none.
size_t fence_run(std::string_view line, char& fence_char) {
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '>')) ++i;
  if (i + 1 < line.size() && (line[i] == '-' || line[i] == '*' || line[i] == '+') && line[i + 1] == ' ') {
    i += 2;
    while (i < line.size() && line[i] == ' ') ++i;
  } else {
    size_t d = i;
    while (d < line.size() && std::isdigit(static_cast<unsigned char>(line[d]))) ++d;
    if (d > i && d + 1 < line.size() && (line[d] == '.' || line[d] == ')') && line[d + 1] == ' ') {
      i = d + 2;
      while (i < line.size() && line[i] == ' ') ++i;
    }
  }
  if (i >= line.size() || (line[i] != '`' && line[i] != '~')) return 0;
  fence_char = line[i];
  size_t run = 0;
  while (i + run < line.size() && line[i + run] == fence_char) ++run;
  if (run < 3) return 0;
  if (fence_char == '`' && line.substr(i + run).find('`') != std::string_view::npos) return 0;  // inline code
  return run;
}

} // namespace

std::string extract_math(std::string_view s, std::vector<Formula>& formulas) {
  if (s.find(k_open) != std::string_view::npos || s.find(k_close) != std::string_view::npos) return std::string(s);
  std::string out;
  out.reserve(s.size());
  size_t pos = 0;
  bool line_start = true;
  char fence_char = 0;
  size_t fence_len = 0;
  auto placeholder = [&](std::string_view tex, bool display) {
    out += k_open;
    out += std::to_string(formulas.size());
    out += k_close;
    formulas.push_back({std::string(tex), display});
  };
  while (pos < s.size()) {
    if (line_start) {
      size_t eol = s.find('\n', pos);
      size_t next = eol == std::string_view::npos ? s.size() : eol + 1;
      std::string_view line = s.substr(pos, next - pos);
      char c = 0;
      size_t run = fence_run(line, c);
      if (fence_char) {  // inside a fenced block: copy the line; a long-enough fence closes it
        if (run >= fence_len && c == fence_char) fence_char = 0;
        out += line;
        pos = next;
        continue;
      }
      if (run) {
        fence_char = c;
        fence_len = run;
        out += line;
        pos = next;
        continue;
      }
      line_start = false;
    }
    char c = s[pos];
    if (c == '\n') {
      out += c;
      ++pos;
      line_start = true;
      continue;
    }
    if (c == '`') {  // a code span: copied whole when it closes before a blank line
      size_t n = 0;
      while (pos + n < s.size() && s[pos + n] == '`') ++n;
      size_t limit = next_blank_line(s, pos);
      size_t k = pos + n;
      size_t close = std::string_view::npos;
      while (k < s.size() && k < limit) {
        if (s[k] != '`') {
          ++k;
          continue;
        }
        size_t m = 0;
        while (k + m < s.size() && s[k + m] == '`') ++m;
        if (m == n) {
          close = k;
          break;
        }
        k += m;
      }
      size_t end = close == std::string_view::npos ? pos + n : close + n;
      std::string_view span = s.substr(pos, end - pos);
      out += span;  // a span over several lines ends mid-line, so line_start stays false
      pos = end;
      continue;
    }
    if (c == '\\' && pos + 1 < s.size()) {
      char d = s[pos + 1];
      if (d == '(' || d == '[') {
        std::string_view close_delim = d == '(' ? "\\)" : "\\]";
        size_t close = find_close(s, pos + 2, close_delim);
        if (close != std::string_view::npos) {
          placeholder(s.substr(pos + 2, close - pos - 2), d == '[');
          pos = close + 2;
          continue;
        }
      }
      out += s.substr(pos, 2);  // any other escape, `\$` included, stays for Markdown
      pos += 2;
      continue;
    }
    if (c == '$') {
      if (pos + 1 < s.size() && s[pos + 1] == '$') {
        size_t close = find_close(s, pos + 2, "$$");
        if (close != std::string_view::npos && close > pos + 2) {
          placeholder(s.substr(pos + 2, close - pos - 2), true);
          pos = close + 2;
          continue;
        }
        out += "$$";
        pos += 2;
        continue;
      }
      if (pos + 1 < s.size() && !is_space(s[pos + 1])) {
        size_t close = find_close(s, pos + 1, "$");
        if (close != std::string_view::npos) {
          placeholder(s.substr(pos + 1, close - pos - 1), false);
          pos = close + 1;
          continue;
        }
      }
    }
    out += c;
    ++pos;
  }
  return out;
}

std::string restore_math(std::string_view html, const std::vector<Formula>& formulas) {
  std::string out;
  out.reserve(html.size());
  size_t pos = 0;
  while (true) {
    size_t p = html.find(k_open, pos);
    if (p == std::string_view::npos) {
      out += html.substr(pos);
      break;
    }
    size_t q = html.find(k_close, p);
    if (q == std::string_view::npos) {
      out += html.substr(pos);
      break;
    }
    size_t index = std::stoul(std::string(html.substr(p + k_open.size(), q - p - k_open.size())));
    if (index >= formulas.size()) {
      out += html.substr(pos, q + k_close.size() - pos);
      pos = q + k_close.size();
      continue;
    }
    const Formula& f = formulas[index];
    std::string tex = text::escape_html_min(f.tex);
    size_t end = q + k_close.size();
    bool alone = f.display && p >= 3 && html.substr(p - 3, 3) == "<p>" && html.substr(end, 4) == "</p>" &&
                 p - 3 >= pos;
    if (alone) {
      out += html.substr(pos, p - 3 - pos);
      out += "<div class=\"math display\">\\[" + tex + "\\]</div>";
      pos = end + 4;
    } else {
      out += html.substr(pos, p - pos);
      out += f.display ? "<span class=\"math display\">\\[" + tex + "\\]</span>"
                       : "<span class=\"math inline\">\\(" + tex + "\\)</span>";
      pos = end;
    }
  }
  return out;
}

std::string math_as_text(std::string_view s, const std::vector<Formula>& formulas, bool escape) {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t p = s.find(k_open, pos);
    size_t q = p == std::string_view::npos ? p : s.find(k_close, p);
    if (q == std::string_view::npos) {
      out += s.substr(pos);
      return out;
    }
    out += s.substr(pos, p - pos);
    size_t index = std::stoul(std::string(s.substr(p + k_open.size(), q - p - k_open.size())));
    if (index < formulas.size()) out += escape ? text::escape_html_min(formulas[index].tex) : formulas[index].tex;
    pos = q + k_close.size();
  }
}

} // namespace haven::markdown::detail
