// Internal: the interpreter's state. Frames and contexts model Nunjucks' runtime (Frame with
// resolve-up writes and isolated child frames; Context with variables, blocks and exports), so
// scoping matches Nunjucks exactly.
#pragma once

#include <map>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/value.hpp"
#include "tmpl/ast.hpp"
#include "tmpl/engine.hpp"

namespace haven::tmpl::detail {

// Nesting limits: each level costs several C++ stack frames, and renders run on worker threads
// with small stacks. Nunjucks has no limit (it overflows the JavaScript stack instead).
inline constexpr int k_max_call_depth = 100;   // macro, caller() and function calls
inline constexpr int k_max_include_depth = 40; // include/import/extends chains

// A regular expression literal `r/.../flags` (ECMAScript syntax through std::regex).
class RegexValue : public base::Native {
public:
  RegexValue(std::regex re, std::string source, std::string flags)
      : m_re(std::move(re)), m_source(std::move(source)), m_flags(std::move(flags)) {}
  const std::regex& regex() const { return m_re; }
  bool global() const { return m_flags.find('g') != std::string::npos; }
  base::Value get(std::string_view key) const override;
  std::string_view type_name() const override { return "regexp"; }

private:
  std::regex m_re;
  std::string m_source, m_flags;
};

// A regex Value, or Undefined with `error` set.
base::Value make_regex(const std::string& body, const std::string& flags, std::string& error);

struct RenderError {
  base::Diagnostic diagnostic;
};

struct Frame {
  std::shared_ptr<Frame> parent;
  std::vector<std::pair<std::string_view, base::Value>> vars; // names live in the AST
  bool isolate_writes = false;
  bool top_level = false;    // a template's root frame: `set` also writes the context
  bool compile_root = false; // macros and imports defined here go to the context

  // Nunjucks' lookup: an undefined value does not shadow the parent.
  const base::Value* lookup(std::string_view name) const {
    for (const Frame* f = this; f; f = f->parent.get()) {
      for (const auto& [k, v] : f->vars) {
        if (k == name) {
          if (!v.is_undefined()) return &v;
          break;
        }
      }
    }
    return nullptr;
  }
  void set_local(std::string_view name, base::Value value) {
    for (auto& [k, v] : vars) {
      if (k == name) {
        v = std::move(value);
        return;
      }
    }
    vars.emplace_back(name, std::move(value));
  }
  // `set`: writes where the name is already defined (stopping at an isolated frame), else here.
  void assign(std::string_view name, base::Value value);
};

struct BlockRef {
  const Node* node = nullptr;
  const Template* tmpl = nullptr;
};

struct Context {
  base::Value root; // the render's context Object (shared, never copied)
  std::vector<std::pair<std::string, base::Value>> vars;
  std::vector<std::pair<std::string_view, std::vector<BlockRef>>> blocks;
  std::vector<std::string> exports;

  const base::Value* lookup(std::string_view name) const;
  void set_variable(std::string_view name, base::Value value);
  void add_export(std::string_view name);
  void add_blocks(const Template& tmpl);
  const BlockRef* get_block(std::string_view name) const;
  const BlockRef* get_super(std::string_view name, const BlockRef* current) const;
};

struct Scope {
  std::shared_ptr<Frame> frame;
  Context* ctx = nullptr;
  const Template* tmpl = nullptr;
  const Template** parent = nullptr; // extends target of the current template's root code
  const BlockRef* block = nullptr;   // the block being rendered, for super()
};

struct TemplateLess {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a < b; }
};

} // namespace haven::tmpl::detail

namespace haven::tmpl {

struct Engine::Impl {
  EngineOptions options;
  std::unordered_map<std::string, FilterFn> filters;
  std::unordered_map<std::string, detail::TestFn> tests;
  std::unordered_map<std::string, base::Value> globals;
  std::map<std::string, std::unique_ptr<detail::Template>, detail::TemplateLess> templates;
  bool finalized = false;

  const detail::Template* find(std::string_view name) const {
    auto it = templates.find(name);
    return it == templates.end() || !it->second->parsed ? nullptr : it->second.get();
  }
  // Resolves filter and test names in `body`; unknown names are appended to `errors`.
  void resolve(detail::Template& tmpl, std::vector<base::Diagnostic>& errors) const;
};

} // namespace haven::tmpl

namespace haven::tmpl::detail {

class MacroValue;

// One render call: owns the contexts it creates and tracks nesting depth.
struct Exec {
  const Engine& engine;
  const Engine::Impl& impl;
  int call_depth = 0;
  int include_depth = 0;
  Scope* current = nullptr; // innermost scope, for CallContext::lookup
  std::vector<std::unique_ptr<Context>> contexts;

  Exec(const Engine& e, const Engine::Impl& i) : engine(e), impl(i) {}

  Context* new_context(base::Value root);
  void render_root(const Template& tmpl, Context* ctx, std::shared_ptr<Frame> frame, std::string& out);
  void exec_body(const Body& body, Scope& scope, std::string& out);
  void exec_node(const Node& node, Scope& scope, std::string& out);
  base::Value eval(const Expr& expr, Scope& scope);
  base::Value lookup(const Scope& scope, std::string_view name) const;
  base::Value call_macro(const MacroValue& macro, std::span<const base::Value> args, const KwArgs& kwargs);
  base::Value apply_filter(const Expr& expr, Scope& scope, base::Value input);
  void emit(std::string& out, const base::Value& value) const;
  [[noreturn]] void fail(const Scope& scope, Span span, std::string message) const;

private:
  void exec_for(const Node& node, Scope& scope, std::string& out);
  void bind(Scope& scope, std::string_view name, base::Value value);
  base::Value eval_call(const Expr& expr, Scope& scope);
  base::Value export_of(const Template& tmpl, Scope& scope, bool with_context);
  const Template& find_template(const Scope& scope, const Expr& expr, const base::Value& name);
};

// A macro (or a `call` block's caller) bound to the context it was defined in.
class MacroValue : public Callable {
public:
  MacroValue(const Node* node, const Template* tmpl, Context* ctx, std::shared_ptr<Frame> caller_frame)
      : m_node(node), m_tmpl(tmpl), m_ctx(ctx), m_caller_frame(std::move(caller_frame)) {}
  base::Result<base::Value> call(CallContext& ctx, std::span<const base::Value> args, const KwArgs& kwargs) const override;
  const Node* node() const { return m_node; }
  const Template* tmpl() const { return m_tmpl; }
  Context* ctx() const { return m_ctx; }
  const std::shared_ptr<Frame>& caller_frame() const { return m_caller_frame; }

private:
  const Node* m_node;
  const Template* m_tmpl;
  Context* m_ctx; // owned by the Exec of the render (macros do not outlive a render)
  std::shared_ptr<Frame> m_caller_frame; // set for a call block's caller (sees the call site)
};

// JavaScript operators on template values.
base::Value js_add(const base::Value& a, const base::Value& b);
bool js_loose_equal(const base::Value& a, const base::Value& b);
bool js_strict_equal(const base::Value& a, const base::Value& b);
bool js_less(const base::Value& a, const base::Value& b);          // a < b
bool js_less_equal(const base::Value& a, const base::Value& b);    // a <= b
// obj[key] as Nunjucks' memberLookup (strings and arrays have `length`, indexes).
base::Value member(const base::Value& obj, const base::Value& key);
base::Value member(const base::Value& obj, std::string_view key);
// String.prototype / Array.prototype methods templates call ("a,b".split(",")); false when
// `name` is not a supported method of `obj`.
bool call_builtin_method(const base::Value& obj, std::string_view name, std::span<const base::Value> args,
                         base::Value& result, std::string& error);

// Registers the builtin filters, tests and globals.
void install_builtins(Engine::Impl& impl);

} // namespace haven::tmpl::detail
