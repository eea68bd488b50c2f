// The tree-walking interpreter. Runtime errors are thrown internally as RenderError (with the
// file:line:col of the failing node) and turned into a Diagnostic at the render() boundary.
#include <algorithm>
#include <cmath>
#include <deque>
#include <optional>
#include <typeinfo>

#include <fmt/format.h>

#include "tmpl/runtime.hpp"
#include "tmpl/util.hpp"

namespace haven::tmpl::detail {

using base::Value;

// ---------------------------------------------------------------- frames and contexts

bool same_long_name(std::string_view a, std::string_view b) { return same_name(a, b); }

void Frame::assign(std::string_view name, Value value) {
  // Nunjucks' Frame.resolve(name, forWrite): an isolated frame stops the search at itself only.
  Frame* target = nullptr;
  bool first = true;
  for (Frame* f = this; f; f = f->parent) {
    const Value* v = f->find(name);
    if (v && !v->is_undefined()) {
      target = f;
      break;
    }
    if (first && f->isolate_writes) break;
    first = false;
  }
  (target ? target : this)->set_local(name, std::move(value));
}

void Frame::assign_final(std::string_view name, Value value) {
  uint64_t key = name_key(name);
  for (Frame* f = this; f; f = f->parent) {
    if (auto* v = const_cast<Value*>(f->find(name, key))) {
      *v = std::move(value);
      return;
    }
  }
  assign(name, std::move(value));
}

const Value* Context::lookup(std::string_view name) const {
  uint64_t key = name_key(name);
  for (auto it = vars.rbegin(); it != vars.rend(); ++it) {
    if (is_name(it->key, it->name, key, name)) return &it->value;
  }
  if (root.is_object()) return root.as_object().find(name);
  return nullptr;
}

inline const Value* Context::lookup(std::string_view name, uint64_t key, std::atomic<uint32_t>& hint) const {
  for (auto it = vars.rbegin(); it != vars.rend(); ++it) {
    if (is_name(it->key, it->name, key, name)) return &it->value;
  }
  if (root.is_object()) return find_hinted(object_of(root), name, hint);
  return nullptr;
}

void Context::set_variable(std::string_view name, Value value) {
  uint64_t key = name_key(name);
  for (auto& var : vars) {
    if (var.key == key && var.name == name) {
      var.value = std::move(value);
      return;
    }
  }
  vars.push_back(Var{std::string(name), key, std::move(value)});
}

void Context::add_export(std::string_view name) {
  if (std::find(exports.begin(), exports.end(), name) == exports.end()) exports.emplace_back(name);
}

void Context::add_blocks(const Template& tmpl) {
  for (const auto& [name, node] : tmpl.blocks) {
    auto it = std::find_if(blocks.begin(), blocks.end(), [&](const auto& b) { return b.first == name; });
    if (it == blocks.end()) {
      blocks.emplace_back(name, std::vector<BlockRef>{});
      it = blocks.end() - 1;
    }
    it->second.push_back(BlockRef{node, &tmpl});
  }
}

const BlockRef* Context::get_block(std::string_view name) const {
  for (const auto& [n, list] : blocks) {
    if (n == name && !list.empty()) return &list.front();
  }
  return nullptr;
}

const BlockRef* Context::get_super(std::string_view name, const BlockRef* current) const {
  for (const auto& [n, list] : blocks) {
    if (n != name) continue;
    for (size_t i = 0; i + 1 < list.size(); ++i) {
      if (list[i].node == current->node) return &list[i + 1];
    }
  }
  return nullptr;
}

// ---------------------------------------------------------------- regex literals

Value RegexValue::get(std::string_view key) const {
  if (key == "source") return Value(m_source);
  if (key == "flags") return Value(m_flags);
  if (key == "global") return Value(global());
  return {};
}

Value make_regex(const std::string& body, const std::string& flags, std::string& error) {
  auto syntax = std::regex::ECMAScript;
  if (flags.find('i') != std::string::npos) syntax |= std::regex::icase;
  if (flags.find('m') != std::string::npos) syntax |= std::regex::multiline;
  try {
    return Value(std::make_shared<const RegexValue>(std::regex(body, syntax), body, flags));
  } catch (const std::regex_error& e) {
    error = e.what();
    return {};
  }
}

// ---------------------------------------------------------------- JavaScript operators

namespace {
bool is_primitive(const Value& v) {
  auto k = v.kind();
  return k != Value::Kind::Array && k != Value::Kind::Object && k != Value::Kind::Native && k != Value::Kind::Date;
}
// ToPrimitive with the default hint: containers and dates become their string.
Value to_primitive(const Value& v) { return is_primitive(v) ? v : Value(to_str(v)); }
} // namespace

Value js_add(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) return Value(a.as_number() + b.as_number());
  Value pa = to_primitive(a), pb = to_primitive(b);
  if (pa.is_string() || pb.is_string()) return Value(to_js_string(pa) + to_js_string(pb));
  return Value(to_number(pa) + to_number(pb));
}

bool js_strict_equal(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) return a.as_number() == b.as_number();
  return a == b;
}

bool js_loose_equal(const Value& a, const Value& b) {
  if (a.kind() == b.kind()) return js_strict_equal(a, b);
  if (a.is_nullish() || b.is_nullish()) return a.is_nullish() && b.is_nullish();
  if (a.is_bool()) return js_loose_equal(Value(a.as_number()), b);
  if (b.is_bool()) return js_loose_equal(a, Value(b.as_number()));
  if (a.is_number() && b.is_string()) return a.as_number() == js_string_to_number(b.as_string());
  if (a.is_string() && b.is_number()) return js_string_to_number(a.as_string()) == b.as_number();
  if (!is_primitive(a) && is_primitive(b)) return js_loose_equal(to_primitive(a), b);
  if (is_primitive(a) && !is_primitive(b)) return js_loose_equal(a, to_primitive(b));
  return false;
}

bool js_less(const Value& a, const Value& b) {
  Value pa = to_primitive(a), pb = to_primitive(b);
  if (pa.is_string() && pb.is_string()) return pa.as_string() < pb.as_string();
  return to_number(pa) < to_number(pb);
}

bool js_less_equal(const Value& a, const Value& b) {
  Value pa = to_primitive(a), pb = to_primitive(b);
  if (pa.is_string() && pb.is_string()) return pa.as_string() <= pb.as_string();
  double x = to_number(pa), y = to_number(pb);
  return x <= y;
}

namespace {
// A canonical array index ("3"), else -1.
int64_t index_of_key(const Value& key) {
  if (key.is_number()) {
    double d = key.as_number();
    return d >= 0 && d == std::floor(d) && d < 4294967295.0 ? static_cast<int64_t>(d) : -1;
  }
  if (key.is_string() && is_array_index_key(key.as_string())) {
    return static_cast<int64_t>(std::strtoull(std::string(key.as_string()).c_str(), nullptr, 10));
  }
  return -1;
}
} // namespace

Value member(const Value& obj, std::string_view key) {
  switch (obj.kind()) {
  case Value::Kind::Object: {
    const Value* v = obj.as_object().find(key);
    return v ? *v : Value();
  }
  case Value::Kind::Native: return obj.as_native()->get(key);
  case Value::Kind::Array:
  case Value::Kind::String: return member(obj, Value(key));
  default: return {};
  }
}

Value member(const Value& obj, const Value& key) {
  switch (obj.kind()) {
  case Value::Kind::Undefined:
  case Value::Kind::Null: return {};
  case Value::Kind::Object:
  case Value::Kind::Native:
    return key.is_string() ? member(obj, std::string_view(key.as_string())) : member(obj, std::string_view(to_str(key)));
  case Value::Kind::Array: {
    int64_t i = index_of_key(key);
    if (i >= 0) return obj.at(static_cast<size_t>(i));
    if (key.is_string() && key.as_string() == "length") return Value(static_cast<double>(obj.as_array().size()));
    return {};
  }
  case Value::Kind::String: {
    std::string_view s = obj.as_string();
    int64_t i = index_of_key(key);
    if (i >= 0) {
      auto ch = utf8_substr(s, static_cast<size_t>(i), static_cast<size_t>(i) + 1);
      return ch.empty() ? Value() : Value(std::string(ch));
    }
    if (key.is_string() && key.as_string() == "length") return Value(static_cast<double>(utf8_length(s)));
    return {};
  }
  default: return {};
  }
}

// ---------------------------------------------------------------- builtin methods

namespace {
double arg_num(std::span<const Value> args, size_t i, double def) {
  if (i >= args.size() || args[i].is_undefined()) return def;
  double d = to_number(args[i]);
  return std::isnan(d) ? 0 : std::trunc(d);
}
std::string arg_str(std::span<const Value> args, size_t i) {
  return i < args.size() ? to_js_string(args[i]) : std::string("undefined");
}
// Clamps a relative index (negative counts from the end) into [0, len].
size_t rel_index(double d, size_t len) {
  if (d < 0) d = std::max(0.0, static_cast<double>(len) + d);
  return static_cast<size_t>(std::min(d, static_cast<double>(len)));
}
// Code-point index of byte offset `b` in `s`.
double cp_index(std::string_view s, size_t b) { return static_cast<double>(utf8_length(s.substr(0, b))); }

Value regex_replace(const std::string& s, const RegexValue& re, const std::string& with) {
  auto flags = re.global() ? std::regex_constants::format_default : std::regex_constants::format_first_only;
  return Value(std::regex_replace(s, re.regex(), with, flags));
}
} // namespace

bool call_builtin_method(const Value& obj, std::string_view name, std::span<const Value> args, Value& result,
                         std::string& error) {
  if (obj.is_string()) {
    std::string_view s = obj.as_string();
    size_t len = utf8_length(s);
    if (name == "toUpperCase") result = Value(to_upper(s));
    else if (name == "toLowerCase") result = Value(to_lower(s));
    else if (name == "trim") result = Value(std::string(js_trim(s)));
    else if (name == "trimStart") result = Value(std::string(js_trim_start(s)));
    else if (name == "trimEnd") result = Value(std::string(js_trim_end(s)));
    else if (name == "toString" || name == "valueOf") result = obj;
    else if (name == "startsWith") {
      std::string_view rest = utf8_substr(s, rel_index(arg_num(args, 1, 0), len), len);
      result = Value(rest.starts_with(arg_str(args, 0)));
    } else if (name == "endsWith") {
      std::string_view head = utf8_substr(s, 0, rel_index(arg_num(args, 1, static_cast<double>(len)), len));
      result = Value(head.ends_with(arg_str(args, 0)));
    } else if (name == "includes") {
      size_t from = utf8_offset(s, rel_index(arg_num(args, 1, 0), len));
      result = Value(s.find(arg_str(args, 0), from) != std::string::npos);
    } else if (name == "indexOf") {
      size_t from = utf8_offset(s, rel_index(arg_num(args, 1, 0), len));
      size_t at = s.find(arg_str(args, 0), from);
      result = Value(at == std::string::npos ? -1.0 : cp_index(s, at));
    } else if (name == "lastIndexOf") {
      size_t at = s.rfind(arg_str(args, 0));
      result = Value(at == std::string::npos ? -1.0 : cp_index(s, at));
    } else if (name == "charAt") {
      size_t i = static_cast<size_t>(std::max(0.0, arg_num(args, 0, 0)));
      result = Value(std::string(utf8_substr(s, i, i + 1)));
    } else if (name == "slice") {
      size_t a = rel_index(arg_num(args, 0, 0), len);
      size_t b = rel_index(arg_num(args, 1, static_cast<double>(len)), len);
      result = Value(std::string(utf8_substr(s, a, b)));
    } else if (name == "substring") {
      auto clamp = [&](double d) { return static_cast<size_t>(std::clamp(d, 0.0, static_cast<double>(len))); };
      size_t a = clamp(arg_num(args, 0, 0)), b = clamp(arg_num(args, 1, static_cast<double>(len)));
      if (a > b) std::swap(a, b);
      result = Value(std::string(utf8_substr(s, a, b)));
    } else if (name == "substr") {
      size_t a = rel_index(arg_num(args, 0, 0), len);
      double n = arg_num(args, 1, static_cast<double>(len));
      size_t b = n <= 0 ? a : std::min(len, a + static_cast<size_t>(n));
      result = Value(std::string(utf8_substr(s, a, b)));
    } else if (name == "concat") {
      std::string out(s);
      for (const auto& a : args) out += to_js_string(a);
      result = Value(std::move(out));
    } else if (name == "repeat") {
      double n = arg_num(args, 0, 0);
      if (n < 0 || n > 1e6) {
        error = "Invalid count value";
        return true;
      }
      std::string out;
      for (int i = 0; i < static_cast<int>(n); ++i) out += s;
      result = Value(std::move(out));
    } else if (name == "padStart" || name == "padEnd") {
      size_t target = static_cast<size_t>(std::max(0.0, arg_num(args, 0, 0)));
      std::string fill = args.size() > 1 && !args[1].is_undefined() ? to_js_string(args[1]) : " ";
      if (target <= len || fill.empty()) {
        result = obj;
      } else {
        std::string pad;
        auto chars = utf8_chars(fill);
        for (size_t i = 0; i < target - len; ++i) pad += chars[i % chars.size()];
        result = Value(name == "padStart" ? pad.append(s) : std::string(s).append(pad));
      }
    } else if (name == "split") {
      base::Array parts;
      if (args.empty() || args[0].is_undefined()) {
        parts.emplace_back(s);
      } else if (auto* re = args[0].is_native() ? dynamic_cast<const RegexValue*>(args[0].native_ptr().get()) : nullptr) {
        const std::string str(s);  // std::regex wants std::string iterators
        std::sregex_token_iterator it(str.begin(), str.end(), re->regex(), -1), end;
        for (; it != end; ++it) parts.emplace_back(it->str());
      } else {
        std::string sep = to_js_string(args[0]);
        if (sep.empty()) {
          for (auto& c : utf8_chars(s)) parts.emplace_back(std::move(c));
        } else {
          size_t start = 0;
          while (true) {
            size_t at = s.find(sep, start);
            if (at == std::string::npos) break;
            parts.emplace_back(s.substr(start, at - start));
            start = at + sep.size();
          }
          parts.emplace_back(s.substr(start));
        }
      }
      if (args.size() > 1 && !args[1].is_undefined()) {
        parts.resize(std::min(parts.size(), static_cast<size_t>(std::max(0.0, arg_num(args, 1, 0)))));
      }
      result = Value(std::move(parts));
    } else if (name == "replace" || name == "replaceAll") {
      std::string with = arg_str(args, 1);
      if (auto* re = !args.empty() && args[0].is_native() ? dynamic_cast<const RegexValue*>(args[0].native_ptr().get()) : nullptr) {
        result = regex_replace(std::string(s), *re, with);
      } else {
        std::string what = arg_str(args, 0);
        std::string out;
        size_t start = 0;
        while (true) {
          size_t at = s.find(what, start);
          if (at == std::string::npos) break;
          out += s.substr(start, at - start);
          out += with;
          start = at + what.size();
          if (name == "replace" || what.empty()) break;
        }
        out += s.substr(start);
        result = Value(std::move(out));
      }
    } else if (name == "match") {
      auto* re = !args.empty() && args[0].is_native() ? dynamic_cast<const RegexValue*>(args[0].native_ptr().get()) : nullptr;
      std::regex plain;
      if (!re) {
        try {
          plain = std::regex(arg_str(args, 0), std::regex::ECMAScript);
        } catch (const std::regex_error&) {
          error = "invalid regular expression";
          return true;
        }
      }
      const std::regex& rx = re ? re->regex() : plain;
      base::Array found;
      const std::string str(s);  // std::regex wants std::string iterators
      if (re && re->global()) {
        for (std::sregex_iterator it(str.begin(), str.end(), rx), end; it != end; ++it) found.emplace_back(it->str());
      } else {
        std::smatch m;
        if (std::regex_search(str, m, rx)) {
          for (const auto& g : m) found.push_back(g.matched ? Value(g.str()) : Value());
        }
      }
      result = found.empty() ? Value::null() : Value(std::move(found));
    } else {
      return false;
    }
    return true;
  }
  if (obj.is_array()) {
    const base::Array& a = obj.as_array();
    if (name == "join") {
      std::string sep = args.empty() || args[0].is_undefined() ? "," : to_js_string(args[0]);
      std::string out;
      for (size_t i = 0; i < a.size(); ++i) {
        if (i) out += sep;
        out += to_str(a[i]);
      }
      result = Value(std::move(out));
    } else if (name == "indexOf" || name == "includes") {
      double found = -1;
      for (size_t i = 0; i < a.size() && !args.empty(); ++i) {
        if (js_strict_equal(a[i], args[0])) {
          found = static_cast<double>(i);
          break;
        }
      }
      result = name == "includes" ? Value(found >= 0) : Value(found);
    } else if (name == "slice") {
      size_t b0 = rel_index(arg_num(args, 0, 0), a.size());
      size_t e0 = rel_index(arg_num(args, 1, static_cast<double>(a.size())), a.size());
      result = Value(base::Array(a.begin() + static_cast<long>(b0), a.begin() + static_cast<long>(std::max(b0, e0))));
    } else if (name == "concat") {
      base::Array out = a;
      for (const auto& v : args) {
        if (v.is_array()) out.insert(out.end(), v.as_array().begin(), v.as_array().end());
        else out.push_back(v);
      }
      result = Value(std::move(out));
    } else if (name == "reverse") {
      base::Array out(a.rbegin(), a.rend());
      result = Value(std::move(out));
    } else if (name == "toString") {
      result = Value(to_str(obj));
    } else if (name == "toArray") {
      result = obj;  // Hexo's Warehouse queries (page.posts.toArray()): Haven's lists are arrays already
    } else {
      return false;
    }
    return true;
  }
  if (obj.is_number()) {
    if (name == "toFixed") {
      int digits = static_cast<int>(std::clamp(arg_num(args, 0, 0), 0.0, 100.0));
      result = Value(js_to_fixed(obj.as_number(), digits));
    } else if (name == "toString") {
      result = Value(js_number(obj.as_number()));
    } else {
      return false;
    }
    return true;
  }
  return false;
}

// ---------------------------------------------------------------- loop variable

namespace {
// Nunjucks keeps one `loop` object per for-frame and updates it every iteration; so does Haven
// (no allocation per iteration; a `loop` kept in a variable sees later updates, as in Nunjucks).
class LoopInfo : public base::Native {
public:
  void set(size_t index, size_t length) {
    m_index = index;
    m_length = length;
  }
  // Attribute `code` (Expr::loop_attr: 1 index … 7 length).
  Value attr(unsigned code) const {
    switch (code) {
    case 1: return Value(static_cast<double>(m_index + 1));
    case 2: return Value(static_cast<double>(m_index));
    case 3: return Value(static_cast<double>(m_length - m_index));
    case 4: return Value(static_cast<double>(m_length - m_index - 1));
    case 5: return Value(m_index == 0);
    case 6: return Value(m_index + 1 == m_length);
    case 7: return Value(static_cast<double>(m_length));
    default: return {};
    }
  }
  Value get(std::string_view key) const override {
    if (key == "index") return Value(static_cast<double>(m_index + 1));
    if (key == "index0") return Value(static_cast<double>(m_index));
    if (key == "revindex") return Value(static_cast<double>(m_length - m_index));
    if (key == "revindex0") return Value(static_cast<double>(m_length - m_index - 1));
    if (key == "first") return Value(m_index == 0);
    if (key == "last") return Value(m_index + 1 == m_length);
    if (key == "length") return Value(static_cast<double>(m_length));
    return {};
  }
  std::vector<std::string> keys() const override {
    return {"index", "index0", "revindex", "revindex0", "first", "last", "length"};
  }

private:
  size_t m_index = 0, m_length = 0;
};

const Value k_undefined;
const KwArgs k_no_kwargs;

// `loop.index` and friends (`attr` has Expr::loop_attr) when `obj` is a for loop's `loop`: the
// value, as LoopInfo::get gives it; false otherwise.
bool loop_attr(const Expr& attr, const Value& obj, Value& out) {
  const base::Native* native = obj.as_native();
  if (!attr.loop_attr || !native || typeid(*native) != typeid(LoopInfo)) return false;
  out = static_cast<const LoopInfo*>(native)->attr(attr.loop_attr);
  return true;
}
const uint64_t k_loop_key = name_key("loop");
const uint64_t k_caller_key = name_key("caller");

// name_key of `node`'s target or parameter `i` (precomputed by finalize()).
uint64_t key_at(const Node& node, size_t i, std::string_view name) {
  return i < node.keys.size() ? node.keys[i] : name_key(name);
}

std::string_view source_text(const Scope& s, Span span) {
  return std::string_view(s.tmpl->source).substr(span.offset, span.length);
}

const Value* find_kwarg(const KwArgs& kwargs, std::string_view name) {
  for (const auto& [k, v] : kwargs) {
    if (k == name) return &v;
  }
  return nullptr;
}

// Whether `part` lies within `whole` (both non-empty).
bool views_into(std::string_view part, std::string_view whole) {
  return !part.empty() && !whole.empty() && part.data() >= whole.data() && part.data() <= whole.data() + whole.size();
}
} // namespace

// A scratch string bigger than this goes back to the allocator after use.
constexpr size_t k_keep_scratch = size_t{1} << 20;

// Scratch strings for string filter chains (Exec::eval_str), kept per thread so renders reuse
// their capacity. Any number of Scratch objects may be live at once (nested outputs, nested
// renders), released in any order.
class ScratchPool {
public:
  std::string* acquire() {
    if (m_free.empty()) return &m_all.emplace_back(); // a deque: earlier strings never move
    std::string* s = m_free.back();
    m_free.pop_back();
    return s;
  }
  void release(std::string* s) {
    if (s->capacity() > k_keep_scratch) [[unlikely]] shrink(s);
    m_free.push_back(s);
  }

private:
  [[gnu::noinline]] static void shrink(std::string* s) { // one huge body must not stay pinned to a worker thread
    s->clear();
    s->shrink_to_fit();
  }
  std::deque<std::string> m_all;
  std::vector<std::string*> m_free;
};

// Contexts of the renders running on one thread, reused with their capacity. A stack: renders
// on one thread nest (a host function may render while a render runs).
class ContextPool {
public:
  Context* push(Value root) {
    if (m_used == m_all.size()) m_all.push_back(std::make_unique<Context>());
    Context* c = m_all[m_used++].get();
    c->root = std::move(root);
    return c;
  }
  size_t mark() const { return m_used; }
  // Empties the contexts taken since `mark` (keeping their capacity) and gives them back.
  void release(size_t mark) {
    while (m_used > mark) {
      Context& c = *m_all[--m_used];
      c.root = Value();
      c.vars.clear();
      c.blocks.clear();
      c.exports.clear();
    }
    if (m_used == 0 && m_all.size() > k_keep) m_all.resize(k_keep);
  }

private:
  static constexpr size_t k_keep = 64; // more than pages need; a freak render should not stay cached
  std::vector<std::unique_ptr<Context>> m_all;
  size_t m_used = 0;
};

struct ThreadCache {
  ScratchPool scratch;
  std::string chain_bufs[2]; // Exec::fast_output's filter results
  ContextPool contexts;
  std::vector<std::shared_ptr<base::Native>> spare_loops; // `loop` objects nobody kept
};

ThreadCache& thread_cache() {
  thread_local ThreadCache cache;
  return cache;
}

// A scratch string taken from the pool on first use and returned at scope end.
class Scratch {
public:
  explicit Scratch(ScratchPool& pool) : m_pool(pool) {}
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  ~Scratch() {
    if (m_buf) m_pool.release(m_buf);
  }
  std::string& get() {
    if (!m_buf) m_buf = m_pool.acquire();
    return *m_buf;
  }
  const std::string* peek() const { return m_buf; }

private:
  ScratchPool& m_pool;
  std::string* m_buf = nullptr;
};

const Value* find_hinted_miss(const base::Object& o, std::string_view key, std::atomic<uint32_t>& hint) {
  const auto& entries = o.entries();
  if (entries.size() > 16) { // hashed: no scan; the hint still learns where the key sits
    const Value* v = o.find(key);
    if (v) {
      auto at = (reinterpret_cast<const char*>(v) - reinterpret_cast<const char*>(&entries[0].second)) /
                static_cast<std::ptrdiff_t>(sizeof entries[0]);
      hint.store(static_cast<uint32_t>(at), std::memory_order_relaxed);
    }
    return v;
  }
  for (uint32_t i = 0; i < entries.size(); ++i) {
    if (same_name(entries[i].first, key)) {
      hint.store(i, std::memory_order_relaxed);
      return &entries[i].second;
    }
  }
  return nullptr;
}

// ---------------------------------------------------------------- Exec

namespace {
// Whether `v` is all of the string value it views (so that value can stand for it).
bool whole_value(const StrView& v) {
  return v.src && v.src->is_string() && v.s.data() == v.src->as_string().data() && v.s.size() == v.src->as_string().size();
}
} // namespace

Exec::Exec(const Engine& e, const Engine::Impl& i)
    : engine(e), impl(i), cache(thread_cache()), context_mark(cache.contexts.mark()) {}

Exec::~Exec() {
  cache.contexts.release(context_mark);
  for (auto& b : cache.chain_bufs) {
    if (b.capacity() > k_keep_scratch) [[unlikely]] std::string().swap(b); // no huge body pinned to the thread
  }
}

Context* Exec::new_context(Value root) { return cache.contexts.push(std::move(root)); }

void Exec::fail(const Scope& scope, Span span, std::string message) const {
  throw RenderError{base::error_at(scope.tmpl->path, scope.tmpl->source, span.offset, std::move(message), span.length)};
}

const Value* Exec::lookup_ptr(const Scope& scope, std::string_view name) const {
  if (const Value* v = scope.frame->lookup(name)) return v;
  if (const Value* v = scope.ctx->lookup(name)) return v;
  auto it = impl.globals.find(name);
  return it == impl.globals.end() ? nullptr : &it->second;
}

Value Exec::lookup(const Scope& scope, std::string_view name) const {
  const Value* v = lookup_ptr(scope, name);
  return v ? *v : Value();
}

void Exec::emit(std::string& out, const Value& v) const {
  switch (v.kind()) {
  case Value::Kind::Undefined:
  case Value::Kind::Null: return;
  case Value::Kind::String:
    if (impl.options.autoescape && !v.is_safe()) {
      append_escaped(out, v.as_string());
    } else if (!spliced(out, v)) {
      out += v.as_string();
    }
    return;
  case Value::Kind::Number: append_js_number(out, v.as_number()); return;
  case Value::Kind::Bool: out += v.as_bool() ? "true" : "false"; return;
  default:
    if (impl.options.autoescape) {
      append_escaped(out, to_str(v));
    } else {
      out += to_str(v);
    }
  }
}

void Exec::render_root(const Template& tmpl, Context* ctx, Frame* frame, std::string& out) {
  const Template* parent = nullptr;
  Scope scope{frame, ctx, &tmpl, &parent, nullptr};
  size_t start = out.size();
  int depth = include_depth;
  Engine::PageOutput* watching = head_hook;
  size_t spliced_before = splices ? splices->size() : 0;
  exec_body(tmpl.body, scope, out);
  if (parent) {
    out.resize(start); // a child's own top-level output is discarded, as in Nunjucks
    if (splices) splices->resize(spliced_before);  // with its splices
    if (watching && !head_hook) { // and what the head hook wrote into it
      watching->head_fired = false;
      head_hook = watching;
    }
    render_root(*parent, ctx, frame, out);
  }
  include_depth = depth;
}

void Exec::append_watched(std::string& out, std::string_view text) {
  size_t at = &out == root_out ? text.find("</head>") : std::string_view::npos;
  if (at == std::string_view::npos) {
    append_text(out, text);
    return;
  }
  Engine::PageOutput* hook = std::exchange(head_hook, nullptr);  // once
  // a value printed earlier closed the head: the page's first `</head>` is not this one
  if (std::string_view(out).find("</head>") != std::string_view::npos) {
    out.append(text);
    return;
  }
  out.append(text.substr(0, at));
  hook->head_fired = true;
  hook->head(out);
  out.append(text.substr(at));
}

void Exec::exec_body(const Body& body, Scope& scope, std::string& out) {
  for (const auto& node : body) {
    switch (node->run) {
    case Run::Text: // most nodes
      if (head_hook) [[unlikely]] append_watched(out, node->text);
      else append_text(out, node->text);
      break;
    case Run::PathOutput:
      if (!fast_path_output(*node, scope, out)) exec_output(*node->expr, scope, out);
      break;
    case Run::ChainOutput:
      if (!fast_output(*node, scope, out)) exec_output(*node->expr, scope, out);
      break;
    case Run::IfText: {
      const std::string& text = eval_cond(*node->expr->args[1], scope) ? node->text : node->alt;
      if (head_hook) [[unlikely]] append_watched(out, text);
      else append_text(out, text);
      break;
    }
    case Run::If: {
      const Body* run = &node->else_body;
      for (const auto& [cond, branch] : node->branches) {
        if (eval_cond(*cond, scope)) {
          run = &branch;
          break;
        }
      }
      if (!run->empty()) exec_body(*run, scope, out);
      break;
    }
    case Run::For: exec_for(*node, scope, out); break;
    case Run::Skip: break; // printed by the IfText next to it
    case Run::Other: exec_node(*node, scope, out); break;
    }
  }
}

void Exec::bind(Scope& scope, std::string_view name, Value value) {
  if (scope.frame->compile_root) {
    scope.ctx->set_variable(name, std::move(value));
  } else {
    scope.frame->set_local(name, std::move(value));
  }
}

const Template& Exec::find_template(const Scope& scope, const Expr& expr, const Value& name) {
  if (name.is_string()) {
    if (const Template* t = impl.find(name.as_string())) return *t;
  }
  std::string key = to_str(name);
  const Template* t = impl.find(key);
  if (!t) fail(scope, expr.span, fmt::format("template not found: {}", key));
  return *t;
}

Context* Exec::run_import(const Template& tmpl, Scope& scope, bool with_context) {
  if (++include_depth > k_max_include_depth) {
    fail(scope, Span{}, fmt::format("templates nest too deeply (limit {})", k_max_include_depth));
  }
  Context* ctx = new_context(with_context ? scope.ctx->root : Value()); // no root: no variables
  if (with_context) ctx->vars = scope.ctx->vars;
  ctx->add_blocks(tmpl);
  Frame frame;
  if (with_context) frame.parent = scope.frame;
  frame.top_level = true;
  frame.compile_root = true;
  std::string sink;
  render_root(tmpl, ctx, &frame, sink);
  --include_depth;
  return ctx;
}

bool Exec::fast_macro_call(const Expr& call, Scope& scope, std::string& out) {
  const Expr& callee_expr = *call.args[0];
  if (callee_expr.kind != ExprKind::Name || call.later_call || !call.kwargs.empty()) return false;
  const base::Native* native = lookup_name(callee_expr, scope).as_native();
  if (!native || typeid(*native) != typeid(MacroValue)) return false;
  const auto& macro = static_cast<const MacroValue&>(*native);
  const Node& node = *macro.node();
  size_t nargs = call.args.size() - 1;
  if (macro.is_caller() || !node.flag || nargs > node.params.size()) return false;
  if (call_depth >= k_max_call_depth) return false; // the general path reports it
  // bind_params and call_macro_into for this shape: each parameter takes its argument (copied
  // from where it lives) or undefined; no caller.
  Frame frame;
  frame.compile_root = true;
  for (size_t p = 0; p < node.params.size(); ++p) {
    const std::string& name = node.params[p].first;
    uint64_t key = key_at(node, p, name);
    if (p < nargs) {
      const Expr& arg = *call.args[p + 1];
      Value tmp;
      if (arg.loop_attr && loop_attr(arg, lookup_name(*arg.args[0], scope), tmp)) { // loop.index
        frame.add_local(name, key, std::move(tmp));
        continue;
      }
      const Value& v = eval_ref(arg, scope, tmp);
      frame.add_local(name, key, &v == &tmp ? std::move(tmp) : v);
    } else {
      frame.add_local(name, key, Value());
    }
  }
  ++call_depth;
  current = &scope;
  Scope inner{&frame, macro.ctx(), macro.tmpl(), nullptr, nullptr};
  exec_body(node.body, inner, out);
  --call_depth;
  return true;
}

void Exec::exec_output(const Expr& expr, Scope& scope, std::string& out) {
  if (expr.kind == ExprKind::Call) {
    if (fast_macro_call(expr, scope, out)) return;
    bool wrote = false;
    Value v = eval_call(expr, scope, &out, &wrote);
    if (wrote) return; // a macro rendered its (safe) output in place
    if (impl.options.strict_undefined && v.is_undefined()) {
      fail(scope, expr.span, fmt::format("'{}' is undefined", source_text(scope, expr.span)));
    }
    emit(out, v);
    return;
  }
  if (expr.kind != ExprKind::Filter && expr.kind != ExprKind::Index) { // no string chain to fold
    Value tmp;
    const Value& v = eval_ref(expr, scope, tmp);
    if (impl.options.strict_undefined && v.is_undefined()) {
      fail(scope, expr.span, fmt::format("'{}' is undefined", source_text(scope, expr.span)));
    }
    emit(out, v);
    return;
  }
  Value hold;
  Scratch buf(cache.scratch);
  StrView str;
  const Value* v = eval_str(expr, scope, hold, buf, str);
  if (!v) {
    if (impl.options.autoescape && !str.safe) {
      append_escaped(out, str.s);
    } else if (!(whole_value(str) && spliced(out, *str.src))) {
      out += str.s;
    }
    return;
  }
  if (impl.options.strict_undefined && v->is_undefined()) {
    fail(scope, expr.span, fmt::format("'{}' is undefined", source_text(scope, expr.span)));
  }
  emit(out, *v);
}

// The value of Node::path (lookup_name's slot inline), or nullptr when a step is not an object.
[[gnu::always_inline]] inline const Value* Exec::eval_path(const Node& node, const Scope& scope) const {
  const Expr* const* step = node.path.data();
  const Expr* const* end = step + node.path.size();
  const Expr& name = **step;
  const Value* v = nullptr;
  if (name.slot_hops != k_no_slot) { // lookup_name's slot, inline
    const Frame* f = scope.frame;
    for (unsigned h = name.slot_hops; h > 0 && f; --h) f = f->parent;
    if (f) {
      v = f->slot_value(name.slot, name.key, name.name);
      if (v && v->is_undefined()) v = nullptr; // an undefined final name: lookup_final
    }
  }
  if (!v) v = &lookup_name_dynamic(name, scope);
  for (++step; step != end; ++step) {
    if (!v->is_object()) return nullptr;
    const Expr& attr = **step;
    const Value* f = find_hinted(object_of(*v), attr.name, attr.hint);
    v = f ? f : &k_undefined;
  }
  return v;
}

[[gnu::always_inline]] inline bool Exec::fast_path_output(const Node& node, const Scope& scope, std::string& out) {
  // fast_output without filters: the value of the path, printed.
  const Value* v = eval_path(node, scope);
  if (!v) {
    Value computed; // `{{ loop.index }}`
    if (node.path.size() == 2 && loop_attr(*node.path[1], lookup_name(*node.path[0], scope), computed)) {
      emit(out, computed);
      return true;
    }
    return false;
  }
  switch (v->kind()) {
  case Value::Kind::String:
    if (impl.options.autoescape && !v->is_safe()) {
      append_escaped(out, v->as_string());
    } else if (!spliced(out, *v)) {
      out += v->as_string();
    }
    return true;
  case Value::Kind::Number: append_js_number(out, v->as_number()); return true;
  case Value::Kind::Undefined: return !impl.options.strict_undefined; // strict: exec_output reports it
  default: emit(out, *v); return true;
  }
}

bool Exec::fast_output(const Node& node, const Scope& scope, std::string& out) {
  const Value* v = eval_path(node, scope);
  if (!v) return false;
  bool escape = impl.options.autoescape;
  StrView cur;
  if (node.split) { // path.split('sep')[k]: the piece viewed in place
    if (!v->is_string()) return false;
    std::string_view s = v->as_string();
    std::string_view sep = node.split->args[0]->args[1]->literal.as_string();
    auto k = static_cast<size_t>(node.split->args[1]->literal.as_number());
    size_t start = 0;
    for (size_t i = 0; i < k; ++i) {
      size_t at = s.find(sep, start);
      if (at == std::string_view::npos) return false; // past the last piece: undefined, the general path
      start = at + sep.size();
    }
    size_t end = s.find(sep, start);
    cur = StrView{s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start), false, nullptr};
  } else {
    if (!v->is_string()) return false;
    cur = StrView{v->as_string(), v->is_safe(), v};
  }
  // The filters on views, alternating between two scratch strings: each writes into the one its
  // input does not view. No template code runs here, so the thread's two strings are free.
  std::string* bufs = cache.chain_bufs;
  for (size_t k = 0; k < node.ops.size(); ++k) {
    const Expr& f = *node.ops[k];
    std::string& b = views_into(cur.s, bufs[0]) ? bufs[1] : bufs[0];
    b.clear();
    StrView r;
    if (node.prefix_cps && k == node.prefix_op) { // striptags | truncate(n): the first n + 1 code points do
      striptags_prefix(cur, node.prefix_cps, b, r);
    } else if (!f.str_op(cur, f.arg_values, k_no_kwargs, b, r)) {
      return false;
    }
    cur = r;
  }
  if (escape && !cur.safe) {
    if (cur.s.data() == bufs[0].data() && cur.s.size() == bufs[0].size()) { // a whole string: the inline short path
      append_escaped(out, bufs[0]);
    } else if (cur.s.data() == bufs[1].data() && cur.s.size() == bufs[1].size()) {
      append_escaped(out, bufs[1]);
    } else {
      append_escaped(out, cur.s);
    }
  } else if (!(whole_value(cur) && spliced(out, *cur.src))) {
    out += cur.s;
  }
  return true;
}

void Exec::exec_node(const Node& node, Scope& scope, std::string& out) {
  // The frequent statements stay in this small function; the rest in exec_statement.
  switch (node.kind) {
  case NodeKind::Text:
    if (head_hook) [[unlikely]] append_watched(out, node.text);
    else out += node.text;
    return;
  case NodeKind::Output: exec_output(*node.expr, scope, out); return;
  case NodeKind::If:
    for (const auto& [cond, body] : node.branches) {
      if (eval_cond(*cond, scope)) {
        exec_body(body, scope, out);
        return;
      }
    }
    exec_body(node.else_body, scope, out);
    return;
  case NodeKind::For: exec_for(node, scope, out); return;
  default: exec_statement(node, scope, out); return;
  }
}

const Template* Exec::static_target(const Node& node) const {
  if (!node.target || !*node.target || !(*node.target)->parsed) return nullptr;
  return node.target->get();
}

void Exec::exec_statement(const Node& node, Scope& scope, std::string& out) {
  switch (node.kind) {
  case NodeKind::Text:
  case NodeKind::Output:
  case NodeKind::If:
  case NodeKind::For: exec_node(node, scope, out); return;
  case NodeKind::Set:
  case NodeKind::SetBlock: {
    Value v;
    if (node.kind == NodeKind::Set) {
      v = eval(*node.expr, scope);
    } else {
      std::string captured;
      exec_body(node.body, scope, captured);
      v = Value(std::move(captured));
    }
    for (size_t i = 0; i < node.targets.size(); ++i) {
      const std::string& target = node.targets[i];
      if (i < 32 && (node.final_targets >> i & 1)) {
        scope.frame->assign_final(target, v);
      } else {
        scope.frame->assign(target, v);
      }
      if (scope.frame->top_level) {
        scope.ctx->set_variable(target, v);
        if (!target.starts_with('_')) scope.ctx->add_export(target);
      }
    }
    return;
  }
  case NodeKind::Macro: {
    Value macro(std::make_shared<const MacroValue>(&node, scope.tmpl, scope.ctx, nullptr));
    if (scope.frame->compile_root) {
      if (!node.text.starts_with('_')) scope.ctx->add_export(node.text);
      scope.ctx->set_variable(node.text, std::move(macro));
    } else {
      scope.frame->set_local(node.text, std::move(macro));
    }
    return;
  }
  case NodeKind::CallBlock: {
    const Expr& call = *node.expr;
    Value callee = eval(*call.args[0], scope); // a copy: the call runs template code
    ArgList args;
    for (size_t i = 1; i < call.args.size(); ++i) args.push(eval(*call.args[i], scope));
    KwArgs kwargs;
    for (const auto& [k, e] : call.kwargs) kwargs.emplace_back(k, eval(*e, scope));
    auto caller = std::make_shared<MacroValue>(&node, scope.tmpl, scope.ctx, scope.frame);
    caller->mark_caller();
    // The caller sees this frame, which ends with this statement: expire it then (also on errors).
    struct Expire {
      const MacroValue& macro;
      ~Expire() { macro.expire(); }
    } expire{*caller};
    kwargs.emplace_back("caller", Value(std::shared_ptr<const base::Native>(caller)));
    const base::Native* native = callee.as_native();
    auto* fn = native ? dynamic_cast<const Callable*>(native) : nullptr;
    if (!fn) {
      fail(scope, call.args[0]->span,
           fmt::format("Unable to call `{}`, which is {}", source_text(scope, call.args[0]->span),
                       callee.truthy() ? "not a function" : "undefined or falsey"));
    }
    if (call_depth >= k_max_call_depth) {
      fail(scope, call.span, fmt::format("macro calls nest too deeply (limit {})", k_max_call_depth));
    }
    ++call_depth;
    current = &scope;
    if (typeid(*fn) == typeid(MacroValue)) {
      call_macro_into(static_cast<const MacroValue&>(*fn), args.span(), kwargs, out);
      --call_depth;
      return;
    }
    CallContext cc(*this);
    auto result = fn->call(cc, args.span(), kwargs);
    --call_depth;
    if (!result) {
      if (result.error().where.path.empty()) fail(scope, call.span, result.error().message);
      throw RenderError{result.error()};
    }
    emit(out, *result);
    return;
  }
  case NodeKind::Import: {
    const Template* st = static_target(node);
    const Template& t = st ? *st : find_template(scope, *node.expr, eval(*node.expr, scope));
    Context* ctx = run_import(t, scope, node.flag);
    base::Object exported;
    for (const auto& n : ctx->exports) {
      if (const Value* v = ctx->lookup(n)) exported.set(n, *v);
    }
    bind(scope, node.text, Value(std::move(exported)));
    return;
  }
  case NodeKind::FromImport: {
    const Template* st = static_target(node);
    const Template& t = st ? *st : find_template(scope, *node.expr, eval(*node.expr, scope));
    Context* ctx = run_import(t, scope, node.flag);
    for (const auto& [imported, alias] : node.names) {
      bool exported = std::find(ctx->exports.begin(), ctx->exports.end(), imported) != ctx->exports.end();
      const Value* v = exported ? ctx->lookup(imported) : nullptr;
      if (!v) fail(scope, node.span, fmt::format("cannot import '{}'", imported));
      bind(scope, alias, *v);
    }
    return;
  }
  case NodeKind::Include: {
    const Template* t = static_target(node);
    Value name;
    if (!t) {
      name = eval(*node.expr, scope);
      t = name.is_string() ? impl.find(name.as_string()) : impl.find(to_str(name));
    }
    if (!t) {
      if (node.flag) return;
      fail(scope, node.expr->span, fmt::format("template not found: {}", to_str(name)));
    }
    if (include_depth >= k_max_include_depth) {
      fail(scope, node.span, fmt::format("includes nest too deeply (limit {})", k_max_include_depth));
    }
    ++include_depth;
    Context* ctx = new_context(scope.ctx->root);
    ctx->vars = scope.ctx->vars;
    ctx->add_blocks(*t);
    Frame frame;
    frame.parent = scope.frame;
    frame.isolate_writes = true;
    frame.top_level = true;
    frame.compile_root = true;
    render_root(*t, ctx, &frame, out);
    --include_depth;
    return;
  }
  case NodeKind::Extends: {
    if (!scope.parent) fail(scope, node.span, "'extends' is only allowed at the top level of a template");
    const Template* st = static_target(node);
    const Template& t = st ? *st : find_template(scope, *node.expr, eval(*node.expr, scope));
    if (include_depth >= k_max_include_depth) {
      fail(scope, node.span, fmt::format("templates extend too deeply (limit {})", k_max_include_depth));
    }
    ++include_depth; // released when the render of this root returns; deep chains are cycles
    *scope.parent = &t;
    scope.ctx->add_blocks(t);
    return;
  }
  case NodeKind::Block: {
    if (!node.flag && scope.parent && *scope.parent) return; // the parent template renders it
    const BlockRef* block = scope.ctx->get_block(node.text);
    BlockRef self{&node, scope.tmpl};
    if (!block) block = &self;
    Frame frame;
    frame.parent = scope.frame;
    frame.isolate_writes = true;
    frame.compile_root = true;
    Scope inner{&frame, scope.ctx, block->tmpl, nullptr, block};
    exec_body(block->node->body, inner, out);
    return;
  }
  case NodeKind::FilterBlock: {
    std::string captured;
    exec_body(node.body, scope, captured);
    emit(out, apply_filter(*node.expr, scope, Value(std::move(captured))));
    return;
  }
  }
}

template <class Bind>
void Exec::run_loop(const Node& node, Scope& scope, std::string& out, size_t n, Bind&& bind) {
  if (n == 0) {
    exec_else(node, scope, out);
    return;
  }
  Frame frame;
  frame.parent = scope.frame;
  Scope inner = scope;
  inner.frame = &frame;
  if (node.flag) { // nothing can see `loop` (finalize()): none bound
    for (size_t i = 0; i < n; ++i) {
      bind(frame, i);
      exec_body(node.body, inner, out);
    }
    return;
  }
  std::shared_ptr<LoopInfo> loop;
  auto& spare = cache.spare_loops;
  if (spare.empty()) {
    loop = std::make_shared<LoopInfo>();
  } else {
    loop = std::static_pointer_cast<LoopInfo>(std::move(spare.back()));
    spare.pop_back();
  }
  // A new frame: slot 0, where it stays (a `set loop` in the body writes there too).
  Value* loop_slot = frame.bind_inline("loop", k_loop_key, Value(std::shared_ptr<const base::Native>(loop)));
  for (size_t i = 0; i < n; ++i) {
    bind(frame, i);
    loop->set(i, n);
    exec_body(node.body, inner, out);
  }
  *loop_slot = Value();
  if (loop.use_count() == 1 && spare.size() < 64) spare.push_back(std::move(loop)); // nobody kept it
}

bool Exec::range_loop(const Node& node, Scope& scope, std::string& out) {
  // `for n in range(...)` with the builtin range: the numbers without the array.
  const Expr& call = *node.expr;
  const Expr& callee = *call.args[0];
  if (!impl.builtin_range || callee.kind != ExprKind::Name || callee.name != "range" || !call.kwargs.empty()) return false;
  if (lookup_name(callee, scope).as_native() != impl.builtin_range) return false;
  ArgList args;
  for (size_t i = 1; i < call.args.size(); ++i) args.push(eval(*call.args[i], scope));
  if (call_depth >= k_max_call_depth) {
    fail(scope, call.span, fmt::format("calls nest too deeply (limit {})", k_max_call_depth));
  }
  double start = 0, stop = 0, step = 0;
  if (auto error = range_bounds(args.span(), start, stop, step)) fail(scope, call.span, *error);
  size_t n = 0;
  if (step > 0) {
    for (double i = start; i < stop; i += step) ++n;
  } else if (step < 0) {
    for (double i = start; i > stop; i += step) ++n;
  }
  double value = start;
  Value* slot = nullptr; // where the target lives after the first iteration
  run_loop(node, scope, out, n, [&](Frame& frame, size_t) {
    if (slot) {
      *slot = Value(value);
    } else {
      slot = frame.bind_inline(node.targets[0], key_at(node, 0, node.targets[0]), Value(value));
    }
    value += step;
  });
  return true;
}

bool Exec::ordered_loop(const Node& node, Scope& scope, std::string& out) {
  // `for x in xs | sort(...)` with the builtin sort over an array: the elements in sorted order
  // without the sorted array. Operands without calls only: declining evaluates them again.
  const Expr& e = *node.expr;
  if (!e.order_op || !e.filter || e.later_call || e.args[0]->has_call) return false;
  Value in_tmp;
  const Value* simple = eval_simple(*e.args[0], scope); // a path: where it lives
  const Value& in = simple ? *simple : eval_ref(*e.args[0], scope, in_tmp);
  if (!in.is_array()) return false;
  auto arr = in.array_ptr(); // alive while iterating: the body may rebind the variable
  std::optional<ArgList> args;
  KwArgs kwargs;
  std::span<const Value> argv = e.arg_values;
  if (!e.const_args) {
    args.emplace();
    eval_filter_args(e, scope, *args, kwargs);
    argv = args->span();
  }
  SmallVec<uint32_t> order(arr->size());
  if (!e.order_op(*arr, argv, kwargs, order.span())) return false;
  Value* slot = nullptr; // where the target lives after the first iteration
  run_loop(node, scope, out, arr->size(), [&](Frame& frame, size_t i) {
    if (slot) {
      *slot = (*arr)[order[i]];
    } else {
      slot = frame.bind_inline(node.targets[0], key_at(node, 0, node.targets[0]), (*arr)[order[i]]);
    }
  });
  return true;
}

void Exec::exec_for(const Node& node, Scope& scope, std::string& out) {
  const auto& targets = node.targets;
  if (targets.size() == 1) {
    if (node.expr->kind == ExprKind::Call && range_loop(node, scope, out)) return;
    if (node.expr->kind == ExprKind::Filter && ordered_loop(node, scope, out)) return;
  }
  Value seq_tmp;
  const Value* simple = eval_simple(*node.expr, scope); // a path: where it lives
  const Value& seq = simple ? *simple : eval_ref(*node.expr, scope, seq_tmp);
  if (seq.is_array()) {
    auto arr = seq.array_ptr(); // alive while iterating: the body may rebind the variable
    const base::Array& items = *arr;
    if (targets.size() == 1) {
      uint64_t key = key_at(node, 0, targets[0]);
      Value* slot = nullptr; // where the target lives after the first iteration
      run_loop(node, scope, out, items.size(), [&](Frame& frame, size_t i) {
        if (slot) {
          *slot = items[i];
        } else {
          slot = frame.bind_inline(targets[0], key, items[i]);
        }
      });
    } else {
      run_loop(node, scope, out, items.size(), [&](Frame& frame, size_t i) {
        for (size_t u = 0; u < targets.size(); ++u) frame.set_local(targets[u], member(items[i], Value(static_cast<double>(u))));
      });
    }
  } else if (seq.is_string() && targets.size() == 1) {
    auto chars = utf8_chars(seq.as_string());
    run_loop(node, scope, out, chars.size(), [&](Frame& frame, size_t i) { frame.set_local(targets[0], Value(chars[i])); });
  } else if (targets.size() >= 2 && seq.is_object()) {
    auto obj = seq.object_ptr(); // alive while iterating: the body may rebind the variable
    const auto& all = obj->entries();
    SmallVec<const std::pair<std::string, Value>*> entries(all.size());
    if (std::none_of(all.begin(), all.end(), [](const auto& e) { return is_array_index_key(e.first); })) {
      for (size_t i = 0; i < all.size(); ++i) entries[i] = &all[i]; // already in JavaScript order
    } else {
      auto ordered = js_entries(*obj);
      std::copy(ordered.begin(), ordered.end(), entries.data());
    }
    uint64_t key0 = key_at(node, 0, targets[0]), key1 = key_at(node, 1, targets[1]);
    Value* slot0 = nullptr; // where the targets live after the first iteration
    Value* slot1 = nullptr;
    run_loop(node, scope, out, all.size(), [&](Frame& frame, size_t i) {
      // The key shares the object's storage (an aliasing pointer): no copy.
      Value k(std::shared_ptr<const std::string>(obj, &entries[i]->first), false);
      if (slot0 && slot1) {
        *slot0 = std::move(k);
        *slot1 = entries[i]->second;
      } else {
        slot0 = frame.bind_inline(targets[0], key0, std::move(k));
        slot1 = frame.bind_inline(targets[1], key1, entries[i]->second);
      }
    });
  } else if (targets.size() >= 2 && (seq.is_native() || seq.is_string())) {
    std::vector<std::pair<std::string, Value>> entries;
    if (seq.is_native()) {
      for (auto& k : seq.as_native()->keys()) entries.emplace_back(k, seq.as_native()->get(k));
    } else {
      auto chars = utf8_chars(seq.as_string());
      for (size_t i = 0; i < chars.size(); ++i) entries.emplace_back(std::to_string(i), Value(chars[i]));
    }
    run_loop(node, scope, out, entries.size(), [&](Frame& frame, size_t i) {
      frame.set_local(targets[0], Value(entries[i].first));
      frame.set_local(targets[1], entries[i].second);
    });
  } else {
    exec_else(node, scope, out);
  }
}

void Exec::exec_else(const Node& node, Scope& scope, std::string& out) {
  // As Nunjucks: in the loop's frame, where its targets are undefined (they shadow outer
  // variables of those names; `loop` is not bound).
  if (node.else_body.empty()) return;
  Frame frame;
  frame.parent = scope.frame;
  for (size_t i = 0; i < node.targets.size(); ++i) frame.set_local(node.targets[i], key_at(node, i, node.targets[i]), Value());
  Scope inner = scope;
  inner.frame = &frame;
  exec_body(node.else_body, inner, out);
}

void Exec::eval_filter_args(const Expr& expr, Scope& scope, ArgList& args, KwArgs& kwargs) {
  for (size_t i = 1; i < expr.args.size(); ++i) args.push(eval(*expr.args[i], scope));
  for (const auto& [k, e] : expr.kwargs) kwargs.emplace_back(k, eval(*e, scope));
}

namespace {
Value call_filter(Exec& exec, const Expr& expr, Scope& scope, const Value& input, std::span<const Value> args,
                  const KwArgs& kwargs) {
  exec.current = &scope;
  CallContext cc(exec);
  auto result = (*expr.filter)(cc, input, args, kwargs);
  if (!result) {
    if (result.error().where.path.empty()) {
      exec.fail(scope, expr.span, fmt::format("{}: {}", expr.name, result.error().message));
    }
    throw RenderError{result.error()};
  }
  return std::move(*result);
}
} // namespace

Value Exec::apply_filter(const Expr& expr, Scope& scope, const Value& input) {
  if (!expr.filter) fail(scope, expr.span, fmt::format("unknown filter '{}'", expr.name));
  if (expr.const_args) return call_filter(*this, expr, scope, input, expr.arg_values, k_no_kwargs);
  ArgList args;
  KwArgs kwargs;
  eval_filter_args(expr, scope, args, kwargs);
  return call_filter(*this, expr, scope, input, args.span(), kwargs);
}

const Value* Exec::eval_str(const Expr& expr, Scope& scope, Value& hold, Scratch& buf, StrView& out) {
  // A chain of builtin string filters: each works on a view of the previous result. With a
  // call among the arguments the general path runs (the call could rebind what a view sees).
  if (expr.kind == ExprKind::Filter && expr.str_op && expr.filter && !expr.later_call) {
    return eval_str_filter(expr, scope, hold, buf, out);
  }
  if (expr.kind == ExprKind::Index) {
    const Value* result = nullptr;
    if (eval_split_index(expr, scope, hold, out, result)) return result;
  }
  const Value& v = eval_ref(expr, scope, hold);
  if (v.is_string()) {
    out = StrView{v.as_string(), v.is_safe(), &v};
    return nullptr;
  }
  return &v;
}

const Value* Exec::eval_str_filter(const Expr& expr, Scope& scope, Value& hold, Scratch& buf, StrView& out) {
  Value in_hold;
  Scratch in_buf(cache.scratch);
  StrView in;
  if (const Value* in_value = eval_str(*expr.args[0], scope, in_hold, in_buf, in)) {
    hold = apply_filter(expr, scope, *in_value); // not a string: the full filter
    return string_result(hold, out);
  }
  if (expr.const_args) { // literal arguments: the usual case
    return apply_str_op(expr, scope, in, in_hold, in_buf, expr.arg_values, k_no_kwargs, hold, buf, out);
  }
  return apply_str_op_with_args(expr, scope, in, in_hold, in_buf, hold, buf, out);
}

const Value* Exec::apply_str_op_with_args(const Expr& expr, Scope& scope, const StrView& in, Value& in_hold,
                                          Scratch& in_buf, Value& hold, Scratch& buf, StrView& out) {
  ArgList args;
  KwArgs kwargs;
  eval_filter_args(expr, scope, args, kwargs);
  return apply_str_op(expr, scope, in, in_hold, in_buf, args.span(), kwargs, hold, buf, out);
}

const Value* Exec::apply_str_op(const Expr& expr, Scope& scope, const StrView& in, Value& in_hold, Scratch& in_buf,
                                std::span<const Value> args, const KwArgs& kwargs, Value& hold, Scratch& buf,
                                StrView& out) {
  std::string& b = buf.get();
  b.clear();
  StrView r;
  if (expr.str_op(in, args, kwargs, b, r)) {
    // Keep what the result views alive beyond the caller's level.
    if (r.s.empty()) {
      r.s = {};
      r.src = nullptr;
    } else if (r.src == &in_hold || (in_hold.is_string() && views_into(r.s, in_hold.as_string()))) {
      hold = std::move(in_hold);
      if (r.src) r.src = &hold;
    } else if (in_buf.peek() && views_into(r.s, *in_buf.peek())) {
      b.assign(r.s);
      r.s = b;
      r.src = nullptr;
    }
    out = r;
    return nullptr;
  }
  // Declined: the full filter on the input as a Value.
  Value input = in.src ? *in.src : Value(std::string(in.s), in.safe);
  hold = call_filter(*this, expr, scope, input, args, kwargs);
  return string_result(hold, out);
}

const Value* Exec::string_result(const Value& v, StrView& out) {
  if (!v.is_string()) return &v;
  out = StrView{v.as_string(), v.is_safe(), &v};
  return nullptr;
}

bool Exec::eval_split_index(const Expr& expr, Scope& scope, Value& hold, StrView& out, const Value*& result) {
  // `s.split(sep)[k]` with a string `s` and a non-empty string `sep` (NexT's menu entries:
  // `value.split('||')[0]`): piece k viewed in place, without building the array. Operands
  // without calls only, so that declining and evaluating again is harmless.
  const Expr& call = *expr.args[0];
  const Expr& index = *expr.args[1];
  if (call.kind != ExprKind::Call || call.args.size() != 2 || !call.kwargs.empty() ||
      index.kind != ExprKind::Literal || !index.literal.is_number()) {
    return false;
  }
  const Expr& callee = *call.args[0];
  if (callee.kind != ExprKind::Attr || callee.name != "split" || callee.args[0]->has_call || call.args[1]->has_call) {
    return false;
  }
  double k = index.literal.as_number();
  if (!(k >= 0 && k == std::floor(k) && k < 4294967295.0)) return false;
  const Value& obj = eval_ref(*callee.args[0], scope, hold);
  if (!obj.is_string()) return false;
  Value sep_tmp;
  const Value& sep = eval_ref(*call.args[1], scope, sep_tmp);
  if (!sep.is_string() || sep.as_string().empty()) return false;
  std::string_view s = obj.as_string(), d = sep.as_string();
  size_t start = 0;
  for (size_t i = 0; i < static_cast<size_t>(k); ++i) {
    size_t at = s.find(d, start);
    if (at == std::string_view::npos) {
      result = &k_undefined; // past the last piece
      return true;
    }
    start = at + d.size();
  }
  size_t end = s.find(d, start);
  out = StrView{s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start), false, nullptr};
  result = nullptr;
  return true;
}

Value Exec::eval_call(const Expr& expr, Scope& scope, std::string* direct, bool* wrote) {
  const Expr& callee_expr = *expr.args[0];
  ArgList args;
  auto eval_args = [&] {
    for (size_t i = 1; i < expr.args.size(); ++i) args.push(eval(*expr.args[i], scope));
  };
  Value callee_tmp;
  const Value* callee = nullptr;
  if (callee_expr.kind == ExprKind::Name && callee_expr.name == "super") {
    const Value* user = lookup_ptr(scope, "super");
    if (!user || user->is_undefined()) {
      if (!scope.block) fail(scope, expr.span, "super() is only available inside a block");
      const BlockRef* sup = scope.ctx->get_super(scope.block->node->text, scope.block);
      if (!sup) fail(scope, expr.span, fmt::format("no super block available for '{}'", scope.block->node->text));
      Frame frame;
      frame.parent = scope.frame;
      frame.isolate_writes = true;
      frame.compile_root = true;
      Scope inner{&frame, scope.ctx, sup->tmpl, nullptr, sup};
      if (direct) {
        exec_body(sup->node->body, inner, *direct);
        *wrote = true;
        return {};
      }
      std::string out;
      exec_body(sup->node->body, inner, out);
      return Value::safe(std::move(out));
    }
    callee = user;
  } else if (callee_expr.kind == ExprKind::Attr) {
    Value obj_tmp;
    const Value* obj = &eval_ref(*callee_expr.args[0], scope, obj_tmp);
    if (expr.later_call && obj != &obj_tmp) { // the arguments run code that could rebind it
      Value copy = *obj;
      obj_tmp = std::move(copy);
      obj = &obj_tmp;
    }
    if (obj->is_string() || obj->is_array() || obj->is_number()) {
      eval_args();
      Value result;
      std::string error;
      if (call_builtin_method(*obj, callee_expr.name, args.span(), result, error)) {
        if (!error.empty()) fail(scope, expr.span, error);
        return result;
      }
      args.clear();
    }
    callee_tmp = member(*obj, std::string_view(callee_expr.name));
    callee = &callee_tmp;
  } else {
    callee = &eval_ref(callee_expr, scope, callee_tmp);
    if (expr.later_call && callee != &callee_tmp) { // the arguments run code that could rebind it
      Value copy = *callee;
      callee_tmp = std::move(copy);
      callee = &callee_tmp;
    }
  }
  const base::Native* native = callee->as_native();
  const MacroValue* macro = native && typeid(*native) == typeid(MacroValue) ? static_cast<const MacroValue*>(native) : nullptr;
  const Callable* fn = macro ? macro : native ? dynamic_cast<const Callable*>(native) : nullptr;
  if (!fn) {
    fail(scope, callee_expr.span,
         fmt::format("Unable to call `{}`, which is {}", source_text(scope, callee_expr.span),
                     callee->truthy() ? "not a function" : "undefined or falsey"));
  }
  if (args.size() == 0) eval_args();
  KwArgs kwargs;
  for (const auto& [k, e] : expr.kwargs) kwargs.emplace_back(k, eval(*e, scope));
  if (call_depth >= k_max_call_depth) {
    fail(scope, expr.span, fmt::format("calls nest too deeply (limit {})", k_max_call_depth));
  }
  ++call_depth;
  current = &scope;
  if (macro) {
    if (direct) {
      call_macro_into(*macro, args.span(), kwargs, *direct);
      --call_depth;
      *wrote = true;
      return {};
    }
    Value result = call_macro(*macro, args.span(), kwargs);
    --call_depth;
    return result;
  }
  CallContext cc(*this);
  auto result = fn->call(cc, args.span(), kwargs);
  --call_depth;
  if (!result) {
    if (result.error().where.path.empty()) fail(scope, expr.span, result.error().message);
    throw RenderError{result.error()};
  }
  return std::move(*result);
}

namespace {
// `a op b` as JavaScript evaluates it; two numbers (loop counters, counts) compare directly.
bool compare(CmpOp op, const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    double x = a.as_number(), y = b.as_number();
    switch (op) {
    case CmpOp::Eq:
    case CmpOp::StrictEq: return x == y;
    case CmpOp::Ne:
    case CmpOp::StrictNe: return x != y;
    case CmpOp::Lt: return x < y;
    case CmpOp::Gt: return x > y;
    case CmpOp::Le: return x <= y;
    case CmpOp::Ge: return x >= y;
    }
  }
  switch (op) {
  case CmpOp::Eq: return js_loose_equal(a, b);
  case CmpOp::Ne: return !js_loose_equal(a, b);
  case CmpOp::StrictEq: return js_strict_equal(a, b);
  case CmpOp::StrictNe: return !js_strict_equal(a, b);
  case CmpOp::Lt: return js_less(a, b);
  case CmpOp::Gt: return js_less(b, a);
  case CmpOp::Le: return js_less_equal(a, b);
  case CmpOp::Ge: return js_less_equal(b, a);
  }
  return false;
}
} // namespace

const Value* Exec::eval_simple(const Expr& expr, const Scope& scope) const {
  switch (expr.kind) {
  case ExprKind::Literal: return &expr.literal;
  case ExprKind::Name: return &lookup_name(expr, scope);
  case ExprKind::Attr: {
    const Value* obj = eval_simple(*expr.args[0], scope);
    if (!obj || !obj->is_object()) return nullptr;
    const Value* v = find_hinted(object_of(*obj), expr.name, expr.hint);
    return v ? v : &k_undefined;
  }
  default: return nullptr;
  }
}

bool Exec::eval_cond(const Expr& expr, Scope& scope) {
  // Same operands in the same order as eval_ref, without building the boolean Values.
  switch (expr.kind) {
  case ExprKind::Name:
  case ExprKind::Attr:
    if (const Value* v = eval_simple(expr, scope)) return v->truthy();
    break;
  case ExprKind::Filter:
    if (expr.builtin_length) { // `if xs | length`: whether there are any, without the number
      if (const Value* v = eval_simple(*expr.args[0], scope)) {
        if (v->is_string()) return !v->as_string().empty();
        if (v->is_array()) return !v->as_array().empty();
        if (v->is_object()) return !object_of(*v).entries().empty();
      }
    }
    break;
  case ExprKind::Compare:
    if (expr.cmp_ops.size() == 1) {
      if (const Value* left = eval_simple(*expr.args[0], scope)) { // no calls: nothing to copy
        if (const Value* right = eval_simple(*expr.args[1], scope)) return compare(expr.cmp_ops[0], *left, *right);
      }
      Value lt, rt;
      const Value* left = &eval_ref(*expr.args[0], scope, lt);
      if (expr.args[1]->has_call && left != &lt) { // the right side runs code that could rebind the left
        Value copy = *left;
        lt = std::move(copy);
        left = &lt;
      }
      const Value& right = eval_ref(*expr.args[1], scope, rt);
      return compare(expr.cmp_ops[0], *left, right);
    }
    break;
  case ExprKind::Not: return !eval_cond(*expr.args[0], scope);
  case ExprKind::And: return eval_cond(*expr.args[0], scope) && eval_cond(*expr.args[1], scope); // && yields an operand
  case ExprKind::Or: return eval_cond(*expr.args[0], scope) || eval_cond(*expr.args[1], scope);
  default: break;
  }
  Value tmp;
  return eval_ref(expr, scope, tmp).truthy();
}

Value Exec::eval(const Expr& expr, Scope& scope) {
  Value tmp;
  const Value& r = eval_ref(expr, scope, tmp);
  if (&r == &tmp) return tmp;
  return r;
}

const Value& Exec::eval_ref(const Expr& expr, Scope& scope, Value& tmp) {
  // The frequent kinds stay in this small function; the rest (with their many temporaries) in
  // eval_ref_other.
  switch (expr.kind) {
  case ExprKind::Literal: return expr.literal;
  case ExprKind::Name: return lookup_name(expr, scope);
  case ExprKind::Attr: {
    const Value& obj = eval_ref(*expr.args[0], scope, tmp);
    if (obj.is_object()) {
      const Value* v = find_hinted(object_of(obj), expr.name, expr.hint);
      return v ? *v : k_undefined;
    }
    return member_into(obj, expr.name, tmp);
  }
  default: return eval_ref_other(expr, scope, tmp);
  }
}

const Value& Exec::lookup_name(const Expr& expr, const Scope& scope) const {
  if (expr.slot_hops != k_no_slot) { // statically bound: one slot, checked
    const Frame* f = scope.frame;
    for (unsigned h = expr.slot_hops; h > 0 && f; --h) f = f->parent;
    if (f) {
      const Value* v = f->slot_value(expr.slot, expr.key, expr.name);
      if (v && !v->is_undefined()) return *v; // an undefined final name: lookup_final
    }
  }
  return lookup_name_dynamic(expr, scope);
}

namespace {
// Nunjucks' JavaScript variable of a final name (Expr::final_name): the innermost frame that has
// it, even undefined; out of line, so that lookup_name_dynamic stays small.
[[gnu::noinline]] const Value* lookup_final(const Expr& expr, const Scope& scope) {
  for (const Frame* f = scope.frame; f; f = f->parent) {
    if (const Value* v = f->find(expr.name, expr.key)) return v;
  }
  return nullptr;
}
} // namespace

const Value& Exec::lookup_name_dynamic(const Expr& expr, const Scope& scope) const {
  const Value* v;
  if (expr.final_name && (v = lookup_final(expr, scope))) return *v;
  if (expr.frameless && frameless_ok) { // no frame or context variable can have it
    const Value& root = scope.ctx->root;
    v = root.is_object() ? find_hinted(object_of(root), expr.name, expr.hint) : nullptr;
  } else if (expr.context_only && frameless_ok) { // no frame can have it
    v = scope.ctx->lookup(expr.name, expr.key, expr.hint);
  } else {
    v = scope.frame->lookup(expr.name, expr.key);
    if (!v) v = scope.ctx->lookup(expr.name, expr.key, expr.hint);
  }
  if (!v) {
    if (expr.global) return *expr.global;
    auto it = impl.globals.find(std::string_view(expr.name));
    if (it != impl.globals.end()) v = &it->second;
  }
  return v ? *v : k_undefined;
}

const Value& Exec::member_into(const Value& obj, std::string_view key, Value& tmp) {
  Value v = member(obj, key); // first: `obj` may live in `tmp`
  tmp = std::move(v);
  return tmp;
}

const Value& Exec::eval_ref_other(const Expr& expr, Scope& scope, Value& tmp) {
  switch (expr.kind) {
  case ExprKind::Literal:
  case ExprKind::Name:
  case ExprKind::Attr: return eval_ref(expr, scope, tmp);
  case ExprKind::Index: {
    const Value* obj = &eval_ref(*expr.args[0], scope, tmp);
    Value keep;
    if (expr.later_call && obj != &tmp) { // the key runs code that could rebind the object
      keep = *obj;
      obj = &keep;
    }
    Value key_tmp;
    const Value& key = eval_ref(*expr.args[1], scope, key_tmp);
    if (obj != &keep) { // a reference into the object stays valid
      if (obj->is_array() && key.is_number()) {
        double d = key.as_number();
        const base::Array& a = obj->as_array();
        if (d >= 0 && d == std::floor(d) && d < static_cast<double>(a.size())) return a[static_cast<size_t>(d)];
      } else if (obj->is_object() && key.is_string()) {
        const Value* v = obj->as_object().find(key.as_string());
        return v ? *v : k_undefined;
      }
    }
    Value v = member(*obj, key);
    tmp = std::move(v);
    return tmp;
  }
  case ExprKind::Call: {
    Value v = eval_call(expr, scope);
    tmp = std::move(v);
    return tmp;
  }
  case ExprKind::Filter: {
    Value in_tmp;
    const Value* in = &eval_ref(*expr.args[0], scope, in_tmp);
    if (expr.later_call && in != &in_tmp) { // the arguments run code that could rebind the input
      Value copy = *in;
      in_tmp = std::move(copy);
      in = &in_tmp;
    }
    Value v = apply_filter(expr, scope, *in);
    tmp = std::move(v);
    return tmp;
  }
  case ExprKind::Test: {
    if (!expr.test) fail(scope, expr.span, fmt::format("unknown test '{}'", expr.name));
    Value v_tmp;
    const Value* v = &eval_ref(*expr.args[0], scope, v_tmp);
    if (expr.later_call && v != &v_tmp) {
      Value copy = *v;
      v_tmp = std::move(copy);
      v = &v_tmp;
    }
    ArgList args;
    for (size_t i = 1; i < expr.args.size(); ++i) args.push(eval(*expr.args[i], scope));
    bool r = expr.test(*v, args.span()) != expr.negate;
    tmp = Value(r);
    return tmp;
  }
  case ExprKind::Not: {
    bool r = !eval_cond(*expr.args[0], scope);
    tmp = Value(r);
    return tmp;
  }
  case ExprKind::Neg:
  case ExprKind::Pos: {
    Value t;
    double d = to_number(eval_ref(*expr.args[0], scope, t));
    tmp = Value(expr.kind == ExprKind::Neg ? -d : d);
    return tmp;
  }
  case ExprKind::Binary: {
    Value at, bt;
    const Value* a = &eval_ref(*expr.args[0], scope, at);
    if (expr.later_call && a != &at) {
      Value copy = *a;
      at = std::move(copy);
      a = &at;
    }
    const Value& b = eval_ref(*expr.args[1], scope, bt);
    Value r;
    switch (expr.bin_op) {
    case BinOp::Add: r = js_add(*a, b); break;
    case BinOp::Concat: {
      std::string s = to_js_string(*a);
      s += to_js_string(b);
      r = Value(std::move(s));
      break;
    }
    case BinOp::Sub: r = Value(to_number(*a) - to_number(b)); break;
    case BinOp::Mul: r = Value(to_number(*a) * to_number(b)); break;
    case BinOp::Div: r = Value(to_number(*a) / to_number(b)); break;
    case BinOp::FloorDiv: r = Value(std::floor(to_number(*a) / to_number(b))); break;
    case BinOp::Mod: r = Value(std::fmod(to_number(*a), to_number(b))); break;
    case BinOp::Pow: {
      double x = to_number(*a), y = to_number(b);
      r = std::isnan(y) || (std::fabs(x) == 1 && std::isinf(y)) ? Value(NAN) : Value(std::pow(x, y));
      break;
    }
    }
    tmp = std::move(r);
    return tmp;
  }
  case ExprKind::Compare: {
    if (expr.cmp_ops.empty()) return eval_ref(*expr.args[0], scope, tmp);
    Value lt, rt;
    const Value* left = &eval_ref(*expr.args[0], scope, lt);
    bool r = false;
    for (size_t i = 0; i < expr.cmp_ops.size(); ++i) {
      const Expr& rhs = *expr.args[i + 1];
      if (rhs.has_call && left != &lt) { // the right side runs code that could rebind the left
        Value copy = *left;
        lt = std::move(copy);
        left = &lt;
      }
      const Value& right = eval_ref(rhs, scope, rt);
      r = compare(expr.cmp_ops[i], *left, right);
      lt = Value(r);
      left = &lt;
    }
    tmp = Value(r);
    return tmp;
  }
  case ExprKind::And: {
    const Value& a = eval_ref(*expr.args[0], scope, tmp);
    if (!a.truthy()) return a;
    return eval_ref(*expr.args[1], scope, tmp);
  }
  case ExprKind::Or: {
    const Value& a = eval_ref(*expr.args[0], scope, tmp);
    if (a.truthy()) return a;
    return eval_ref(*expr.args[1], scope, tmp);
  }
  case ExprKind::In: {
    Value nt, ht;
    const Value* needle = &eval_ref(*expr.args[0], scope, nt);
    if (expr.later_call && needle != &nt) {
      Value copy = *needle;
      nt = std::move(copy);
      needle = &nt;
    }
    const Value& hay = eval_ref(*expr.args[1], scope, ht);
    bool found = false;
    if (hay.is_array()) {
      for (const auto& v : hay.as_array()) {
        if (js_strict_equal(v, *needle)) {
          found = true;
          break;
        }
      }
    } else if (hay.is_string()) {
      found = hay.as_string().find(to_js_string(*needle)) != std::string::npos;
    } else if (hay.is_object()) {
      found = hay.as_object().contains(to_str(*needle));
    } else if (hay.is_native()) {
      auto keys = hay.as_native()->keys();
      found = std::find(keys.begin(), keys.end(), to_str(*needle)) != keys.end();
    } else {
      fail(scope, expr.span,
           fmt::format("Cannot use \"in\" operator to search for \"{}\" in unexpected types.", to_js_string(*needle)));
    }
    tmp = Value(found != expr.negate);
    return tmp;
  }
  case ExprKind::Comma: {
    for (size_t i = 0; i + 1 < expr.args.size(); ++i) {
      Value t;
      eval_ref(*expr.args[i], scope, t);
    }
    if (expr.args.empty()) {
      tmp = Value();
      return tmp;
    }
    return eval_ref(*expr.args.back(), scope, tmp);
  }
  case ExprKind::InlineIf: {
    if (eval_cond(*expr.args[1], scope)) return eval_ref(*expr.args[0], scope, tmp);
    if (expr.args[2]) return eval_ref(*expr.args[2], scope, tmp);
    return k_undefined;
  }
  case ExprKind::List: {
    base::Array items;
    items.reserve(expr.args.size());
    for (const auto& e : expr.args) items.push_back(eval(*e, scope));
    tmp = Value(std::move(items));
    return tmp;
  }
  case ExprKind::Dict: {
    base::Object o;
    for (size_t i = 0; i + 1 < expr.args.size(); i += 2) {
      Value key = eval(*expr.args[i], scope);
      o.set(to_str(key), eval(*expr.args[i + 1], scope));
    }
    tmp = Value(std::move(o));
    return tmp;
  }
  }
  return k_undefined;
}

namespace {
// Nunjucks' makeMacro: parameters without defaults take positional arguments first, extra
// positional arguments fill the parameters with defaults in order; keywords fill the rest.
// The arguments are moved into the frame.
void bind_params(Exec& exec, const Node& node, Frame& frame, Scope& scope, std::span<Value> args, const KwArgs& kwargs) {
  size_t pos = 0;
  for (size_t p = 0; p < node.params.size(); ++p) {
    const auto& [name, def] = node.params[p];
    if (def) continue;
    uint64_t key = key_at(node, p, name);
    if (pos < args.size()) {
      frame.set_local(name, key, std::move(args[pos++]));
    } else {
      const Value* kw = find_kwarg(kwargs, name);
      frame.set_local(name, key, kw ? *kw : Value());
    }
  }
  for (size_t p = 0; p < node.params.size(); ++p) {
    const auto& [name, def] = node.params[p];
    if (!def) continue;
    uint64_t key = key_at(node, p, name);
    if (pos < args.size()) {
      frame.set_local(name, key, std::move(args[pos++]));
    } else if (const Value* kw = find_kwarg(kwargs, name)) {
      frame.set_local(name, key, *kw);
    } else {
      frame.set_local(name, key, exec.eval(*def, scope));
    }
  }
}
} // namespace

void Exec::call_macro_into(const MacroValue& macro, std::span<Value> args, const KwArgs& kwargs, std::string& out) {
  if (macro.expired()) {
    const Template& t = *macro.tmpl();
    throw RenderError{base::error_at(t.path, t.source, macro.node()->span.offset,
                                     "caller() was called after its call block ended", macro.node()->span.length)};
  }
  // Read everything from the macro now: its body may rebind the variable that holds it.
  const Node& node = *macro.node();
  Frame frame;
  if (macro.is_caller()) {
    frame.parent = macro.caller_frame();
    frame.isolate_writes = true;
  } else {
    frame.compile_root = true;
  }
  Scope scope{&frame, macro.ctx(), macro.tmpl(), nullptr, nullptr};
  bind_params(*this, node, frame, scope, args, kwargs);
  if (!macro.is_caller()) {
    // Nunjucks binds kwargs.caller even when undefined; an undefined variable shadows nothing
    // (lookup and `set` pass it by), so only a given caller is bound.
    if (const Value* caller = find_kwarg(kwargs, "caller")) frame.set_local("caller", k_caller_key, *caller);
  }
  exec_body(node.body, scope, out);
}

Value Exec::call_macro(const MacroValue& macro, std::span<Value> args, const KwArgs& kwargs) {
  std::string out;
  call_macro_into(macro, args, kwargs, out);
  return Value::safe(std::move(out));
}

base::Result<Value> MacroValue::call(CallContext& ctx, std::span<const Value> args, const KwArgs& kwargs) const {
  ArgList copy; // the interface's arguments are const: the frame takes copies
  for (const auto& a : args) copy.push(a);
  return ctx.exec().call_macro(*this, copy.span(), kwargs);
}

} // namespace haven::tmpl::detail
