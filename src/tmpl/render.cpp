// The tree-walking interpreter. Runtime errors are thrown internally as RenderError (with the
// file:line:col of the failing node) and turned into a Diagnostic at the render() boundary.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "tmpl/runtime.hpp"
#include "tmpl/util.hpp"

namespace haven::tmpl::detail {

using base::Value;

// ---------------------------------------------------------------- frames and contexts

void Frame::assign(std::string_view name, Value value) {
  // Nunjucks' Frame.resolve(name, forWrite): an isolated frame stops the search at itself only.
  Frame* target = nullptr;
  bool first = true;
  for (Frame* f = this; f; f = f->parent.get()) {
    auto it = std::find_if(f->vars.begin(), f->vars.end(), [&](const auto& kv) { return kv.first == name; });
    if (it != f->vars.end() && !it->second.is_undefined()) {
      target = f;
      break;
    }
    if (first && f->isolate_writes) break;
    first = false;
  }
  (target ? target : this)->set_local(name, std::move(value));
}

const Value* Context::lookup(std::string_view name) const {
  for (auto it = vars.rbegin(); it != vars.rend(); ++it) {
    if (it->first == name) return &it->second;
  }
  if (root.is_object()) return root.as_object().find(name);
  return nullptr;
}

void Context::set_variable(std::string_view name, Value value) {
  for (auto& [k, v] : vars) {
    if (k == name) {
      v = std::move(value);
      return;
    }
  }
  vars.emplace_back(std::string(name), std::move(value));
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
    return static_cast<int64_t>(std::strtoull(key.as_string().c_str(), nullptr, 10));
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
  case Value::Kind::Native: return obj.native_ptr()->get(key);
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
    const std::string& s = obj.as_string();
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
    const std::string& s = obj.as_string();
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
      std::string out = s;
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
        result = Value(name == "padStart" ? pad + s : s + pad);
      }
    } else if (name == "split") {
      base::Array parts;
      if (args.empty() || args[0].is_undefined()) {
        parts.emplace_back(s);
      } else if (auto* re = args[0].is_native() ? dynamic_cast<const RegexValue*>(args[0].native_ptr().get()) : nullptr) {
        std::sregex_token_iterator it(s.begin(), s.end(), re->regex(), -1), end;
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
        result = regex_replace(s, *re, with);
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
      if (re && re->global()) {
        for (std::sregex_iterator it(s.begin(), s.end(), rx), end; it != end; ++it) found.emplace_back(it->str());
      } else {
        std::smatch m;
        if (std::regex_search(s, m, rx)) {
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
class LoopInfo : public base::Native {
public:
  LoopInfo(size_t index, size_t length) : m_index(index), m_length(length) {}
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
  size_t m_index, m_length;
};

std::string_view source_text(const Scope& s, Span span) {
  return std::string_view(s.tmpl->source).substr(span.offset, span.length);
}
} // namespace

// ---------------------------------------------------------------- Exec

Context* Exec::new_context(Value root) {
  contexts.push_back(std::make_unique<Context>());
  contexts.back()->root = std::move(root);
  return contexts.back().get();
}

void Exec::fail(const Scope& scope, Span span, std::string message) const {
  throw RenderError{base::error_at(scope.tmpl->path, scope.tmpl->source, span.offset, std::move(message), span.length)};
}

Value Exec::lookup(const Scope& scope, std::string_view name) const {
  if (const Value* v = scope.frame->lookup(name)) return *v;
  if (const Value* v = scope.ctx->lookup(name)) return *v;
  auto it = impl.globals.find(std::string(name));
  return it == impl.globals.end() ? Value() : it->second;
}

void Exec::emit(std::string& out, const Value& v) const {
  switch (v.kind()) {
  case Value::Kind::Undefined:
  case Value::Kind::Null: return;
  case Value::Kind::String:
    if (impl.options.autoescape && !v.is_safe()) {
      append_escaped(out, v.as_string());
    } else {
      out += v.as_string();
    }
    return;
  case Value::Kind::Number: out += js_number(v.as_number()); return;
  case Value::Kind::Bool: out += v.as_bool() ? "true" : "false"; return;
  default:
    if (impl.options.autoescape) {
      append_escaped(out, to_str(v));
    } else {
      out += to_str(v);
    }
  }
}

void Exec::render_root(const Template& tmpl, Context* ctx, std::shared_ptr<Frame> frame, std::string& out) {
  const Template* parent = nullptr;
  Scope scope{frame, ctx, &tmpl, &parent, nullptr};
  size_t start = out.size();
  int depth = include_depth;
  exec_body(tmpl.body, scope, out);
  if (parent) {
    out.resize(start); // a child's own top-level output is discarded, as in Nunjucks
    render_root(*parent, ctx, std::move(frame), out);
  }
  include_depth = depth;
}

void Exec::exec_body(const Body& body, Scope& scope, std::string& out) {
  for (const auto& node : body) exec_node(*node, scope, out);
}

void Exec::bind(Scope& scope, std::string_view name, Value value) {
  if (scope.frame->compile_root) {
    scope.ctx->set_variable(name, std::move(value));
  } else {
    scope.frame->set_local(name, std::move(value));
  }
}

const Template& Exec::find_template(const Scope& scope, const Expr& expr, const Value& name) {
  std::string key = to_str(name);
  const Template* t = impl.find(key);
  if (!t) fail(scope, expr.span, fmt::format("template not found: {}", key));
  return *t;
}

Value Exec::export_of(const Template& tmpl, Scope& scope, bool with_context) {
  if (++include_depth > k_max_include_depth) {
    fail(scope, Span{}, fmt::format("templates nest too deeply (limit {})", k_max_include_depth));
  }
  Context* ctx = new_context(with_context ? scope.ctx->root : Value(base::Object{}));
  if (with_context) ctx->vars = scope.ctx->vars;
  ctx->add_blocks(tmpl);
  auto frame = std::make_shared<Frame>();
  if (with_context) frame->parent = scope.frame;
  frame->top_level = true;
  frame->compile_root = true;
  std::string sink;
  render_root(tmpl, ctx, frame, sink);
  --include_depth;
  base::Object exported;
  for (const auto& name : ctx->exports) {
    if (const Value* v = ctx->lookup(name)) exported.set(name, *v);
  }
  return Value(std::move(exported));
}

void Exec::exec_node(const Node& node, Scope& scope, std::string& out) {
  switch (node.kind) {
  case NodeKind::Text: out += node.text; return;
  case NodeKind::Output: {
    Value v = eval(*node.expr, scope);
    if (impl.options.strict_undefined && v.is_undefined()) {
      fail(scope, node.expr->span, fmt::format("'{}' is undefined", source_text(scope, node.expr->span)));
    }
    emit(out, v);
    return;
  }
  case NodeKind::If:
    for (const auto& [cond, body] : node.branches) {
      if (eval(*cond, scope).truthy()) {
        exec_body(body, scope, out);
        return;
      }
    }
    exec_body(node.else_body, scope, out);
    return;
  case NodeKind::For: exec_for(node, scope, out); return;
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
    for (const auto& target : node.targets) {
      scope.frame->assign(target, v);
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
    Value callee = eval(*call.args[0], scope);
    std::vector<Value> args;
    for (size_t i = 1; i < call.args.size(); ++i) args.push_back(eval(*call.args[i], scope));
    KwArgs kwargs;
    for (const auto& [k, e] : call.kwargs) kwargs.emplace_back(k, eval(*e, scope));
    kwargs.emplace_back("caller", Value(std::make_shared<const MacroValue>(&node, scope.tmpl, scope.ctx, scope.frame)));
    auto* fn = callee.is_native() ? dynamic_cast<const Callable*>(callee.native_ptr().get()) : nullptr;
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
    CallContext cc(*this);
    auto result = fn->call(cc, args, kwargs);
    --call_depth;
    if (!result) {
      if (result.error().where.path.empty()) fail(scope, call.span, result.error().message);
      throw RenderError{result.error()};
    }
    emit(out, *result);
    return;
  }
  case NodeKind::Import: {
    Value name = eval(*node.expr, scope);
    const Template& t = find_template(scope, *node.expr, name);
    bind(scope, node.text, export_of(t, scope, node.flag));
    return;
  }
  case NodeKind::FromImport: {
    Value name = eval(*node.expr, scope);
    const Template& t = find_template(scope, *node.expr, name);
    Value exported = export_of(t, scope, node.flag);
    for (const auto& [imported, alias] : node.names) {
      const Value* v = exported.as_object().find(imported);
      if (!v) fail(scope, node.span, fmt::format("cannot import '{}'", imported));
      bind(scope, alias, *v);
    }
    return;
  }
  case NodeKind::Include: {
    Value name = eval(*node.expr, scope);
    const Template* t = impl.find(to_str(name));
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
    auto frame = std::make_shared<Frame>();
    frame->parent = scope.frame;
    frame->isolate_writes = true;
    frame->top_level = true;
    frame->compile_root = true;
    render_root(*t, ctx, frame, out);
    --include_depth;
    return;
  }
  case NodeKind::Extends: {
    if (!scope.parent) fail(scope, node.span, "'extends' is only allowed at the top level of a template");
    Value name = eval(*node.expr, scope);
    const Template& t = find_template(scope, *node.expr, name);
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
    auto frame = std::make_shared<Frame>();
    frame->parent = scope.frame;
    frame->isolate_writes = true;
    frame->compile_root = true;
    Scope inner{frame, scope.ctx, block->tmpl, nullptr, block};
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

void Exec::exec_for(const Node& node, Scope& scope, std::string& out) {
  Value seq = eval(*node.expr, scope);
  auto frame = std::make_shared<Frame>();
  frame->parent = scope.frame;
  Scope inner = scope;
  inner.frame = frame;
  bool iterated = false;
  const auto& targets = node.targets;
  auto run = [&](size_t i, size_t n) {
    frame->set_local("loop", Value(std::make_shared<const LoopInfo>(i, n)));
    exec_body(node.body, inner, out);
    iterated = true;
  };
  if (seq.is_array()) {
    auto arr = seq.array_ptr(); // keep alive while iterating
    size_t n = arr->size();
    for (size_t i = 0; i < n; ++i) {
      const Value& item = (*arr)[i];
      if (targets.size() == 1) {
        frame->set_local(targets[0], item);
      } else {
        for (size_t u = 0; u < targets.size(); ++u) frame->set_local(targets[u], member(item, Value(static_cast<double>(u))));
      }
      run(i, n);
    }
  } else if (seq.is_string() && targets.size() == 1) {
    auto chars = utf8_chars(seq.as_string());
    for (size_t i = 0; i < chars.size(); ++i) {
      frame->set_local(targets[0], Value(chars[i]));
      run(i, chars.size());
    }
  } else if (targets.size() >= 2 && (seq.is_object() || seq.is_native() || seq.is_string())) {
    std::vector<std::pair<std::string, Value>> entries;
    if (seq.is_object()) {
      for (auto* e : js_entries(seq.as_object())) entries.emplace_back(e->first, e->second);
    } else if (seq.is_native()) {
      for (auto& k : seq.native_ptr()->keys()) entries.emplace_back(k, seq.native_ptr()->get(k));
    } else {
      auto chars = utf8_chars(seq.as_string());
      for (size_t i = 0; i < chars.size(); ++i) entries.emplace_back(std::to_string(i), Value(chars[i]));
    }
    for (size_t i = 0; i < entries.size(); ++i) {
      frame->set_local(targets[0], Value(entries[i].first));
      frame->set_local(targets[1], entries[i].second);
      run(i, entries.size());
    }
  }
  if (!iterated) exec_body(node.else_body, scope, out);
}

Value Exec::apply_filter(const Expr& expr, Scope& scope, Value input) {
  if (!expr.filter) fail(scope, expr.span, fmt::format("unknown filter '{}'", expr.name));
  std::vector<Value> args;
  args.reserve(expr.args.size());
  for (size_t i = 1; i < expr.args.size(); ++i) args.push_back(eval(*expr.args[i], scope));
  KwArgs kwargs;
  for (const auto& [k, e] : expr.kwargs) kwargs.emplace_back(k, eval(*e, scope));
  current = &scope;
  CallContext cc(*this);
  auto result = (*expr.filter)(cc, input, args, kwargs);
  if (!result) {
    if (result.error().where.path.empty()) fail(scope, expr.span, fmt::format("{}: {}", expr.name, result.error().message));
    throw RenderError{result.error()};
  }
  return std::move(*result);
}

Value Exec::eval_call(const Expr& expr, Scope& scope) {
  const Expr& callee_expr = *expr.args[0];
  std::vector<Value> args;
  args.reserve(expr.args.size());
  auto eval_args = [&] {
    for (size_t i = 1; i < expr.args.size(); ++i) args.push_back(eval(*expr.args[i], scope));
  };
  Value callee;
  if (callee_expr.kind == ExprKind::Name && callee_expr.name == "super") {
    Value user = lookup(scope, "super");
    if (user.is_undefined()) {
      if (!scope.block) fail(scope, expr.span, "super() is only available inside a block");
      const BlockRef* sup = scope.ctx->get_super(scope.block->node->text, scope.block);
      if (!sup) fail(scope, expr.span, fmt::format("no super block available for '{}'", scope.block->node->text));
      auto frame = std::make_shared<Frame>();
      frame->parent = scope.frame;
      frame->isolate_writes = true;
      frame->compile_root = true;
      Scope inner{frame, scope.ctx, sup->tmpl, nullptr, sup};
      std::string out;
      exec_body(sup->node->body, inner, out);
      return Value::safe(std::move(out));
    }
    callee = std::move(user);
  } else if (callee_expr.kind == ExprKind::Attr) {
    Value obj = eval(*callee_expr.args[0], scope);
    if (obj.is_string() || obj.is_array() || obj.is_number()) {
      eval_args();
      Value result;
      std::string error;
      if (call_builtin_method(obj, callee_expr.name, args, result, error)) {
        if (!error.empty()) fail(scope, expr.span, error);
        return result;
      }
      args.clear();
    }
    callee = member(obj, std::string_view(callee_expr.name));
  } else {
    callee = eval(callee_expr, scope);
  }
  auto* fn = callee.is_native() ? dynamic_cast<const Callable*>(callee.native_ptr().get()) : nullptr;
  if (!fn) {
    fail(scope, callee_expr.span,
         fmt::format("Unable to call `{}`, which is {}", source_text(scope, callee_expr.span),
                     callee.truthy() ? "not a function" : "undefined or falsey"));
  }
  if (args.empty()) eval_args();
  KwArgs kwargs;
  for (const auto& [k, e] : expr.kwargs) kwargs.emplace_back(k, eval(*e, scope));
  if (call_depth >= k_max_call_depth) {
    fail(scope, expr.span, fmt::format("calls nest too deeply (limit {})", k_max_call_depth));
  }
  ++call_depth;
  current = &scope;
  CallContext cc(*this);
  auto result = fn->call(cc, args, kwargs);
  --call_depth;
  if (!result) {
    if (result.error().where.path.empty()) fail(scope, expr.span, result.error().message);
    throw RenderError{result.error()};
  }
  return std::move(*result);
}

Value Exec::eval(const Expr& expr, Scope& scope) {
  switch (expr.kind) {
  case ExprKind::Literal: return expr.literal;
  case ExprKind::Name: return lookup(scope, expr.name);
  case ExprKind::Attr: return member(eval(*expr.args[0], scope), std::string_view(expr.name));
  case ExprKind::Index: {
    Value obj = eval(*expr.args[0], scope);
    return member(obj, eval(*expr.args[1], scope));
  }
  case ExprKind::Call: return eval_call(expr, scope);
  case ExprKind::Filter: return apply_filter(expr, scope, eval(*expr.args[0], scope));
  case ExprKind::Test: {
    if (!expr.test) fail(scope, expr.span, fmt::format("unknown test '{}'", expr.name));
    Value v = eval(*expr.args[0], scope);
    std::vector<Value> args;
    for (size_t i = 1; i < expr.args.size(); ++i) args.push_back(eval(*expr.args[i], scope));
    return Value(expr.test(v, args) != expr.negate);
  }
  case ExprKind::Not: return Value(!eval(*expr.args[0], scope).truthy());
  case ExprKind::Neg: return Value(-to_number(eval(*expr.args[0], scope)));
  case ExprKind::Pos: return Value(to_number(eval(*expr.args[0], scope)));
  case ExprKind::Binary: {
    Value a = eval(*expr.args[0], scope);
    Value b = eval(*expr.args[1], scope);
    switch (expr.bin_op) {
    case BinOp::Add: return js_add(a, b);
    case BinOp::Concat: return Value(to_js_string(a) + to_js_string(b));
    case BinOp::Sub: return Value(to_number(a) - to_number(b));
    case BinOp::Mul: return Value(to_number(a) * to_number(b));
    case BinOp::Div: return Value(to_number(a) / to_number(b));
    case BinOp::FloorDiv: return Value(std::floor(to_number(a) / to_number(b)));
    case BinOp::Mod: return Value(std::fmod(to_number(a), to_number(b)));
    case BinOp::Pow: {
      double x = to_number(a), y = to_number(b);
      if (std::isnan(y) || (std::fabs(x) == 1 && std::isinf(y))) return Value(NAN);
      return Value(std::pow(x, y));
    }
    }
    return {};
  }
  case ExprKind::Compare: {
    Value left = eval(*expr.args[0], scope);
    for (size_t i = 0; i < expr.cmp_ops.size(); ++i) {
      Value right = eval(*expr.args[i + 1], scope);
      bool r = false;
      switch (expr.cmp_ops[i]) {
      case CmpOp::Eq: r = js_loose_equal(left, right); break;
      case CmpOp::Ne: r = !js_loose_equal(left, right); break;
      case CmpOp::StrictEq: r = js_strict_equal(left, right); break;
      case CmpOp::StrictNe: r = !js_strict_equal(left, right); break;
      case CmpOp::Lt: r = js_less(left, right); break;
      case CmpOp::Gt: r = js_less(right, left); break;
      case CmpOp::Le: r = js_less_equal(left, right); break;
      case CmpOp::Ge: r = js_less_equal(right, left); break;
      }
      left = Value(r);
    }
    return left;
  }
  case ExprKind::And: {
    Value a = eval(*expr.args[0], scope);
    return a.truthy() ? eval(*expr.args[1], scope) : a;
  }
  case ExprKind::Or: {
    Value a = eval(*expr.args[0], scope);
    return a.truthy() ? a : eval(*expr.args[1], scope);
  }
  case ExprKind::In: {
    Value needle = eval(*expr.args[0], scope);
    Value hay = eval(*expr.args[1], scope);
    bool found = false;
    if (hay.is_array()) {
      for (const auto& v : hay.as_array()) {
        if (js_strict_equal(v, needle)) {
          found = true;
          break;
        }
      }
    } else if (hay.is_string()) {
      found = hay.as_string().find(to_js_string(needle)) != std::string::npos;
    } else if (hay.is_object()) {
      found = hay.as_object().contains(to_str(needle));
    } else if (hay.is_native()) {
      auto keys = hay.native_ptr()->keys();
      found = std::find(keys.begin(), keys.end(), to_str(needle)) != keys.end();
    } else {
      fail(scope, expr.span,
           fmt::format("Cannot use \"in\" operator to search for \"{}\" in unexpected types.", to_js_string(needle)));
    }
    return Value(found != expr.negate);
  }
  case ExprKind::Comma: {
    Value last;
    for (const auto& e : expr.args) last = eval(*e, scope);
    return last;
  }
  case ExprKind::InlineIf:
    if (eval(*expr.args[1], scope).truthy()) return eval(*expr.args[0], scope);
    return expr.args[2] ? eval(*expr.args[2], scope) : Value();
  case ExprKind::List: {
    base::Array items;
    items.reserve(expr.args.size());
    for (const auto& e : expr.args) items.push_back(eval(*e, scope));
    return Value(std::move(items));
  }
  case ExprKind::Dict: {
    base::Object o;
    for (size_t i = 0; i + 1 < expr.args.size(); i += 2) {
      Value key = eval(*expr.args[i], scope);
      o.set(to_str(key), eval(*expr.args[i + 1], scope));
    }
    return Value(std::move(o));
  }
  }
  return {};
}

Value Exec::call_macro(const MacroValue& macro, std::span<const Value> args, const KwArgs& kwargs) {
  const Node& node = *macro.node();
  auto frame = std::make_shared<Frame>();
  if (macro.caller_frame()) {
    frame->parent = macro.caller_frame();
    frame->isolate_writes = true;
  } else {
    frame->compile_root = true;
  }
  Scope scope{frame, macro.ctx(), macro.tmpl(), nullptr, nullptr};
  auto find_kwarg = [&](std::string_view name) -> const Value* {
    for (const auto& [k, v] : kwargs) {
      if (k == name) return &v;
    }
    return nullptr;
  };
  // Nunjucks' makeMacro: parameters without defaults take positional arguments first, extra
  // positional arguments fill the parameters with defaults in order; keywords fill the rest.
  size_t pos = 0;
  for (const auto& [name, def] : node.params) {
    if (def) continue;
    if (pos < args.size()) {
      frame->set_local(name, args[pos++]);
    } else {
      const Value* kw = find_kwarg(name);
      frame->set_local(name, kw ? *kw : Value());
    }
  }
  for (const auto& [name, def] : node.params) {
    if (!def) continue;
    if (pos < args.size()) {
      frame->set_local(name, args[pos++]);
    } else if (const Value* kw = find_kwarg(name)) {
      frame->set_local(name, *kw);
    } else {
      frame->set_local(name, eval(*def, scope));
    }
  }
  if (!macro.caller_frame()) {
    const Value* caller = find_kwarg("caller");
    frame->set_local("caller", caller ? *caller : Value());
  }
  std::string out;
  exec_body(node.body, scope, out);
  return Value::safe(std::move(out));
}

base::Result<Value> MacroValue::call(CallContext& ctx, std::span<const Value> args, const KwArgs& kwargs) const {
  return ctx.exec().call_macro(*this, args, kwargs);
}

} // namespace haven::tmpl::detail
