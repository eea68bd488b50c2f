#include "content/front_matter_edit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <regex>
#include <vector>

#include "content/front_matter.hpp"

namespace haven::content {

namespace {

// Same rule as hexo-front-matter's `-{3,}|;{3,}` (see front_matter.cpp).
size_t separator_run(std::string_view text, size_t pos) {
  if (pos >= text.size() || (text[pos] != '-' && text[pos] != ';')) return 0;
  char c = text[pos];
  size_t n = 0;
  while (pos + n < text.size() && text[pos + n] == c) ++n;
  return n >= 3 ? n : 0;
}

size_t newlines_before(std::string_view s, size_t end) {
  return static_cast<size_t>(std::count(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(std::min(end, s.size())), '\n'));
}

// Where the front-matter data lines are in the normalised text: [first, last) as 0-based line
// indexes, `last` being the separator line that ends them. Mirrors front_matter.cpp's split().
struct Region {
  size_t first = 0;
  size_t last = 0;
  bool json = false;
};

std::optional<Region> find_region(std::string_view text) {
  size_t run = separator_run(text, 0);
  if (run > 0) {
    if (run >= text.size() || text[run] != '\n') return std::nullopt;
    std::string needle = "\n" + std::string(text.substr(0, run));
    size_t close = run + 2 <= text.size() ? text.find(needle, run + 2) : std::string_view::npos;
    if (close == std::string_view::npos) return std::nullopt;
    return Region{1, newlines_before(text, close) + 1, text[0] == ';'};
  }
  for (size_t nl = text.find('\n', 1); nl != std::string_view::npos; nl = text.find('\n', nl + 1)) {
    if (separator_run(text, nl + 1) == 0) continue;
    return Region{0, newlines_before(text, nl) + 1, text[nl + 1] == ';'};
  }
  return std::nullopt;
}

struct Line {
  size_t start;        // first byte
  size_t content_end;  // before the line break
  size_t end;          // after the line break
};

// Lines of `raw` from byte `from`, split at CRLF, lone CR and LF, so that line i here is line i of
// normalize_source(raw).
std::vector<Line> split_lines(std::string_view raw, size_t from) {
  std::vector<Line> lines;
  size_t start = from;
  for (size_t i = from; i < raw.size(); ++i) {
    if (raw[i] != '\n' && raw[i] != '\r') continue;
    size_t end = i + 1;
    if (raw[i] == '\r' && end < raw.size() && raw[end] == '\n') ++end;
    lines.push_back({start, i, end});
    start = end;
    i = end - 1;
  }
  lines.push_back({start, raw.size(), raw.size()});
  return lines;
}

std::string_view line_break_of(std::string_view raw) {
  size_t i = raw.find_first_of("\r\n");
  if (i == std::string_view::npos || raw[i] == '\n') return "\n";
  return i + 1 < raw.size() && raw[i + 1] == '\n' ? "\r\n" : "\r";
}

// Whether `line` sets top-level YAML key `key` ("key:" then end of line, space or tab).
bool is_yaml_key_line(std::string_view line, std::string_view key) {
  if (!line.starts_with(key) || line.size() <= key.size() || line[key.size()] != ':') return false;
  return line.size() == key.size() + 1 || line[key.size() + 1] == ' ' || line[key.size() + 1] == '\t';
}

bool is_json_key_line(std::string_view line, std::string_view key) {
  size_t i = line.find_first_not_of(" \t");
  if (i == std::string_view::npos) return false;
  std::string quoted = "\"" + std::string(key) + "\"";
  if (line.substr(i, quoted.size()) != quoted) return false;
  i = line.find_first_not_of(" \t", i + quoted.size());
  return i != std::string_view::npos && line[i] == ':';
}

// A line that belongs to the value of the key above it: indented, or a block-sequence item.
bool is_continuation(std::string_view line) {
  return !line.empty() && (line[0] == ' ' || line[0] == '\t' || line == "-" || line.starts_with("- "));
}

bool looks_numeric_or_date(std::string_view s) {
  static const std::regex k_number(R"(^[-+]?(\.?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|0x[0-9a-fA-F]+|0o[0-7]+|\.inf|\.Inf|\.INF|\.nan|\.NaN|\.NAN)$)");
  static const std::regex k_date(R"(^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?$)");
  std::string str(s);
  return std::regex_match(str, k_number) || std::regex_match(str, k_date);
}

} // namespace

std::string yaml_scalar(std::string_view s) {
  bool plain = !s.empty() && s.front() != ' ' && s.back() != ' ' && s.front() != '\t' && s.back() != '\t';
  if (plain && std::string_view("-?:,[]{}#&*!|>'\"%@`").find(s.front()) != std::string_view::npos) plain = false;
  if (plain && (s.find(": ") != std::string_view::npos || s.find(" #") != std::string_view::npos ||
                s.back() == ':' || s.find('\t') != std::string_view::npos)) {
    plain = false;
  }
  if (plain) {
    for (unsigned char c : s) {
      if (c < 0x20 || c == 0x7f) plain = false;
    }
  }
  if (plain) {
    std::string lower(s);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    static const char* const k_keywords[] = {"true", "false", "null", "~", "yes", "no", "on", "off", "y", "n"};
    for (const char* k : k_keywords) {
      if (lower == k) plain = false;
    }
    if (plain && looks_numeric_or_date(s)) plain = false;
  }
  if (plain) return std::string(s);
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\t': out += "\\t"; break;
    case '\r': out += "\\r"; break;
    default:
      if (c < 0x20 || c == 0x7f) out += fmt::format("\\x{:02x}", c);
      else out += static_cast<char>(c);
    }
  }
  out += '"';
  return out;
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\t': out += "\\t"; break;
    case '\r': out += "\\r"; break;
    default:
      if (c < 0x20) out += fmt::format("\\u{:04x}", c);
      else out += static_cast<char>(c);
    }
  }
  out += '"';
  return out;
}

base::Result<std::string> set_front_matter_key(std::string_view raw, std::string_view key,
                                               std::string_view yaml_value, std::string_view json_value,
                                               std::string_view path) {
  const size_t bom = raw.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  const std::string_view nl = line_break_of(raw);
  std::string text = normalize_source(raw);
  auto parsed = parse_front_matter(text, path);
  if (!parsed) return std::unexpected(parsed.error());
  auto region = parsed->format == FrontMatterFormat::None ? std::nullopt : find_region(text);

  std::string out;
  if (!region) {
    out.append(raw.substr(0, bom));
    out += fmt::format("---{}{}: {}{}---{}", nl, key, yaml_value, nl, nl);
    out.append(raw.substr(bom));
    return out;
  }

  auto lines = split_lines(raw, bom);
  auto line_text = [&](size_t i) { return raw.substr(lines[i].start, lines[i].content_end - lines[i].start); };
  for (size_t i = region->first; i < region->last && i < lines.size(); ++i) {
    std::string_view line = line_text(i);
    if (region->json ? !is_json_key_line(line, key) : !is_yaml_key_line(line, key)) continue;
    std::string replacement;
    size_t replace_end = lines[i].content_end;
    if (region->json) {
      size_t colon = line.find(':', line.find('"' + std::string(key) + '"') + key.size() + 2);
      bool comma = line.find_last_not_of(" \t") != std::string_view::npos && line[line.find_last_not_of(" \t")] == ',';
      replacement = fmt::format("{}: {}{}", line.substr(0, colon), json_value, comma ? "," : "");
    } else {
      replacement = fmt::format("{}: {}", key, yaml_value);
      size_t j = i + 1;
      while (j < region->last && j < lines.size() && is_continuation(line_text(j))) ++j;
      if (j > i + 1) replace_end = lines[j - 1].content_end;
    }
    out.append(raw.substr(0, lines[i].start));
    out += replacement;
    out.append(raw.substr(replace_end));
    return out;
  }

  // Not there: a new line at the end of the YAML data, or first member of the JSON object.
  size_t at_line = region->last;
  std::string added = fmt::format("{}: {}{}", key, yaml_value, nl);
  if (region->json) {
    bool empty = parsed->data.as_object().empty();
    at_line = empty ? region->last : region->first;
    added = fmt::format("\"{}\": {}{}{}", key, json_value, empty ? "" : ",", nl);
  }
  size_t at = at_line < lines.size() ? lines[at_line].start : raw.size();
  out.append(raw.substr(0, at));
  out += added;
  out.append(raw.substr(at));
  return out;
}

std::optional<std::pair<size_t, size_t>> front_matter_span(std::string_view text) {
  auto region = find_region(text);
  if (!region) return std::nullopt;
  auto lines = split_lines(text, 0);
  size_t begin = lines[region->first].start;
  size_t end = region->last < lines.size() ? lines[region->last].start : text.size();
  return std::pair{begin, end};
}

uint32_t front_matter_key_line(std::string_view text, std::string_view key) {
  auto region = find_region(text);
  if (!region) return 0;
  auto lines = split_lines(text, 0);
  for (size_t i = region->first; i < region->last && i < lines.size(); ++i) {
    std::string_view line = text.substr(lines[i].start, lines[i].content_end - lines[i].start);
    if (region->json ? is_json_key_line(line, key) : is_yaml_key_line(line, key)) return static_cast<uint32_t>(i + 1);
  }
  return 0;
}

} // namespace haven::content
