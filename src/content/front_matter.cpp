#include "content/front_matter.hpp"

#include <algorithm>
#include <cmath>

#include "config/json.hpp"
#include "config/yaml.hpp"
#include "text/datetime.hpp"

namespace haven::content {

using base::Value;

namespace {

// Length of the run of 3+ '-' or 3+ ';' at `pos`, or 0 (hexo-front-matter's `-{3,}|;{3,}`).
size_t separator_run(std::string_view text, size_t pos) {
  if (pos >= text.size() || (text[pos] != '-' && text[pos] != ';')) return 0;
  char c = text[pos];
  size_t n = 0;
  while (pos + n < text.size() && text[pos + n] == c) ++n;
  return n >= 3 ? n : 0;
}

struct Split {
  std::string_view data;
  std::string_view separator;
  size_t data_offset = 0;
  size_t body_offset = 0;
};

// hexo-front-matter's split(): rFrontMatter, then the prefix check, then rFrontMatterNew.
std::optional<Split> split(std::string_view text) {
  size_t run = separator_run(text, 0);
  if (run > 0) {
    // ^(SEP)\n([\s\S]+?)\n\1\n?([\s\S]*) — the opening run must end its line, the data is at least
    // one character, and the closing separator is only a prefix of its line.
    if (run < text.size() && text[run] == '\n') {
      std::string_view sep = text.substr(0, run);
      size_t data_start = run + 1;
      std::string needle = "\n" + std::string(sep);
      size_t close = data_start + 1 <= text.size() ? text.find(needle, data_start + 1) : std::string_view::npos;
      if (close != std::string_view::npos) {
        Split s;
        s.separator = sep;
        s.data_offset = data_start;
        s.data = text.substr(data_start, close - data_start);
        size_t after = close + needle.size();
        if (after < text.size() && text[after] == '\n') ++after;
        s.body_offset = after;
        return s;
      }
    }
    return std::nullopt; // starts with a separator but has no closing one: all body
  }
  // ^([\s\S]+?)\n(SEP)\n?([\s\S]*)
  for (size_t nl = text.find('\n', 1); nl != std::string_view::npos; nl = text.find('\n', nl + 1)) {
    size_t sep_len = separator_run(text, nl + 1);
    if (sep_len == 0) continue;
    Split s;
    s.separator = text.substr(nl + 1, sep_len);
    s.data_offset = 0;
    s.data = text.substr(0, nl);
    size_t after = nl + 1 + sep_len;
    if (after < text.size() && text[after] == '\n') ++after;
    s.body_offset = after;
    return s;
  }
  return std::nullopt;
}

// hexo-front-matter's escapeYAML: tabs that start a line (after a newline) become two spaces each.
std::string escape_tabs(std::string_view data) {
  std::string out;
  out.reserve(data.size());
  for (size_t i = 0; i < data.size(); ++i) {
    out += data[i];
    if (data[i] == '\n') {
      while (i + 1 < data.size() && data[i + 1] == '\t') {
        out += "  ";
        ++i;
      }
    }
  }
  return out;
}

uint32_t count_newlines(std::string_view s) { return static_cast<uint32_t>(std::count(s.begin(), s.end(), '\n')); }

} // namespace

std::string normalize_source(std::string_view raw) {
  if (raw.starts_with("\xEF\xBB\xBF")) raw.remove_prefix(3);
  std::string out;
  out.reserve(raw.size());
  // runs up to each CR are copied whole: most files have none
  for (size_t cr; (cr = raw.find('\r')) != std::string_view::npos;) {
    out.append(raw.substr(0, cr));
    out += '\n';
    raw.remove_prefix(cr + (cr + 1 < raw.size() && raw[cr + 1] == '\n' ? 2 : 1));
  }
  out.append(raw);
  return out;
}

void normalize_source_in_place(std::string& text) {
  if (text.starts_with("\xEF\xBB\xBF") || text.find('\r') != std::string::npos) text = normalize_source(std::string_view(text));
}

base::Result<FrontMatter> parse_front_matter(std::string_view text, std::string_view path) {
  FrontMatter none;
  none.data = Value(base::Object());
  auto parts = split(text);
  if (!parts) return none;

  Value data;
  FrontMatterFormat format;
  if (parts->separator[0] == ';') {
    // JSON.parse(`{${data}}`); any failure means "no front matter".
    std::string wrapped = "{" + std::string(parts->data) + "}";
    auto parsed = config::parse_json(wrapped, path);
    if (!parsed) return none;
    data = *parsed;
    format = FrontMatterFormat::Json;
  } else {
    std::string escaped = escape_tabs(parts->data);
    config::YamlSource src;
    src.text = escaped;
    src.path = path;
    src.file_text = text;
    src.line_offset = count_newlines(text.substr(0, parts->data_offset));
    auto parsed = config::parse_yaml(src);
    if (!parsed) return std::unexpected(parsed.error());
    data = *parsed;
    format = FrontMatterFormat::Yaml;
  }
  if (!data.is_object()) return none;

  FrontMatter fm;
  fm.data = std::move(data);
  fm.format = format;
  fm.body_offset = parts->body_offset;
  fm.body_line = count_newlines(text.substr(0, parts->body_offset)) + 1;
  return fm;
}

double yaml_date_as_local(double utc_ms, std::string_view process_zone) {
  return utc_ms - static_cast<double>(text::zone_offset_ms(process_zone, utc_ms).value_or(0));
}

std::optional<double> resolve_hexo_date(const Value& raw, std::string_view process_zone,
                                        std::string_view site_timezone) {
  // Hexo's toDate(): falsy values are "missing"; Dates are kept; anything else goes through new Date().
  std::optional<double> t;
  switch (raw.kind()) {
  case Value::Kind::Date: t = yaml_date_as_local(raw.as_date_ms(), process_zone); break;
  case Value::Kind::String:
    if (!raw.as_string().empty()) t = text::parse_js_date(raw.as_string(), process_zone);
    break;
  case Value::Kind::Number:
    if (raw.as_number() != 0 && std::isfinite(raw.as_number()) && std::fabs(raw.as_number()) <= 8.64e15) {
      t = std::trunc(raw.as_number());
    }
    break;
  case Value::Kind::Bool:
    if (raw.as_bool()) t = 1; // new Date(true) is 1 ms after the epoch
    break;
  default: break;
  }
  if (!t || std::isnan(*t)) return std::nullopt;
  if (!site_timezone.empty()) {
    // common.js timezone(): diff = (getTimezoneOffset() + moment.tz(ms, zone).utcOffset()) minutes. An
    // unknown zone reads as UTC there (moment-timezone warns and falls back).
    double local = static_cast<double>(text::zone_offset_ms(process_zone, *t).value_or(0));
    double target = static_cast<double>(text::zone_offset_ms(site_timezone, *t).value_or(0));
    *t = *t - (target - local);
  }
  return t;
}

} // namespace haven::content
