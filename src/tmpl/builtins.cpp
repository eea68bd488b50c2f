// The builtin filters, tests and globals, each with the semantics of Nunjucks 3.2
// (src/filters.js, src/tests.js, src/globals.js); deviations are listed in README.md.
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <forward_list>
#include <functional>

#include <fmt/format.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "tmpl/runtime.hpp"
#include "tmpl/util.hpp"

namespace haven::tmpl::detail {

namespace {

using base::Array;
using base::Object;
using base::Value;
using Args = std::span<const Value>;

const Value k_undefined;

// Positional argument `i`, else keyword argument `name` (filters accept both), else Undefined.
[[gnu::noinline]] const Value& kwarg(const KwArgs& kwargs, std::string_view name) {
  for (const auto& [k, v] : kwargs) {
    if (k == name) return v;
  }
  return k_undefined;
}
inline const Value& arg(Args args, const KwArgs& kwargs, size_t i, std::string_view name) {
  if (i < args.size()) return args[i];
  return kwargs.empty() ? k_undefined : kwarg(kwargs, name); // keywords are rare
}

base::Result<Value> fail(std::string message) { return std::unexpected(base::error(std::move(message))); }

// Nunjucks' normalize(): undefined, null and false become the default.
bool is_normalized_away(const Value& v) { return v.is_nullish() || (v.is_bool() && !v.as_bool()); }
std::string str_of(const Value& v) { return is_normalized_away(v) ? std::string() : to_str(v); }
Value copy_safeness(const Value& src, std::string s) { return Value(std::move(s), src.is_safe()); }

// Elements of an array, or the characters of a string (JavaScript indexing).
Array as_list(const Value& v) {
  if (v.is_array()) return v.as_array();
  if (v.is_string()) {
    Array out;
    for (auto& c : utf8_chars(v.as_string())) out.emplace_back(std::move(c));
    return out;
  }
  return {};
}

// lib.getAttrGetter: "a.b" walks nested attributes; numbers index arrays.
Value attr_get(const Value& item, const Value& attr) {
  if (attr.is_number()) return member(item, attr);
  std::string path = to_str(attr);
  Value cur = item;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    std::string_view part = std::string_view(path).substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (cur.is_nullish()) return {};
    cur = member(cur, Value(std::string(part)));
    if (dot == std::string::npos) return cur;
    start = dot + 1;
  }
}

std::string repeat(std::string_view s, double n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// ------------------------------------------------------------ JSON (dump)

void json_quote(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\b': out += "\\b"; break;
    case '\f': out += "\\f"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default:
      if (c < 0x20) {
        out += fmt::format("\\u{:04x}", c);
      } else {
        out += static_cast<char>(c);
      }
    }
  }
  out += '"';
}

bool json_skipped(const Value& v) {
  return v.is_undefined() || (v.is_native() && dynamic_cast<const Callable*>(v.native_ptr().get()));
}

void json_write(std::string& out, const Value& v, const std::string& indent, const std::string& cur, int depth);

void json_members(std::string& out, const std::vector<std::pair<std::string, Value>>& entries,
                  const std::string& indent, const std::string& cur, int depth) {
  std::string inner = cur + indent;
  bool any = false;
  out += '{';
  for (const auto& [k, v] : entries) {
    if (json_skipped(v)) continue;
    if (any) out += ',';
    any = true;
    if (!indent.empty()) out += "\n" + inner;
    json_quote(out, k);
    out += indent.empty() ? ":" : ": ";
    json_write(out, v, indent, inner, depth + 1);
  }
  if (any && !indent.empty()) out += "\n" + cur;
  out += '}';
}

void json_write(std::string& out, const Value& v, const std::string& indent, const std::string& cur, int depth) {
  if (depth > 200) { // cyclic Natives would recurse forever; JSON.stringify throws on cycles too
    out += "null";
    return;
  }
  switch (v.kind()) {
  case Value::Kind::Undefined:
  case Value::Kind::Null: out += "null"; return;
  case Value::Kind::Bool: out += v.as_bool() ? "true" : "false"; return;
  case Value::Kind::Number:
    out += std::isfinite(v.as_number()) ? js_number(v.as_number()) : "null";
    return;
  case Value::Kind::String: json_quote(out, v.as_string()); return;
  case Value::Kind::Date: json_quote(out, base::format_iso_utc(v.as_date_ms())); return;
  case Value::Kind::Array: {
    const Array& a = v.as_array();
    if (a.empty()) {
      out += "[]";
      return;
    }
    std::string inner = cur + indent;
    out += '[';
    for (size_t i = 0; i < a.size(); ++i) {
      if (i) out += ',';
      if (!indent.empty()) out += "\n" + inner;
      if (json_skipped(a[i])) {
        out += "null";
      } else {
        json_write(out, a[i], indent, inner, depth + 1);
      }
    }
    if (!indent.empty()) out += "\n" + cur;
    out += ']';
    return;
  }
  case Value::Kind::Object: {
    std::vector<std::pair<std::string, Value>> entries;
    for (auto* e : js_entries(v.as_object())) entries.emplace_back(e->first, e->second);
    json_members(out, entries, indent, cur, depth);
    return;
  }
  case Value::Kind::Native: {
    std::vector<std::pair<std::string, Value>> entries;
    for (auto& k : v.native_ptr()->keys()) entries.emplace_back(k, v.native_ptr()->get(k));
    json_members(out, entries, indent, cur, depth);
    return;
  }
  }
}

// ------------------------------------------------------------ filters

base::Result<Value> f_abs(CallContext&, const Value& in, Args, const KwArgs&) {
  return Value(std::fabs(to_number(in)));
}

base::Result<Value> f_batch(CallContext&, const Value& in, Args args, const KwArgs& kw) {
  Array items = as_list(in);
  double count = to_number(arg(args, kw, 0, "linecount"));
  const Value& fill = arg(args, kw, 1, "fill_with");
  if (!(count >= 1)) count = 1; // Nunjucks loops forever on 0; one per row is the sane reading
  size_t n = static_cast<size_t>(count);
  Array rows, row;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i % n == 0 && !row.empty()) {
      rows.emplace_back(std::move(row));
      row.clear();
    }
    row.push_back(items[i]);
  }
  if (!row.empty()) {
    if (fill.truthy()) {
      while (row.size() < n) row.push_back(fill);
    }
    rows.emplace_back(std::move(row));
  }
  return Value(std::move(rows));
}

std::string capitalize_str(std::string_view s) {
  std::string lower = to_lower(s);
  size_t i = 0;
  if (lower.empty()) return lower;
  utf8_next(lower, i);
  return to_upper(std::string_view(lower).substr(0, i)) + lower.substr(i);
}

base::Result<Value> f_capitalize(CallContext&, const Value& in, Args, const KwArgs&) {
  return copy_safeness(in, capitalize_str(str_of(in)));
}

base::Result<Value> f_center(CallContext&, const Value& in, Args args, const KwArgs& kw) {
  std::string s = str_of(in);
  double width = to_number(arg(args, kw, 0, "width"));
  if (!(width > 0) || std::isnan(width)) width = 80;
  double len = static_cast<double>(utf8_length(s));
  if (len >= width) return is_normalized_away(in) ? Value(s) : in;
  double spaces = width - len;
  std::string pre = repeat(" ", spaces / 2 - std::fmod(spaces, 2));
  std::string post = repeat(" ", spaces / 2);
  return copy_safeness(in, pre + s + post);
}

base::Result<Value> f_default(CallContext&, const Value& in, Args args, const KwArgs& kw) {
  const Value& def = arg(args, kw, 0, "value");
  if (arg(args, kw, 1, "boolean").truthy()) return in.truthy() ? in : def;
  return in.is_undefined() ? def : in;
}

base::Result<Value> f_dictsort(CallContext&, const Value& in, Args args, const KwArgs& kw) {
  std::vector<std::pair<std::string, Value>> entries;
  if (in.is_object()) {
    for (auto* e : js_entries(in.as_object())) entries.emplace_back(e->first, e->second);
  } else if (in.is_native() && !dynamic_cast<const Callable*>(in.native_ptr().get())) {
    for (auto& k : in.native_ptr()->keys()) entries.emplace_back(k, in.native_ptr()->get(k));
  } else {
    return fail("dictsort filter: val must be an object");
  }
  bool case_sensitive = arg(args, kw, 0, "case_sensitive").truthy();
  const Value& by = arg(args, kw, 1, "by");
  bool by_value = false;
  if (!by.is_undefined()) {
    if (by.is_string() && by.as_string() == "value") {
      by_value = true;
    } else if (!(by.is_string() && by.as_string() == "key")) {
      return fail("dictsort filter: You can only sort by either key or value");
    }
  }
  auto key_of = [&](const std::pair<std::string, Value>& e) {
    Value v = by_value ? e.second : Value(e.first);
    if (!case_sensitive && v.is_string()) v = Value(to_upper(v.as_string()));
    return v;
  };
  // Nunjucks' comparator: a > b ? 1 : a === b ? 0 : -1.
  std::stable_sort(entries.begin(), entries.end(), [&](const auto& x, const auto& y) {
    Value a = key_of(x), b = key_of(y);
    return !js_less(b, a) && !js_strict_equal(a, b);
  });
  Array out;
  for (auto& [k, v] : entries) out.push_back(Value(Array{Value(k), v}));
  return Value(std::move(out));
}

base::Result<Value> f_dump(CallContext&, const Value& in, Args args, const KwArgs& kw) {
  if (json_skipped(in)) return Value();
  const Value& spaces = arg(args, kw, 0, "spaces");
  std::string indent;
  if (spaces.is_number()) {
    indent = std::string(static_cast<size_t>(std::clamp(spaces.as_number(), 0.0, 10.0)), ' ');
  } else if (spaces.is_string()) {
    indent = std::string(utf8_substr(spaces.as_string(), 0, 10));
  }
  std::string out;
  json_write(out, in, indent, "", 0);
  return Value(std::move(out));
}

base::Result<Value> f_escape(CallContext&, const Value& in, Args, const KwArgs&) {
  if (in.is_safe()) return in;
  return Value::safe(escape_html(in.is_nullish() ? std::string() : to_str(in)));
}

base::Result<Value> f_forceescape(CallContext&, const Value& in, Args, const KwArgs&) {
  return Value::safe(escape_html(in.is_nullish() ? std::string() : to_str(in)));
}

base::Result<Value> f_safe(CallContext&, const Value& in, Args, const KwArgs&) {
  if (in.is_safe()) return in;
  return Value::safe(in.is_nullish() ? std::string() : to_str(in));
}

base::Result<Value> f_first(CallContext&, const Value& in, Args, const KwArgs&) {
  return member(in, Value(0));
}

base::Result<Value> f_last(CallContext&, const Value& in, Args, const KwArgs&) {
  if (in.is_array()) return in.as_array().empty() ? Value() : in.as_array().back();
  if (in.is_string()) {
    size_t n = utf8_length(in.as_string());
    return n == 0 ? Value() : Value(std::string(utf8_substr(in.as_string(), n - 1, n)));
  }
  return Value();
}

base::Result<Value> f_float(CallContext&, const Value& in, Args args, const KwArgs& kw) {
  double d = in.is_number() ? in.as_number() : js_parse_float(to_js_string(in));
  return std::isnan(d) ? arg(args, kw, 0, "default") : Value(d);
}

base::Result<Value> f_int(CallContext&, const Value& in, Args args, const KwArgs& kw) {
  const Value& base_arg = arg(args, kw, 1, "base");
  int radix = base_arg.is_undefined() ? 10 : static_cast<int>(to_number(base_arg));
  std::string s = in.is_number() ? js_number(in.as_number()) : to_js_string(in);
  double d = js_parse_int(s, radix);
  return std::isnan(d) ? arg(args, kw, 0, "default") : Value(d);
}

base::Result<Value> f_groupby(CallContext&, const Value& in, Args args, const KwArgs& kw) {
  const Value& attr = arg(args, kw, 0, "attribute");
  Object groups;
  std::vector<std::pair<std::string, Array>> order;
  for (const auto& item : as_list(in)) {
    std::string key = to_js_string(attr_get(item, attr));
    auto it = std::find_if(order.begin(), order.end(), [&](const auto& g) { return g.first == key; });
    if (it == order.end()) {
      order.emplace_back(key, Array{});
      it = order.end() - 1;
    }
    it->second.push_back(item);
  }
  for (auto& [k, v] : order) groups.set(k, Value(std::move(v)));
  return Value(std::move(groups));
}

base::Result<Value> f_indent(CallContext&, const Value& in, Args args, const KwArgs& kw) {
  std::string s = str_of(in);
  if (s.empty()) return Value(std::string());
  double width = to_number(arg(args, kw, 0, "width"));
  if (!(width > 0)) width = 4;
  bool first = arg(args, kw, 1, "indentfirst").truthy() || arg(args, kw, 1, "first").truthy();
  std::string sp = repeat(" ", width);
  std::string out;
  size_t start = 0, line = 0;
  while (true) {
    size_t nl = s.find('\n', start);
    std::string_view l = std::string_view(s).substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    if (line > 0) out += '\n';
    if (line > 0 || first) out += sp;
    out += l;
    ++line;
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return copy_safeness(in, std::move(out));
}

base::Result<Value> f_join(CallContext&, const Value& in, Args args, const KwArgs& kw) {
  const Value& del = arg(args, kw, 0, "d");
  const Value& attr = arg(args, kw, 1, "attribute");
  std::string sep = del.truthy() ? to_str(del) : std::string();
  std::string out;
  const Array items = as_list(in);
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += to_str(attr.truthy() ? member(items[i], attr) : items[i]);
  }
  return Value(std::move(out));
}

base::Result<Value> f_length(CallContext&, const Value& in, Args, const KwArgs&) {
  if (is_normalized_away(in)) return Value(0);
  switch (in.kind()) {
  case Value::Kind::String: return Value(static_cast<double>(utf8_length(in.as_string())));
  case Value::Kind::Array: return Value(static_cast<double>(in.as_array().size()));
  case Value::Kind::Object: return Value(static_cast<double>(in.as_object().size()));
  case Value::Kind::Native: return Value(static_cast<double>(in.native_ptr()->keys().size()));
  default: return Value();
  }
}

base::Result<Value> f_list(CallContext&, const Value& in, Args, const KwArgs&) {
  if (in.is_string()) return Value(as_list(in));
  if (in.is_array()) return in;
  if (in.is_object()) {
    Array out;
    for (auto* e : js_entries(in.as_object())) {
      Object pair;
      pair.set("key", Value(e->first));
      pair.set("value", e->second);
      out.emplace_back(std::move(pair));
    }
    return Value(std::move(out));
  }
  return fail("list filter: type not iterable");
}

base::Result<Value> f_lower(CallContext&, const Value& in, Args, const KwArgs&) {
  std::string out;
  append_lower(out, in.is_string() ? std::string_view(in.as_string()) : std::string_view(str_of(in)));
  return Value(std::move(out));
}
base::Result<Value> f_upper(CallContext&, const Value& in, Args, const KwArgs&) {
  std::string out;
  append_upper(out, in.is_string() ? std::string_view(in.as_string()) : std::string_view(str_of(in)));
  return Value(std::move(out));
}

base::Result<Value> f_nl2br(CallContext&, const Value& in, Args, const KwArgs&) {
  if (in.is_nullish()) return Value(std::string());
  std::string s = to_str(in), out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') {
      out += "<br />\n";
      ++i;
    } else if (s[i] == '\n') {
      out += "<br />\n";
    } else {
      out += s[i];
    }
  }
  return copy_safeness(in, std::move(out));
}

// Deterministic (see README): the element picked depends only on the input.
base::Result<Value> f_random(CallContext&, const Value& in, Args, const KwArgs&) {
  Array items = as_list(in);
  if (items.empty()) return Value();
  std::string joined;
  for (const auto& v : items) joined += to_str(v) + '\x1f';
  return items[std::hash<std::string>{}(joined) % items.size()];
}

base::Result<Value> select_impl(CallContext& cc, const Value& in, Args args, bool expected) {
  std::string test_name = args.empty() || args[0].is_undefined() ? "truthy" : to_str(args[0]);
  const auto& tests = cc.exec().impl.tests;
  auto it = tests.find(test_name);
  if (it == tests.end()) return fail(fmt::format("unknown test '{}'", test_name));
  Array out;
  std::vector<Value> test_args;
  if (args.size() > 1) test_args.push_back(args[1]);
  for (const auto& item : as_list(in)) {
    if (it->second(item, test_args) == expected) out.push_back(item);
  }
  return Value(std::move(out));
}

base::Result<Value> selectattr_impl(CallContext& cc, const Value& in, Args args, bool expected) {
  if (args.empty()) return fail("an attribute name is required");
  Array out;
  if (args.size() >= 2) { // Jinja2's selectattr(attr, test, arg); Nunjucks ignores the test
    const auto& tests = cc.exec().impl.tests;
    auto it = tests.find(to_str(args[1]));
    if (it == tests.end()) return fail(fmt::format("unknown test '{}'", to_str(args[1])));
    std::vector<Value> test_args(args.begin() + 2, args.end());
    for (const auto& item : as_list(in)) {
      if (it->second(attr_get(item, args[0]), test_args) == expected) out.push_back(item);
    }
  } else {
    for (const auto& item : as_list(in)) {
      if (member(item, args[0]).truthy() == expected) out.push_back(item);
    }
  }
  return Value(std::move(out));
}

// Replaces `needle` (non-empty) in `s` by `rep`, at most `max_count` times (-1: all), appending
// to `out`; Nunjucks' loop, so a NaN or other negative count replaces nothing.
void replace_into(std::string_view s, std::string_view needle, std::string_view rep, double max_count, std::string& out) {
  // A one-byte needle (`replace('-', '/')`) is searched as a byte: cheaper than a substring.
  auto find = [&](size_t from) { return needle.size() == 1 ? s.find(needle[0], from) : s.find(needle, from); };
  size_t next = find(0);
  size_t pos = 0;
  double count = 0;
  while (next != std::string_view::npos && (max_count == -1 || count < max_count)) {
    out.append(s.data() + pos, next - pos);
    out.append(rep);
    pos = next + needle.size();
    ++count;
    next = find(pos);
  }
  if (pos < s.size()) out.append(s.data() + pos, s.size() - pos);
}

base::Result<Value> f_replace(CallContext&, const Value& in, Args args, const KwArgs& kw) {
  const Value& old = arg(args, kw, 0, "old");
  const Value& with = arg(args, kw, 1, "new");
  const Value& max_arg = arg(args, kw, 2, "count");
  if (old.is_native()) {
    if (auto* re = dynamic_cast<const RegexValue*>(old.as_native())) {
      std::string s = to_str(in);
      auto flags = re->global() ? std::regex_constants::format_default : std::regex_constants::format_first_only;
      return Value(std::regex_replace(s, re->regex(), to_js_string(with), flags));
    }
  }
  double max_count = max_arg.is_undefined() ? -1 : to_number(max_arg);
  std::string needle;
  if (old.is_number()) {
    needle = js_number(old.as_number());
  } else if (old.is_string()) {
    needle = old.as_string();
  } else {
    return in;
  }
  if (!in.is_string() && !in.is_number()) return in;
  std::string s = to_str(in);
  std::string rep = to_js_string(with);
  if (needle.empty()) {
    std::string out = rep;
    auto chars = utf8_chars(s);
    for (size_t i = 0; i < chars.size(); ++i) {
      if (i) out += rep;
      out += chars[i];
    }
    out += rep;
    return copy_safeness(in, std::move(out));
  }
  if (max_count == 0 || s.find(needle) == std::string::npos) return in.is_number() ? Value(s) : in;
  std::string out;
  replace_into(s, needle, rep, max_count, out);
  return copy_safeness(in, std::move(out));
}

base::Result<Value> f_reverse(CallContext&, const Value& in, Args, const KwArgs&) {
  if (in.is_string()) {
    auto chars = utf8_chars(in.as_string());
    std::string out;
    for (auto it = chars.rbegin(); it != chars.rend(); ++it) out += *it;
    return copy_safeness(in, std::move(out));
  }
  Array items = as_list(in);
  std::reverse(items.begin(), items.end());
  return Value(std::move(items));
}

base::Result<Value> f_round(CallContext&, const Value& in, Args args, const KwArgs& kw) {
  double precision = to_number(arg(args, kw, 0, "precision"));
  if (!(precision == precision) || precision == 0) precision = 0;
  const Value& method = arg(args, kw, 1, "method");
  double factor = std::pow(10, precision);
  double x = to_number(in) * factor;
  double r;
  if (method.is_string() && method.as_string() == "ceil") {
    r = std::ceil(x);
  } else if (method.is_string() && method.as_string() == "floor") {
    r = std::floor(x);
  } else {
    r = std::floor(x); // Math.round: halves go up (towards +Infinity)
    if (x - r >= 0.5) r += 1;
  }
  return Value(r / factor);
}

base::Result<Value> f_slice(CallContext&, const Value& in, Args args, const KwArgs& kw) {
  Array items = as_list(in);
  double slices = to_number(arg(args, kw, 0, "slices"));
  const Value& fill = arg(args, kw, 1, "fill_with");
  if (!(slices >= 1)) return Value(Array{});
  size_t n = static_cast<size_t>(slices);
  size_t slice_len = items.size() / n;
  size_t extra = items.size() % n;
  size_t offset = 0;
  Array out;
  for (size_t i = 0; i < n; ++i) {
    size_t start = offset + i * slice_len;
    if (i < extra) ++offset;
    size_t end = offset + (i + 1) * slice_len;
    Array cur(items.begin() + static_cast<long>(std::min(start, items.size())),
              items.begin() + static_cast<long>(std::min(end, items.size())));
    if (fill.truthy() && i >= extra) cur.push_back(fill);
    out.emplace_back(std::move(cur));
  }
  return Value(std::move(out));
}

// The order in which Nunjucks' sort (stable) puts `items`: order[k] is the index of the k-th.
bool sort_order(const Array& items, Args args, const KwArgs& kw, std::span<uint32_t> order) {
  if (items.size() <= 1) { // nothing to order: the arguments do not matter
    if (!items.empty()) order[0] = 0;
    return true;
  }
  bool plain_args = args.empty() && kw.empty(); // `| sort`: the usual case, no lookups
  bool reversed = !plain_args && arg(args, kw, 0, "reverse").truthy();
  bool case_sensitive = !plain_args && arg(args, kw, 1, "case_sensitive").truthy();
  const Value& attr = plain_args ? k_undefined : arg(args, kw, 2, "attribute");
  bool by_attr = !plain_args && attr.truthy();
  size_t n = items.size();
  for (size_t i = 0; i < n; ++i) order[i] = static_cast<uint32_t>(i);
  if (n <= 1) return true;
  if (!by_attr && !case_sensitive && n <= 16) {
    // Short lists of ASCII strings (tags): compared case-insensitively in place, without
    // lowercased copies. Same order as the general path below.
    const Value* keys[16]; // the first n are set below (no zeroing: this runs per loop)
    bool plain = true;
    for (size_t i = 0; i < n && plain; ++i) {
      plain = items[i].is_string() && is_ascii(items[i].as_string());
      keys[i] = &items[i];
    }
    if (plain) {
      auto fold = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
      auto ci_less = [&](std::string_view a, std::string_view b) {
        size_t m = std::min(a.size(), b.size());
        for (size_t i = 0; i < m; ++i) {
          char x = fold(a[i]), y = fold(b[i]);
          if (x != y) return x < y; // ASCII: signedness does not matter
        }
        return a.size() < b.size();
      };
      for (size_t i = 1; i < n; ++i) { // insertion sort: stable
        uint32_t cur = order[i];
        size_t j = i;
        auto key = [&](uint32_t k) { return keys[k]->as_string(); };
        for (; j > 0 && (reversed ? ci_less(key(order[j - 1]), key(cur)) : ci_less(key(cur), key(order[j - 1]))); --j) {
          order[j] = order[j - 1];
        }
        order[j] = cur;
      }
      return true;
    }
  }
  // Keys computed once: the attribute, and lowercased strings when case-insensitive.
  std::vector<Value> attr_keys;
  if (by_attr) {
    attr_keys.reserve(n);
    for (const auto& v : items) attr_keys.push_back(attr_get(v, attr));
  }
  auto key = [&](size_t i) -> const Value& { return by_attr ? attr_keys[i] : items[i]; };
  SmallVec<std::string_view> folded(n);
  std::forward_list<std::string> folded_storage; // lowercased copies of the keys that change
  if (!case_sensitive) {
    for (size_t i = 0; i < n; ++i) {
      const Value& k = key(i);
      if (!k.is_string()) continue;
      std::string_view s = k.as_string();
      bool unchanged = is_ascii(s) && std::none_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
      folded[i] = unchanged ? std::string_view(s) : std::string_view(folded_storage.emplace_front(to_lower(s)));
    }
  }
  auto less = [&](uint32_t a, uint32_t b) {
    const Value& x = key(a);
    const Value& y = key(b);
    if (!case_sensitive && x.is_string() && y.is_string()) return reversed ? folded[b] < folded[a] : folded[a] < folded[b];
    return reversed ? js_less(y, x) : js_less(x, y);
  };
  if (n <= 16) { // insertion sort: stable, and no buffer to allocate for the usual short lists
    for (size_t i = 1; i < n; ++i) {
      uint32_t cur = order[i];
      size_t j = i;
      for (; j > 0 && less(cur, order[j - 1]); --j) order[j] = order[j - 1];
      order[j] = cur;
    }
  } else {
    std::stable_sort(order.begin(), order.end(), less);
  }
  return true;
}

base::Result<Value> f_sort(CallContext&, const Value& in, Args args, const KwArgs& kw) {
  Array chars;
  if (!in.is_array()) chars = as_list(in);
  const Array& items = in.is_array() ? in.as_array() : chars;
  SmallVec<uint32_t> order(items.size());
  sort_order(items, args, kw, order.span());
  Array out;
  out.reserve(items.size());
  for (uint32_t i : order.span()) out.push_back(items[i]);
  return Value(std::move(out));
}

base::Result<Value> f_string(CallContext&, const Value& in, Args, const KwArgs&) {
  return copy_safeness(in, to_str(in));
}

// Calls `text(piece)` for each piece of `s` outside `<tag ...>`, `</tag>` and `<!-- -->`, which
// are removed as Nunjucks' regex does; stops early when `text` returns false.
template <class Fn>
void for_each_untagged(std::string_view s, Fn&& text) {
  auto is_alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  auto is_alnum = [&](char c) { return is_alpha(c) || (c >= '0' && c <= '9'); };
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '<') {
      if (s.substr(i, 4) == "<!--") {
        size_t end = s.find("-->", i + 4);
        if (end != std::string_view::npos) {
          i = end + 3;
          continue;
        }
      }
      size_t j = i + 1;
      if (j < s.size() && s[j] == '/') ++j;
      if (j < s.size() && is_alpha(s[j])) {
        while (j < s.size() && is_alnum(s[j])) ++j;
        if (j >= s.size() || s[j] != '_') {
          size_t close = s.find('>', j);
          if (close != std::string_view::npos) {
            i = close + 1;
            continue;
          }
        }
      }
    }
    size_t next = s.find('<', i + 1);
    if (next == std::string_view::npos) next = s.size();
    if constexpr (std::is_same_v<decltype(text(s)), bool>) {
      if (!text(s.substr(i, next - i))) return;
    } else {
      text(s.substr(i, next - i));
    }
    i = next;
  }
}

std::string strip_tags(std::string_view s) {
  std::string out;
  for_each_untagged(s, [&](std::string_view piece) { out.append(piece); });
  return out;
}

bool is_ascii_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// Length of the run at p[i] (ASCII, not whitespace) that strip_collapse copies as it is: ASCII
// text whose only whitespace is single spaces followed by more such text. Once the run is known
// to reach `max_len` bytes it may end there (a prefix of the run; at least `max_len` bytes).
size_t plain_run(std::string_view p, size_t i, size_t max_len = SIZE_MAX) {
  const size_t n = p.size();
  size_t j = i;
#if defined(__SSE2__)
  const __m128i space = _mm_set1_epi8(' ');
  const __m128i below_tab = _mm_set1_epi8('\t' - 1);
  const __m128i above_cr = _mm_set1_epi8('\r' + 1);
  while (j + 16 <= n) {
    if (j - i >= max_len) return j - i;
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p.data() + j));
    // Non-ASCII bytes are negative as signed, so the \t..\r range test skips them.
    __m128i control = _mm_and_si128(_mm_cmpgt_epi8(v, below_tab), _mm_cmplt_epi8(v, above_cr));
    unsigned special = static_cast<unsigned>(_mm_movemask_epi8(v) | _mm_movemask_epi8(control));
    unsigned spaces = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, space)));
    // A space ends the run when the next byte is a space or special (or in the next block).
    unsigned stop = special | (spaces & (((spaces | special) >> 1) | 0x8000u));
    if (stop) return j + static_cast<size_t>(std::countr_zero(stop)) - i;
    j += 16;
  }
  if (j < n && n >= 16) { // the rest: the last sixteen bytes, lanes before j masked off
    size_t base = n - 16;
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p.data() + base));
    __m128i control = _mm_and_si128(_mm_cmpgt_epi8(v, below_tab), _mm_cmplt_epi8(v, above_cr));
    unsigned special = static_cast<unsigned>(_mm_movemask_epi8(v) | _mm_movemask_epi8(control));
    unsigned spaces = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, space)));
    // A space in the last lane ends the input, so it ends the run.
    unsigned stop = (special | (spaces & (((spaces | special) >> 1) | 0x8000u))) & (0xFFFFu << (j - base));
    return (stop ? base + static_cast<size_t>(std::countr_zero(stop)) : n) - i;
  }
#endif
  while (j < n) {
    auto c = static_cast<unsigned char>(p[j]);
    if (c >= 0x80 || (c >= '\t' && c <= '\r')) break;
    if (c == ' ') {
      if (j + 1 >= n) break;
      auto d = static_cast<unsigned char>(p[j + 1]);
      if (d >= 0x80 || is_ascii_space(d)) break;
    }
    ++j;
  }
  return j - i;
}

// striptags without preserve_linebreaks in one pass: tags removed, then JavaScript whitespace
// trimmed and every run of it collapsed into one space. Appends to `out`. With `max_cps`, it may
// stop once it has appended at least that many code points: what it appended is then a prefix
// of the whole result (a space is only written before the text that follows it).
void strip_collapse(std::string_view s, std::string& out, size_t max_cps = SIZE_MAX) {
  size_t base = out.size();
  bool pending = false; // whitespace since the last character kept
  size_t check_at = max_cps; // appended bytes from which the code points are counted
  bool ascii = true;         // all appended so far is ASCII (code points are bytes)
  for_each_untagged(s, [&](std::string_view p) {
    size_t i = 0;
    while (i < p.size()) {
      auto c = static_cast<unsigned char>(p[i]);
      size_t end = i;
      if (c < 0x80) {
        if (is_ascii_space(c)) {
          pending = true;
          ++i;
          continue;
        }
        size_t have = out.size() - base;
        end = i + plain_run(p, i, check_at > have ? check_at - have : 1);
      } else if (is_js_space(utf8_next(p, end))) {
        pending = true;
        i = end;
        continue;
      } else {
        ascii = false;
      }
      if (pending && out.size() > base) out += ' ';
      pending = false;
      out.append(p.data() + i, end - i);
      i = end;
      if (out.size() - base >= check_at) [[unlikely]] {
        size_t cps = ascii ? out.size() - base : utf8_length(std::string_view(out).substr(base));
        if (cps >= max_cps) return false;
        check_at = out.size() - base + (max_cps - cps);
      }
    }
    return true;
  });
}

base::Result<Value> f_striptags(CallContext&, const Value& in, Args args, const KwArgs& kw) {
  std::string s = str_of(in);
  if (!arg(args, kw, 0, "preserve_linebreaks").truthy()) {
    std::string out;
    out.reserve(s.size());
    strip_collapse(s, out);
    return copy_safeness(in, std::move(out));
  }
  std::string stripped(js_trim(strip_tags(s)));
  // Per line: trim spaces; squash runs of spaces; CRLF → LF; at most one blank line.
  std::string lines;
  size_t start = 0;
  while (true) {
    size_t nl = stripped.find('\n', start);
    std::string_view l = std::string_view(stripped).substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    while (!l.empty() && l.front() == ' ') l.remove_prefix(1);
    while (!l.empty() && l.back() == ' ') l.remove_suffix(1);
    lines += l;
    if (nl == std::string::npos) break;
    lines += '\n';
    start = nl + 1;
  }
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] == ' ' && !out.empty() && out.back() == ' ') continue;
    if (lines[i] == '\r' && i + 1 < lines.size() && lines[i + 1] == '\n') continue;
    out += lines[i];
  }
  std::string squashed;
  size_t run = 0;
  for (char c : out) {
    run = c == '\n' ? run + 1 : 0;
    if (run <= 2) squashed += c;
  }
  return copy_safeness(in, std::move(squashed));
}

base::Result<Value> f_sum(CallContext&, const Value& in, Args args, const KwArgs& kw) {
  const Value& attr = arg(args, kw, 0, "attribute");
  const Value& start = arg(args, kw, 1, "start");
  Value total(0);
  for (const auto& v : as_list(in)) total = js_add(total, attr.truthy() ? member(v, attr) : v);
  return js_add(start.is_undefined() ? Value(0) : start, total);
}

base::Result<Value> f_title(CallContext&, const Value& in, Args, const KwArgs&) {
  std::string s = str_of(in), out;
  size_t start = 0;
  while (true) {
    size_t sp = s.find(' ', start);
    out += capitalize_str(std::string_view(s).substr(start, sp == std::string::npos ? std::string::npos : sp - start));
    if (sp == std::string::npos) break;
    out += ' ';
    start = sp + 1;
  }
  return copy_safeness(in, std::move(out));
}

base::Result<Value> f_trim(CallContext&, const Value& in, Args, const KwArgs&) {
  return copy_safeness(in, std::string(js_trim(in.is_nullish() ? std::string() : to_str(in))));
}

// Nunjucks' truncate of string `s`, appended to `out`; false (nothing appended) when `s` is
// short enough to stay as it is.
bool truncate_into(std::string_view s, Args args, const KwArgs& kw, std::string& out) {
  const Value& length_arg = arg(args, kw, 0, "length");
  double length = length_arg.is_number() ? length_arg.as_number() : to_number(length_arg);
  if (!(length > 0)) length = 255;
  bool plain = args.size() <= 1 && kw.empty(); // `truncate(n)`: no killwords, the default end
  bool killwords = !plain && arg(args, kw, 1, "killwords").truthy();
  const Value& end = plain ? k_undefined : arg(args, kw, 2, "end");
  size_t byte_limit;
  if (length < static_cast<double>(s.size()) && is_ascii(s.substr(0, static_cast<size_t>(length) + 1))) {
    byte_limit = static_cast<size_t>(length); // an ASCII prefix longer than `length`: no full count
  } else {
    size_t len = utf8_length(s);
    if (static_cast<double>(len) <= length) return false;
    size_t limit = static_cast<size_t>(length);
    byte_limit = len == s.size() ? limit : utf8_offset(s, limit); // ASCII: code points are bytes
  }
  size_t cut = byte_limit;
  if (!killwords) {
    // lastIndexOf(' ', length): the last space at a code point index <= length.
    size_t at = s.rfind(' ', byte_limit);
    if (at != std::string_view::npos) cut = at;
  }
  out.append(s.data(), cut);
  if (end.is_nullish()) {
    out.append("...", 3);
  } else if (end.is_string()) {
    out += end.as_string();
  } else {
    out += to_str(end);
  }
  return true;
}

base::Result<Value> f_truncate(CallContext&, const Value& in, Args args, const KwArgs& kw) {
  std::string s = str_of(in);
  std::string out;
  if (!truncate_into(s, args, kw, out)) return is_normalized_away(in) ? Value(s) : in;
  return copy_safeness(in, std::move(out));
}

base::Result<Value> f_urlencode(CallContext&, const Value& in, Args, const KwArgs&) {
  if (in.is_string()) return Value(encode_uri_component(in.as_string()));
  std::string out;
  auto add = [&](const Value& k, const Value& v) {
    if (!out.empty()) out += '&';
    out += encode_uri_component(to_js_string(k)) + "=" + encode_uri_component(to_js_string(v));
  };
  if (in.is_array()) {
    for (const auto& pair : in.as_array()) add(member(pair, Value(0)), member(pair, Value(1)));
  } else if (in.is_object()) {
    for (auto* e : js_entries(in.as_object())) add(Value(e->first), e->second);
  }
  return Value(std::move(out));
}

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool looks_like_email(std::string_view s) {
  size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0) return false;
  static constexpr std::string_view k_local_extra = ".!#$%&'*+-/=?^`{|}~";
  for (char c : s.substr(0, at)) {
    if (!is_word_char(c) && k_local_extra.find(c) == std::string_view::npos) return false;
  }
  std::string_view domain = s.substr(at + 1);
  size_t dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0) return false;
  auto label_ok = [](std::string_view l) {
    if (l.empty()) return false;
    return std::all_of(l.begin(), l.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    });
  };
  size_t start = 0;
  while (true) {
    size_t d = domain.find('.', start);
    if (!label_ok(domain.substr(start, d == std::string_view::npos ? std::string_view::npos : d - start))) return false;
    if (d == std::string_view::npos) return true;
    start = d + 1;
  }
}

bool has_common_tld(std::string_view s) {
  for (std::string_view tld : {".org", ".net", ".com"}) {
    size_t pos = 0;
    while ((pos = s.find(tld, pos)) != std::string_view::npos) {
      size_t after = pos + tld.size();
      if (after == s.size() || s[after] == ':' || s[after] == '/') return true;
      ++pos;
    }
  }
  return false;
}

base::Result<Value> f_urlize(CallContext&, const Value& in, Args args, const KwArgs& kw) {
  std::string s = to_str(in);
  const Value& length_arg = arg(args, kw, 0, "length");
  bool nofollow = arg(args, kw, 1, "nofollow").is_bool() && arg(args, kw, 1, "nofollow").as_bool();
  std::string rel = nofollow ? " rel=\"nofollow\"" : "";
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    size_t probe = i;
    bool space = is_js_space(utf8_next(s, probe));
    while (i < s.size()) {
      size_t next = i;
      if (is_js_space(utf8_next(s, next)) != space) break;
      i = next;
    }
    std::string_view word = std::string_view(s).substr(start, i - start);
    if (space) {
      out += word;
      continue;
    }
    std::string_view url = word;
    for (std::string_view lead : {"(", "<", "&lt;"}) {
      if (url.starts_with(lead)) {
        url.remove_prefix(lead.size());
        break;
      }
    }
    for (std::string_view trail : {".", ",", ")", "&gt;"}) {
      if (url.ends_with(trail)) {
        url.remove_suffix(trail.size());
        break;
      }
    }
    std::string shown(url);
    if (length_arg.is_number() && length_arg.as_number() >= 0) {
      shown = std::string(utf8_substr(url, 0, static_cast<size_t>(length_arg.as_number())));
    }
    if (url.starts_with("http://") || url.starts_with("https://")) {
      out += fmt::format("<a href=\"{}\"{}>{}</a>", url, rel, shown);
    } else if (url.starts_with("www.")) {
      out += fmt::format("<a href=\"http://{}\"{}>{}</a>", url, rel, shown);
    } else if (looks_like_email(url)) {
      out += fmt::format("<a href=\"mailto:{}\">{}</a>", url, url);
    } else if (has_common_tld(url)) {
      out += fmt::format("<a href=\"http://{}\"{}>{}</a>", url, rel, shown);
    } else {
      out += word;
    }
  }
  return Value(std::move(out));
}

base::Result<Value> f_wordcount(CallContext&, const Value& in, Args, const KwArgs&) {
  std::string s = str_of(in);
  double words = 0;
  bool in_word = false;
  for (char c : s) {
    bool w = is_word_char(c);
    if (w && !in_word) ++words;
    in_word = w;
  }
  return words == 0 ? Value::null() : Value(words);
}

// ------------------------------------------------------------ tests

bool t_callable(const Value& v, Args) { return v.is_native() && dynamic_cast<const Callable*>(v.native_ptr().get()); }
bool t_defined(const Value& v, Args) { return !v.is_undefined(); }
bool t_undefined(const Value& v, Args) { return v.is_undefined(); }
bool t_divisibleby(const Value& v, Args a) { return std::fmod(to_number(v), to_number(a.empty() ? Value() : a[0])) == 0; }
bool t_escaped(const Value& v, Args) { return v.is_safe(); }
bool t_equalto(const Value& v, Args a) { return js_strict_equal(v, a.empty() ? Value() : a[0]); }
bool t_ne(const Value& v, Args a) { return !js_strict_equal(v, a.empty() ? Value() : a[0]); }
bool t_even(const Value& v, Args) { return std::fmod(to_number(v), 2) == 0; }
bool t_odd(const Value& v, Args) { return std::fmod(to_number(v), 2) == 1; }
bool t_truthy(const Value& v, Args) { return v.truthy(); }
bool t_falsy(const Value& v, Args) { return !v.truthy(); }
bool t_ge(const Value& v, Args a) { return js_less_equal(a.empty() ? Value() : a[0], v); }
bool t_gt(const Value& v, Args a) { return js_less(a.empty() ? Value() : a[0], v); }
bool t_le(const Value& v, Args a) { return js_less_equal(v, a.empty() ? Value() : a[0]); }
bool t_lt(const Value& v, Args a) { return js_less(v, a.empty() ? Value() : a[0]); }
bool t_lower(const Value& v, Args) { return v.is_string() && to_lower(v.as_string()) == v.as_string(); }
bool t_upper(const Value& v, Args) { return v.is_string() && to_upper(v.as_string()) == v.as_string(); }
bool t_null(const Value& v, Args) { return v.is_null(); }
bool t_number(const Value& v, Args) { return v.is_number(); }
bool t_string(const Value& v, Args) { return v.is_string(); }
bool t_iterable(const Value& v, Args) { return v.is_array() || v.is_string(); }
bool t_mapping(const Value& v, Args) { return v.is_object() || (v.is_native() && !t_callable(v, {})); }

// ------------------------------------------------------------ globals

class Cycler : public base::Native, public std::enable_shared_from_this<Cycler> {
public:
  explicit Cycler(Array items) : m_items(std::move(items)) {}
  Value get(std::string_view key) const override {
    if (key == "current") return m_current;
    auto self = shared_from_this();
    if (key == "next") {
      return make_function("next", [self](CallContext&, Args, const KwArgs&) -> base::Result<Value> {
        if (self->m_items.empty()) return Value();
        self->m_index = (self->m_index + 1) % self->m_items.size();
        self->m_current = self->m_items[self->m_index];
        return self->m_current;
      });
    }
    if (key == "reset") {
      return make_function("reset", [self](CallContext&, Args, const KwArgs&) -> base::Result<Value> {
        self->m_index = static_cast<size_t>(-1);
        self->m_current = Value::null();
        return Value();
      });
    }
    return {};
  }
  std::vector<std::string> keys() const override { return {"current"}; }

private:
  Array m_items;
  mutable size_t m_index = static_cast<size_t>(-1);
  mutable Value m_current = Value::null();
};

class Joiner : public Callable {
public:
  explicit Joiner(std::string sep) : m_sep(std::move(sep)) {}
  base::Result<Value> call(CallContext&, Args, const KwArgs&) const override {
    Value v(m_first ? std::string() : m_sep);
    m_first = false;
    return v;
  }

private:
  std::string m_sep;
  mutable bool m_first = true;
};

base::Result<Value> g_range(CallContext&, Args args, const KwArgs&) {
  double start = 0, stop = 0, step = 0;
  if (auto error = range_bounds(args, start, stop, step)) return fail(std::move(*error));
  Array out;
  double count = step == 0 || std::isnan(step) ? 0 : std::ceil((stop - start) / step);
  if (count > 0) out.reserve(static_cast<size_t>(count));
  if (step > 0) {
    for (double i = start; i < stop; i += step) out.emplace_back(i);
  } else if (step < 0) {
    for (double i = start; i > stop; i += step) out.emplace_back(i);
  }
  return Value(std::move(out));
}

// ------------------------------------------------------------ string fast paths (StrOp)
// Each gives the bytes and `safe` mark of its filter above for a string input.

bool s_striptags(const StrView& in, Args args, const KwArgs& kw, std::string& buf, StrView& out) {
  if (arg(args, kw, 0, "preserve_linebreaks").truthy()) return false;
  strip_collapse(in.s, buf);
  out = StrView{buf, in.safe};
  return true;
}

bool s_truncate(const StrView& in, Args args, const KwArgs& kw, std::string& buf, StrView& out) {
  out = truncate_into(in.s, args, kw, buf) ? StrView{buf, in.safe} : in;
  return true;
}

bool s_replace(const StrView& in, Args args, const KwArgs& kw, std::string& buf, StrView& out) {
  const Value& old = arg(args, kw, 0, "old");
  const Value& with = arg(args, kw, 1, "new");
  const Value& max_arg = arg(args, kw, 2, "count");
  if (!old.is_string() || old.as_string().empty()) return false;
  std::string_view from = old.as_string();
  if (from.size() == 1 && max_arg.is_undefined() && with.is_string() && with.as_string().size() == 1) {
    // `replace('-', '/')`: every byte mapped in one pass (no hit: the same bytes).
    char c = from[0], r = with.as_string()[0];
    resize_and_overwrite(buf, in.s.size(), [&](char* d, size_t n) {
      for (size_t i = 0; i < n; ++i) d[i] = in.s[i] == c ? r : in.s[i];
      return n;
    });
    out = StrView{buf, in.safe};
    return true;
  }
  double max_count = max_arg.is_undefined() ? -1 : to_number(max_arg);
  size_t hits = 0; // occurrences of a one-byte `old`
  if (from.size() == 1) hits = static_cast<size_t>(std::count(in.s.begin(), in.s.end(), from[0]));
  if (max_count == 0 || (from.size() == 1 ? hits == 0 : in.s.find(from) == std::string_view::npos)) {
    out = in;
    return true;
  }
  std::string rep_storage;
  std::string_view rep = with.is_string() ? with.as_string() : (rep_storage = to_js_string(with));
  if (from.size() == 1) { // `replace('-', '/')`: one pass over the bytes
    char c = from[0];
    // replace_into's count: replacements happen while count < max_count (-1: no limit).
    size_t limit = max_count == -1 ? in.s.size() : max_count > 0 ? static_cast<size_t>(std::ceil(std::min(max_count, 1e15))) : 0;
    hits = std::min(hits, limit);
    resize_and_overwrite(buf, in.s.size() - hits + hits * rep.size(), [&](char* d, size_t n) {
      size_t left = hits;
      if (rep.size() == 1) { // byte for byte
        char r = rep[0];
        for (char x : in.s) {
          bool hit = x == c && left > 0;
          left -= hit;
          *d++ = hit ? r : x;
        }
        return n;
      }
      for (char x : in.s) {
        if (x == c && left > 0) {
          std::memcpy(d, rep.data(), rep.size());
          d += rep.size();
          --left;
        } else {
          *d++ = x;
        }
      }
      return n;
    });
    out = StrView{buf, in.safe};
    return true;
  }
  replace_into(in.s, from, rep, max_count, buf);
  out = StrView{buf, in.safe};
  return true;
}

bool s_lower(const StrView& in, Args, const KwArgs&, std::string& buf, StrView& out) {
  append_lower(buf, in.s);
  out = StrView{buf, false};
  return true;
}

bool s_upper(const StrView& in, Args, const KwArgs&, std::string& buf, StrView& out) {
  append_upper(buf, in.s);
  out = StrView{buf, false};
  return true;
}

bool s_urlencode(const StrView& in, Args, const KwArgs&, std::string& buf, StrView& out) {
  append_uri_component(buf, in.s);
  out = StrView{buf, false};
  return true;
}

bool s_trim(const StrView& in, Args, const KwArgs&, std::string&, StrView& out) {
  std::string_view t = js_trim(in.s);
  out = StrView{t, in.safe, t.size() == in.s.size() ? in.src : nullptr};
  return true;
}

bool s_escape(const StrView& in, Args, const KwArgs&, std::string& buf, StrView& out) {
  if (in.safe) {
    out = in;
  } else {
    append_escaped(buf, in.s);
    out = StrView{buf, true};
  }
  return true;
}

bool s_safe(const StrView& in, Args, const KwArgs&, std::string&, StrView& out) {
  out = StrView{in.s, true, in.safe ? in.src : nullptr};
  return true;
}

bool s_identity(const StrView& in, Args, const KwArgs&, std::string&, StrView& out) {
  out = in;
  return true;
}

bool s_default(const StrView& in, Args args, const KwArgs& kw, std::string&, StrView& out) {
  if (in.s.empty() && arg(args, kw, 1, "boolean").truthy()) return false; // the default value
  out = in;
  return true;
}

} // namespace

std::optional<std::string> range_bounds(std::span<const Value> args, double& start, double& stop, double& step) {
  start = to_number(args.empty() ? Value() : args[0]);
  step = 1;
  if (args.size() < 2 || args[1].is_undefined()) {
    stop = start;
    start = 0;
  } else {
    stop = to_number(args[1]);
    if (args.size() > 2 && args[2].truthy()) step = to_number(args[2]);
  }
  // A typo'd bound should fail fast, not allocate gigabytes (a Value is 32 bytes).
  constexpr double k_max_range = 1'000'000;
  double count = step == 0 || std::isnan(step) ? 0 : std::ceil((stop - start) / step);
  if (count > k_max_range) return "range() is too large";
  return std::nullopt;
}

bool striptags_prefix(const StrView& in, size_t max_cps, std::string& buf, StrView& out) {
  strip_collapse(in.s, buf, max_cps);
  out = StrView{buf, in.safe};
  return true;
}

void install_builtins(Engine::Impl& impl) {
  auto& f = impl.filters;
  f["abs"] = f_abs;
  f["batch"] = f_batch;
  f["capitalize"] = f_capitalize;
  f["center"] = f_center;
  f["default"] = f_default;
  f["d"] = f_default;
  f["dictsort"] = f_dictsort;
  f["dump"] = f_dump;
  f["escape"] = f_escape;
  f["e"] = f_escape;
  f["first"] = f_first;
  f["float"] = f_float;
  f["forceescape"] = f_forceescape;
  f["groupby"] = f_groupby;
  f["indent"] = f_indent;
  f["int"] = f_int;
  f["join"] = f_join;
  f["last"] = f_last;
  f["length"] = f_length;
  f["list"] = f_list;
  f["lower"] = f_lower;
  f["nl2br"] = f_nl2br;
  f["random"] = f_random;
  f["reject"] = [](CallContext& cc, const Value& in, Args a, const KwArgs&) { return select_impl(cc, in, a, false); };
  f["select"] = [](CallContext& cc, const Value& in, Args a, const KwArgs&) { return select_impl(cc, in, a, true); };
  f["rejectattr"] = [](CallContext& cc, const Value& in, Args a, const KwArgs&) { return selectattr_impl(cc, in, a, false); };
  f["selectattr"] = [](CallContext& cc, const Value& in, Args a, const KwArgs&) { return selectattr_impl(cc, in, a, true); };
  f["replace"] = f_replace;
  f["reverse"] = f_reverse;
  f["round"] = f_round;
  f["safe"] = f_safe;
  f["slice"] = f_slice;
  f["sort"] = f_sort;
  f["string"] = f_string;
  f["striptags"] = f_striptags;
  f["sum"] = f_sum;
  f["title"] = f_title;
  f["trim"] = f_trim;
  f["truncate"] = f_truncate;
  f["upper"] = f_upper;
  f["urlencode"] = f_urlencode;
  f["urlize"] = f_urlize;
  f["wordcount"] = f_wordcount;

  impl.order_ops["sort"] = sort_order;

  auto& ops = impl.str_ops;
  ops["striptags"] = s_striptags;
  ops["truncate"] = s_truncate;
  ops["replace"] = s_replace;
  ops["lower"] = s_lower;
  ops["upper"] = s_upper;
  ops["urlencode"] = s_urlencode;
  ops["trim"] = s_trim;
  ops["escape"] = s_escape;
  ops["e"] = s_escape;
  ops["safe"] = s_safe;
  ops["string"] = s_identity;
  ops["default"] = s_default;
  ops["d"] = s_default;

  auto& t = impl.tests;
  t["callable"] = t_callable;
  t["defined"] = t_defined;
  t["undefined"] = t_undefined;
  t["divisibleby"] = t_divisibleby;
  t["escaped"] = t_escaped;
  t["equalto"] = t_equalto;
  t["eq"] = t_equalto;
  t["sameas"] = t_equalto;
  t["ne"] = t_ne;
  t["even"] = t_even;
  t["odd"] = t_odd;
  t["truthy"] = t_truthy;
  t["falsy"] = t_falsy;
  t["ge"] = t_ge;
  t["gt"] = t_gt;
  t["greaterthan"] = t_gt;
  t["le"] = t_le;
  t["lt"] = t_lt;
  t["lessthan"] = t_lt;
  t["lower"] = t_lower;
  t["upper"] = t_upper;
  t["null"] = t_null;
  t["none"] = t_null;
  t["number"] = t_number;
  t["string"] = t_string;
  t["iterable"] = t_iterable;
  t["mapping"] = t_mapping;

  impl.globals["range"] = make_function("range", g_range);
  impl.builtin_range = impl.globals["range"].as_native();
  impl.globals["cycler"] = make_function("cycler", [](CallContext&, Args args, const KwArgs&) -> base::Result<Value> {
    return Value(std::make_shared<const Cycler>(Array(args.begin(), args.end())));
  });
  impl.globals["joiner"] = make_function("joiner", [](CallContext&, Args args, const KwArgs&) -> base::Result<Value> {
    std::string sep = args.empty() || !args[0].truthy() ? std::string(",") : to_str(args[0]);
    return Value(std::make_shared<const Joiner>(std::move(sep)));
  });
}

} // namespace haven::tmpl::detail
