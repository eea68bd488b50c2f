#include "config/yaml.hpp"

#include <libfyaml.h>

#include <cmath>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "config/position.hpp"
#include "text/datetime.hpp"

namespace haven::config {

using base::Value;

using detail::line_col_of;

namespace {

// Nesting deeper than this is rejected: the converter recurses once per level, and an alias
// cycle (`&a [*a]`, which js-yaml turns into a self-referencing object) would otherwise never end.
constexpr int k_max_depth = 512;

struct DiagDeleter {
  void operator()(fy_diag* d) const { fy_diag_destroy(d); }
};
struct ParserDeleter {
  void operator()(fy_parser* p) const { fy_parser_destroy(p); }
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// js-yaml's resolveYamlInteger.
bool yaml_int_syntax(std::string_view s) {
  if (s.empty()) return false;
  size_t i = 0;
  if (s[0] == '-' || s[0] == '+') ++i;
  if (i >= s.size()) return false;
  if (s[i] == '0') {
    if (i + 1 == s.size()) return true;
    char kind = s[i + 1];
    if (kind == 'b' || kind == 'x' || kind == 'o') {
      bool digits = false;
      char last = 0;
      for (size_t j = i + 2; j < s.size(); ++j) {
        last = s[j];
        if (last == '_') continue;
        bool ok = kind == 'b' ? (last == '0' || last == '1') : kind == 'x' ? is_hex(last) : (last >= '0' && last <= '7');
        if (!ok) return false;
        digits = true;
      }
      return digits && last != '_';
    }
    ++i; // "0123" continues as decimal
  }
  if (s[i] == '_') return false;
  bool digits = false;
  char last = 0;
  for (size_t j = i; j < s.size(); ++j) {
    last = s[j];
    if (last == '_') continue;
    if (!is_digit(last)) return false;
    digits = true;
  }
  return digits && last != '_';
}

double yaml_int_value(std::string_view s) {
  std::string v;
  for (char c : s) {
    if (c != '_') v += c;
  }
  double sign = 1;
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
    if (v[0] == '-') sign = -1;
    v.erase(0, 1);
  }
  if (v == "0") return sign * 0.0;
  int base = 10;
  size_t start = 0;
  if (v.size() > 1 && v[0] == '0' && (v[1] == 'b' || v[1] == 'x' || v[1] == 'o')) {
    base = v[1] == 'b' ? 2 : v[1] == 'x' ? 16 : 8;
    start = 2;
  }
  double out = 0;
  for (size_t i = start; i < v.size(); ++i) {
    char c = v[i];
    int d = is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
    out = out * base + d;
  }
  if (base == 10) out = std::strtod(v.c_str(), nullptr); // exact rounding for long decimals
  return sign * out;
}

// js-yaml's YAML_FLOAT_PATTERN plus its "no trailing _" check.
bool yaml_float_syntax(std::string_view s) {
  if (s.empty() || s.back() == '_') return false;
  std::string_view body = s;
  bool signed_ = false;
  if (body[0] == '-' || body[0] == '+') {
    body.remove_prefix(1);
    signed_ = true;
  }
  if (body == ".inf" || body == ".Inf" || body == ".INF") return true;
  if (!signed_ && (body == ".nan" || body == ".NaN" || body == ".NAN")) return true;
  size_t i = 0;
  auto exponent = [&]() {
    if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
      ++i;
      if (i < body.size() && (body[i] == '-' || body[i] == '+')) ++i;
      size_t start = i;
      while (i < body.size() && is_digit(body[i])) ++i;
      if (i == start) return false;
    }
    return i == body.size();
  };
  if (!body.empty() && is_digit(body[0])) {
    while (i < body.size() && (is_digit(body[i]) || body[i] == '_')) ++i;
    if (i < body.size() && body[i] == '.') {
      ++i;
      while (i < body.size() && (is_digit(body[i]) || body[i] == '_')) ++i;
    }
    return exponent();
  }
  if (!signed_ && !body.empty() && body[0] == '.') {
    i = 1;
    size_t start = i;
    while (i < body.size() && (is_digit(body[i]) || body[i] == '_')) ++i;
    if (i == start) return false;
    return exponent();
  }
  return false;
}

double yaml_float_value(std::string_view s) {
  std::string v;
  for (char c : s) {
    if (c != '_') v += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  double sign = 1;
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
    if (v[0] == '-') sign = -1;
    v.erase(0, 1);
  }
  if (v == ".inf") return sign * INFINITY;
  if (v == ".nan") return NAN;
  return sign * std::strtod(v.c_str(), nullptr);
}

// js-yaml's YAML_DATE_REGEXP / YAML_TIMESTAMP_REGEXP and constructYamlTimestamp.
std::optional<double> yaml_timestamp(std::string_view s) {
  size_t i = 0;
  auto digits = [&](size_t min, size_t max, int& out) {
    size_t start = i;
    while (i < s.size() && i - start < max && is_digit(s[i])) ++i;
    if (i - start < min) return false;
    out = 0;
    for (size_t k = start; k < i; ++k) out = out * 10 + (s[k] - '0');
    return true;
  };
  int year = 0, month = 0, day = 0;
  if (!digits(4, 4, year) || i >= s.size() || s[i] != '-') return std::nullopt;
  ++i;
  size_t month_start = i;
  if (!digits(1, 2, month) || i >= s.size() || s[i] != '-') return std::nullopt;
  bool two_digit_date = i - month_start == 2;
  ++i;
  size_t day_start = i;
  if (!digits(1, 2, day)) return std::nullopt;
  two_digit_date = two_digit_date && i - day_start == 2;
  if (i == s.size()) {
    if (!two_digit_date) return std::nullopt; // the date-only form needs YYYY-MM-DD
    return text::utc_ms_from_fields(year, month, day);
  }
  if (s[i] == 'T' || s[i] == 't') {
    ++i;
  } else if (s[i] == ' ' || s[i] == '\t') {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  } else {
    return std::nullopt;
  }
  int hour = 0, minute = 0, second = 0, fraction = 0;
  if (!digits(1, 2, hour) || i >= s.size() || s[i] != ':') return std::nullopt;
  ++i;
  if (!digits(2, 2, minute) || i >= s.size() || s[i] != ':') return std::nullopt;
  ++i;
  if (!digits(2, 2, second)) return std::nullopt;
  if (i < s.size() && s[i] == '.') {
    ++i;
    size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    std::string frac(s.substr(start, std::min<size_t>(3, i - start)));
    while (frac.size() < 3) frac += '0';
    fraction = std::atoi(frac.c_str());
  }
  double delta = 0;
  size_t before_ws = i;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  if (i < s.size()) {
    if (s[i] == 'Z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      bool negative = s[i] == '-';
      ++i;
      int tz_hour = 0, tz_minute = 0;
      if (!digits(1, 2, tz_hour)) return std::nullopt;
      if (i < s.size() && s[i] == ':') {
        ++i;
        if (!digits(2, 2, tz_minute)) return std::nullopt;
      }
      delta = (tz_hour * 60 + tz_minute) * 60000.0;
      if (negative) delta = -delta;
    } else {
      return std::nullopt;
    }
  } else if (before_ws != i) {
    return std::nullopt; // blanks are only allowed before a zone
  }
  if (i != s.size()) return std::nullopt;
  return text::utc_ms_from_fields(year, month, day, hour, minute, second, fraction) - delta;
}

// Alias tokens start after their '*'; point diagnostics at the '*' itself.
size_t alias_start(std::string_view text, size_t pos) {
  return pos > 0 && pos <= text.size() && text[pos - 1] == '*' ? pos - 1 : pos;
}

class Converter {
public:
  explicit Converter(const YamlSource& src) : m_src(src) {}

  std::optional<base::Diagnostic> error;

  Value convert(fy_node* node, int depth) {
    if (error) return {};
    if (!node) return Value::null();
    if (depth > k_max_depth) {
      fail_at(node, "YAML nesting is deeper than " + std::to_string(k_max_depth) + " levels (or an alias refers to itself)");
      return {};
    }
    if (fy_node_is_alias(node)) {
      fy_node* target = fy_node_resolve_alias(node);
      if (!target) {
        fail_at(node, "unidentified alias");
        return {};
      }
      return convert_anchored(target, depth + 1);
    }
    if (fy_node_get_anchor(node)) return convert_anchored(node, depth);
    return convert_plain(node, depth);
  }

private:
  const YamlSource& m_src;
  std::unordered_map<fy_node*, Value> m_anchored; // converted once, shared by every alias

  Value convert_anchored(fy_node* node, int depth) {
    auto it = m_anchored.find(node);
    if (it != m_anchored.end()) return it->second;
    Value v = convert_plain(node, depth);
    if (!error) m_anchored.emplace(node, v);
    return v;
  }

  void fail_at(fy_node* node, std::string message) {
    if (error) return;
    base::Diagnostic d;
    d.message = std::move(message);
    int line0 = 0, col0 = 0;
    fy_token* tok = node ? fy_node_get_scalar_token(node) : nullptr;
    if (!tok && node) tok = fy_node_get_tag_token(node);
    if (tok) {
      if (const fy_mark* m = fy_token_start_mark(tok)) line_col_of(m_src.text, alias_start(m_src.text, m->input_pos), line0, col0);
    }
    d.where = detail::file_location(m_src.path, m_src.text, m_src.file_text, m_src.line_offset, line0, col0);
    error = std::move(d);
  }

  std::string tag_of(fy_node* node) {
    size_t len = 0;
    const char* tag = fy_node_get_tag(node, &len);
    return tag ? std::string(tag, len) : std::string();
  }

  Value convert_plain(fy_node* node, int depth) {
    switch (fy_node_get_type(node)) {
    case FYNT_SCALAR: return convert_scalar(node);
    case FYNT_SEQUENCE: {
      base::Array items;
      void* iter = nullptr;
      while (fy_node* item = fy_node_sequence_iterate(node, &iter)) {
        items.push_back(convert(item, depth + 1));
        if (error) return {};
      }
      return Value(std::move(items));
    }
    case FYNT_MAPPING: return convert_mapping(node, depth);
    }
    return {};
  }

  Value convert_scalar(fy_node* node) {
    size_t len = 0;
    const char* data = fy_node_get_scalar(node, &len);
    std::string_view text(data ? data : "", data ? len : 0);
    std::string tag = tag_of(node);
    if (!tag.empty()) {
      static constexpr std::string_view k_core = "tag:yaml.org,2002:";
      if (tag == "!") return Value(text);
      if (tag.starts_with(k_core)) {
        std::string_view name = std::string_view(tag).substr(k_core.size());
        if (name == "str") return Value(text);
        Value typed = resolve_plain_scalar(text);
        bool ok = (name == "null" && typed.is_null()) || (name == "bool" && typed.is_bool()) ||
                  (name == "int" && typed.is_number() && yaml_int_syntax(text)) ||
                  (name == "float" && typed.is_number()) || (name == "timestamp" && typed.is_date());
        if (ok) return typed;
        fail_at(node, "cannot resolve a node with !<" + tag + "> explicit tag");
        return {};
      }
      fail_at(node, "unknown tag !<" + tag + ">");
      return {};
    }
    if (fy_node_get_style(node) != FYNS_PLAIN) return Value(text);
    return resolve_plain_scalar(text);
  }

  static std::string key_string(const Value& key) {
    switch (key.kind()) {
    case Value::Kind::Null: return "null";
    case Value::Kind::Undefined: return "undefined";
    default: return key.to_string();
    }
  }

  // js-yaml's mergeMappings: keys already present win, merged keys may be overridden later.
  bool merge_into(base::Object& out, std::unordered_set<std::string>& overridable, fy_node* source, int depth) {
    Value merged = convert(source, depth + 1);
    if (error) return false;
    auto merge_one = [&](const Value& v) {
      for (const auto& [k, val] : v.as_object()) {
        if (!out.contains(k)) {
          out.set(k, val);
          overridable.insert(k);
        }
      }
    };
    if (merged.is_object()) {
      merge_one(merged);
      return true;
    }
    if (merged.is_array()) {
      for (const Value& item : merged.as_array()) {
        if (!item.is_object()) {
          fail_at(source, "cannot merge mappings; the provided source object is unacceptable");
          return false;
        }
      }
      for (const Value& item : merged.as_array()) merge_one(item);
      return true;
    }
    fail_at(source, "cannot merge mappings; the provided source object is unacceptable");
    return false;
  }

  Value convert_mapping(fy_node* node, int depth) {
    base::Object out;
    std::unordered_set<std::string> overridable;
    void* iter = nullptr;
    while (fy_node_pair* pair = fy_node_mapping_iterate(node, &iter)) {
      fy_node* key_node = fy_node_pair_key(pair);
      fy_node* value_node = fy_node_pair_value(pair);
      if (key_node && fy_node_get_type(key_node) == FYNT_SCALAR && !fy_node_is_alias(key_node) &&
          fy_node_get_style(key_node) == FYNS_PLAIN && tag_of(key_node).empty()) {
        size_t len = 0;
        const char* k = fy_node_get_scalar(key_node, &len);
        if (k && std::string_view(k, len) == "<<") {
          if (!merge_into(out, overridable, value_node, depth)) return {};
          continue;
        }
      }
      Value key = convert(key_node, depth + 1);
      if (error) return {};
      std::string name = key_string(key);
      if (out.contains(name) && !overridable.contains(name)) {
        fail_at(key_node, "duplicated mapping key");
        return {};
      }
      overridable.erase(name);
      Value value = convert(value_node, depth + 1);
      if (error) return {};
      out.set(std::move(name), std::move(value));
    }
    return Value(std::move(out));
  }
};

void discard_output(fy_diag*, void*, const char*, size_t) {}

// Line of the `---` that starts the second document (for the "more than one document" error).
int second_document_line(std::string_view text) {
  int line0 = 0;
  int markers = 0;
  bool content_seen = false;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    std::string_view line = text.substr(start, end == std::string_view::npos ? text.size() - start : end - start);
    bool marker = line.starts_with("---") && (line.size() == 3 || line[3] == ' ' || line[3] == '\t');
    if (marker) {
      if (content_seen || markers > 0) return line0;
      ++markers;
    } else if (!line.empty() && line[0] != '#') {
      content_seen = true;
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
    ++line0;
  }
  return 0;
}

} // namespace

Value resolve_plain_scalar(std::string_view s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return Value::null();
  if (s == "true" || s == "True" || s == "TRUE") return Value(true);
  if (s == "false" || s == "False" || s == "FALSE") return Value(false);
  if (yaml_int_syntax(s)) return Value(yaml_int_value(s));
  if (yaml_float_syntax(s)) return Value(yaml_float_value(s));
  if (!s.empty() && is_digit(s[0])) {
    if (auto t = yaml_timestamp(s)) {
      if (!std::isnan(*t)) return Value::date(*t);
    }
  }
  return Value(std::string(s));
}

namespace {

// A plain scalar the simple parser takes as it is: what YAML would read as one plain scalar on
// one line, with no indicator, comment or trailing space that could make it anything else.
bool is_simple_plain(std::string_view v) {
  if (v.empty() || v.back() == ' ' || v.back() == ':') return false;
  if (std::string_view("-?:,[]{}#&*!|>'\"%@` ").find(v.front()) != std::string_view::npos) return false;
  if (v.find(": ") != std::string_view::npos || v.find(" #") != std::string_view::npos) return false;
  for (char c : v) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return false;  // tabs, controls
  }
  return true;
}

bool is_simple_key(std::string_view k) {
  if (k.empty() || !((k[0] >= 'A' && k[0] <= 'Z') || (k[0] >= 'a' && k[0] <= 'z') || k[0] == '_')) return false;
  for (char c : k) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return resolve_plain_scalar(k).is_string();  // not null/true/false and the like
}

} // namespace

namespace detail {

std::optional<Value> parse_simple_yaml(std::string_view text) {
  if (text.empty() || text.find_first_of("#\t\r") != std::string_view::npos) return std::nullopt;
  // characters YAML may read as line breaks or byte-order marks: left to libfyaml
  for (std::string_view special : {"\xC2\x85", "\xE2\x80\xA8", "\xE2\x80\xA9", "\xEF\xBB\xBF"}) {
    if (text.find(special) != std::string_view::npos) return std::nullopt;
  }
  base::Object out;
  std::string pending_key;  // a `key:` with nothing after it: a sequence (or null) follows
  base::Array items;
  int item_indent = -1;
  auto finish_pending = [&] {
    if (pending_key.empty()) return;
    out.set(std::move(pending_key), item_indent < 0 ? Value::null() : Value(std::move(items)));
    pending_key.clear();
    items = base::Array();
    item_indent = -1;
  };
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    size_t indent = line.find_first_not_of(' ');
    if (indent == std::string_view::npos) continue;  // blank
    std::string_view rest = line.substr(indent);
    if (rest.starts_with("- ")) {  // an item of the pending key's sequence, all at one indent
      if (pending_key.empty() || (item_indent >= 0 && static_cast<size_t>(item_indent) != indent)) return std::nullopt;
      std::string_view value = rest.substr(2);
      if (!is_simple_plain(value)) return std::nullopt;
      item_indent = static_cast<int>(indent);
      items.push_back(resolve_plain_scalar(value));
      continue;
    }
    if (indent != 0) return std::nullopt;  // continuation lines, nested mappings
    finish_pending();
    size_t colon = rest.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    std::string_view key = rest.substr(0, colon);
    if (!is_simple_key(key) || out.contains(key)) return std::nullopt;  // duplicates: libfyaml reports them
    std::string_view after = rest.substr(colon + 1);
    if (after.empty()) {
      pending_key = std::string(key);
      continue;
    }
    if (after.front() != ' ') return std::nullopt;
    std::string_view value = after.substr(1);
    if (!is_simple_plain(value)) return std::nullopt;
    out.set(std::string(key), resolve_plain_scalar(value));
  }
  finish_pending();
  if (out.size() == 0) return std::nullopt;
  return Value(std::move(out));
}

} // namespace detail

base::Result<Value> parse_yaml(const YamlSource& src) {
  if (auto simple = detail::parse_simple_yaml(src.text)) return std::move(*simple);
  return detail::parse_yaml_fully(src);
}

namespace {

// The line (0-based) of the first directive (`%…` line before the document's content) that is
// not printable ASCII, or -1. libfyaml 0.8 loops forever on such a directive (found by fuzzing:
// "%\x10\x01env]" and the like); YAML's own directives (%YAML, %TAG) are plain ASCII.
int first_unreadable_directive(std::string_view text) {
  int line0 = 0;
  for (size_t start = 0; start < text.size(); ++line0) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (line.find_first_not_of(' ') == std::string_view::npos || line.starts_with('#')) continue;
    if (!line.starts_with('%')) return -1;  // the content starts: no directives after it
    for (char c : line) {
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || static_cast<unsigned char>(c) > 0x7E) return line0;
    }
  }
  return -1;
}

} // namespace

base::Result<Value> detail::parse_yaml_fully(const YamlSource& src) {
  if (int line0 = first_unreadable_directive(src.text); line0 >= 0) {
    base::Diagnostic d;
    d.message = "invalid YAML directive (a line starting with % before the content)";
    d.where = detail::file_location(src.path, src.text, src.file_text, src.line_offset, line0, 0);
    return std::unexpected(std::move(d));
  }
  fy_diag_cfg dcfg;
  fy_diag_cfg_default(&dcfg);
  dcfg.fp = nullptr;
  dcfg.output_fn = discard_output;
  dcfg.colorize = false;
  std::unique_ptr<fy_diag, DiagDeleter> diag(fy_diag_create(&dcfg));
  if (!diag) return std::unexpected(base::error("cannot create the YAML diagnostics object", std::string(src.path)));
  fy_diag_set_collect_errors(diag.get(), true);

  fy_parse_cfg cfg{};
  // Duplicate keys are detected by the converter, which compares keys as js-yaml does (as strings).
  cfg.flags = static_cast<fy_parse_cfg_flags>(FYPCF_QUIET | FYPCF_ALLOW_DUPLICATE_KEYS);
  cfg.diag = diag.get();
  std::unique_ptr<fy_parser, ParserDeleter> parser(fy_parser_create(&cfg));
  if (!parser) return std::unexpected(base::error("cannot create the YAML parser", std::string(src.path)));
  // libfyaml reads the buffer in place; an empty view may have a null data pointer.
  static const char k_empty[] = "";
  const char* data = src.text.empty() ? k_empty : src.text.data();
  if (fy_parser_set_string(parser.get(), data, src.text.size()) != 0) {
    return std::unexpected(base::error("cannot read the YAML text", std::string(src.path)));
  }

  auto first_error = [&]() -> base::Diagnostic {
    base::Diagnostic d;
    void* iter = nullptr;
    if (fy_diag_error* e = fy_diag_errors_iterate(diag.get(), &iter)) {
      d.message = e->msg ? e->msg : "invalid YAML";
      int line0 = e->line, col0 = e->column;
      if (e->fyt) {
        if (const fy_mark* m = fy_token_start_mark(e->fyt)) line_col_of(src.text, alias_start(src.text, m->input_pos), line0, col0);
      }
      d.where = detail::file_location(src.path, src.text, src.file_text, src.line_offset, line0, col0);
    } else {
      d.message = "invalid YAML";
      d.where = detail::file_location(src.path, src.text, src.file_text, src.line_offset, 0, 0);
    }
    return d;
  };

  fy_document* doc = fy_parse_load_document(parser.get());
  if (!doc) {
    if (fy_diag_got_error(diag.get()) || fy_parser_get_stream_error(parser.get())) {
      return std::unexpected(first_error());
    }
    return Value(); // empty stream
  }
  Converter conv(src);
  Value result = conv.convert(fy_document_root(doc), 0);
  fy_parse_document_destroy(parser.get(), doc);
  if (conv.error) return std::unexpected(std::move(*conv.error));

  fy_document* extra = fy_parse_load_document(parser.get());
  if (extra) {
    fy_parse_document_destroy(parser.get(), extra);
    base::Diagnostic d;
    d.message = "expected a single document in the stream, but found more";
    d.where = detail::file_location(src.path, src.text, src.file_text, src.line_offset, second_document_line(src.text), 0);
    return std::unexpected(std::move(d));
  }
  if (fy_diag_got_error(diag.get()) || fy_parser_get_stream_error(parser.get())) {
    return std::unexpected(first_error());
  }
  return result;
}

} // namespace haven::config
