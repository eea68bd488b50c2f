// Internal: the interpreter's state. Frames and contexts model Nunjucks' runtime (Frame with
// resolve-up writes and isolated child frames; Context with variables, blocks and exports), so
// scoping matches Nunjucks exactly.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <span>
#include <map>
#include <optional>
#include <memory>
#include <new>
#include <regex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
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

// Name equality for short identifiers: inline word compares beat a call to memcmp (names and
// keys are a few bytes; the loads never leave either string).
inline bool same_name(std::string_view a, std::string_view b) {
  size_t n = a.size();
  if (n != b.size()) return false;
  const char* p = a.data();
  const char* q = b.data();
  auto eq8 = [](const char* x, const char* y) {
    uint64_t u, v;
    std::memcpy(&u, x, 8);
    std::memcpy(&v, y, 8);
    return u == v;
  };
  auto eq4 = [](const char* x, const char* y) {
    uint32_t u, v;
    std::memcpy(&u, x, 4);
    std::memcpy(&v, y, 4);
    return u == v;
  };
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8) {
      if (!eq8(p + i, q + i)) return false;
    }
    return eq8(p + n - 8, q + n - 8); // the last word overlaps the previous one
  }
  if (n >= 4) return eq4(p, q) && eq4(p + n - 4, q + n - 4);
  return n == 0 || (p[0] == q[0] && p[n / 2] == q[n / 2] && p[n - 1] == q[n - 1]);
}

// A variable name as one integer, so scopes compare names with one instruction. A name of up to
// seven bytes is its bytes and its length (equal keys: equal names); a longer name is a hash
// with the top byte 0xFF (equal keys: compare the names too, `name_key_exact` is false).
inline uint64_t name_key(std::string_view s) {
  size_t n = s.size();
  auto byte = [&](size_t i) { return static_cast<uint64_t>(static_cast<unsigned char>(s[i])); };
  if (n < 8) {
    uint64_t k = static_cast<uint64_t>(n) << 56;
    if (n >= 4) { // two overlapping four-byte loads cover the name
      uint32_t lo, hi;
      std::memcpy(&lo, s.data(), 4);
      std::memcpy(&hi, s.data() + n - 4, 4);
      return k | lo | (static_cast<uint64_t>(hi) << (8 * (n - 4)));
    }
    if (n > 0) k |= byte(0) | (byte(n / 2) << (8 * (n / 2))) | (byte(n - 1) << (8 * (n - 1)));
    return k;
  }
  uint64_t first, last;
  std::memcpy(&first, s.data(), 8);
  std::memcpy(&last, s.data() + n - 8, 8);
  uint64_t h = (first ^ ((last << 29) | (last >> 35)) ^ (n * 0x9E3779B97F4A7C15ull)) * 0xFF51AFD7ED558CCDull;
  return (h ^ (h >> 32)) | (uint64_t{0xFF} << 56);
}
inline bool name_key_exact(uint64_t key) { return (key >> 56) != 0xFF; }
// Whether a variable named `var` with name_key `var_key` is `name` with key `key`: keys of short
// names decide alone; long names compare their bytes too (out of line: rare).
[[gnu::noinline]] bool same_long_name(std::string_view a, std::string_view b);
inline bool is_name(uint64_t var_key, std::string_view var, uint64_t key, std::string_view name) {
  return var_key == key && (name_key_exact(key) || same_long_name(var, name));
}

// A few elements on the stack, more on the heap (sort orders and keys; lists in templates are
// short).
template <class T>
class SmallVec {
public:
  explicit SmallVec(size_t n) : m_n(n) {
    if (n > k_inline) m_heap.resize(n);
  }
  T& operator[](size_t i) { return data()[i]; }
  T* data() { return m_n > k_inline ? m_heap.data() : m_inline.data(); }
  std::span<T> span() { return {data(), m_n}; }

private:
  static constexpr size_t k_inline = 16;
  std::array<T, k_inline> m_inline{};
  std::vector<T> m_heap;
  size_t m_n;
};

// `o.find(key)`, trying entry `hint` first: objects of one shape (every post) keep a key at the
// same position. Updates the hint (shared by threads: relaxed, only ever a guess).
const base::Value* find_hinted_miss(const base::Object& o, std::string_view key, std::atomic<uint32_t>& hint);
inline const base::Value* find_hinted(const base::Object& o, std::string_view key, std::atomic<uint32_t>& hint) {
  const auto& entries = o.entries();
  uint32_t h = hint.load(std::memory_order_relaxed);
  if (h < entries.size() && same_name(entries[h].first, key)) return &entries[h].second; // inline: the usual case
  return find_hinted_miss(o, key, hint);
}

struct RenderError {
  base::Diagnostic diagnostic;
};

// One scope of Nunjucks' Frame chain. Frames live on the C++ stack of the statement that opens
// them (for, macro call, block, include, render), so `parent` is a plain pointer: a child frame
// never outlives its parent. Not copyable: children point at it.
struct Frame {
  Frame* parent = nullptr;
  bool isolate_writes = false;
  bool top_level = false;    // a template's root frame: `set` also writes the context
  bool compile_root = false; // macros and imports defined here go to the context

  Frame() = default;
  Frame(const Frame&) = delete;
  Frame& operator=(const Frame&) = delete;
  ~Frame() {
    for (uint32_t i = 0; i < m_count; ++i) slot(i).~Var();
  }

  // Nunjucks' lookup: an undefined value does not shadow the parent.
  const base::Value* lookup(std::string_view name) const { return lookup(name, name_key(name)); }
  const base::Value* lookup(std::string_view name, uint64_t key) const {
    for (const Frame* f = this; f; f = f->parent) {
      if (const base::Value* v = f->find(name, key)) {
        if (!v->is_undefined()) return v;
      }
    }
    return nullptr;
  }
  // This frame's own variable `name` (whose name_key is `key`), or nullptr.
  const base::Value* find(std::string_view name) const { return find(name, name_key(name)); }
  const base::Value* find(std::string_view name, uint64_t key) const {
    for (uint32_t i = 0; i < m_count; ++i) {
      const Var& var = slot(i);
      if (is_name(var.key, var.name, key, name)) return &var.value;
    }
    for (const auto& var : m_more) {
      if (is_name(var.key, var.name, key, name)) return &var.value;
    }
    return nullptr;
  }
  // Inline slot `i` when it holds the variable `name` (whose name_key is `key`), else nullptr.
  const base::Value* slot_value(uint32_t i, uint64_t key, std::string_view name) const {
    if (i >= m_count) return nullptr;
    const Var& var = slot(i);
    return is_name(var.key, var.name, key, name) ? &var.value : nullptr;
  }
  void set_local(std::string_view name, base::Value value) { set_local(name, name_key(name), std::move(value)); }
  void set_local(std::string_view name, uint64_t key, base::Value value) {
    if (auto* v = const_cast<base::Value*>(find(name, key))) {
      *v = std::move(value);
    } else if (m_count < k_inline) {
      new (m_inline + m_count * sizeof(Var)) Var{name, key, std::move(value)};
      ++m_count;
    } else {
      m_more.push_back(Var{name, key, std::move(value)});
    }
  }
  // set_local of a name this frame does not have yet (no search).
  [[gnu::always_inline]] void add_local(std::string_view name, uint64_t key, base::Value value) {
    if (m_count < k_inline) {
      new (m_inline + m_count * sizeof(Var)) Var{name, key, std::move(value)};
      ++m_count;
    } else {
      m_more.push_back(Var{name, key, std::move(value)});
    }
  }
  // set_local, returning where the value lives when that is an inline slot (it stays there for
  // the frame's life: a later set_local of `name` is a store there), else nullptr.
  base::Value* bind_inline(std::string_view name, uint64_t key, base::Value value) {
    for (uint32_t i = 0; i < m_count; ++i) {
      Var& var = slot(i);
      if (is_name(var.key, var.name, key, name)) {
        var.value = std::move(value);
        return &var.value;
      }
    }
    if (m_count < k_inline) { // then m_more is empty: the name is new
      Var* var = new (m_inline + m_count * sizeof(Var)) Var{name, key, std::move(value)};
      ++m_count;
      return &var->value;
    }
    set_local(name, key, std::move(value));
    return nullptr;
  }
  // `set`: writes where the name is already defined (stopping at an isolated frame), else here.
  void assign(std::string_view name, base::Value value);
  // `set` of a final name (Expr::final_name): writes the innermost frame that has the name,
  // undefined included (Nunjucks assigns its JavaScript variable), else as assign.
  void assign_final(std::string_view name, base::Value value);

private:
  struct Var {
    std::string_view name; // names live in the AST
    uint64_t key = 0;      // name_key(name)
    base::Value value;
  };
public:
  // Loops and macros bind a handful of names: those need no heap allocation.
  static constexpr uint32_t k_inline = 4;

private:
  // Constructed on first use (most frames bind one or two names), destroyed by ~Frame.
  alignas(Var) unsigned char m_inline[k_inline * sizeof(Var)];
  uint32_t m_count = 0;
  Var& slot(uint32_t i) { return *std::launder(reinterpret_cast<Var*>(m_inline + i * sizeof(Var))); }
  const Var& slot(uint32_t i) const {
    return *std::launder(reinterpret_cast<const Var*>(m_inline + i * sizeof(Var)));
  }
  std::vector<Var> m_more;
};

struct BlockRef {
  const Node* node = nullptr;
  const Template* tmpl = nullptr;
};

struct Context {
  base::Value root; // the render's context Object (shared, never copied)
  struct Var {
    std::string name;
    uint64_t key; // name_key(name)
    base::Value value;
  };
  std::vector<Var> vars;
  std::vector<std::pair<std::string_view, std::vector<BlockRef>>> blocks;
  std::vector<std::string> exports;

  const base::Value* lookup(std::string_view name) const;
  void set_variable(std::string_view name, base::Value value);
  void add_export(std::string_view name);
  // `name` (whose name_key is `key`), trying root entry `hint` first.
  [[gnu::always_inline]] inline const base::Value* lookup(std::string_view name, uint64_t key, std::atomic<uint32_t>& hint) const;
  void add_blocks(const Template& tmpl);
  const BlockRef* get_block(std::string_view name) const;
  const BlockRef* get_super(std::string_view name, const BlockRef* current) const;
};

struct Scope {
  Frame* frame = nullptr;
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
  // Lookups by string_view without building a std::string.
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  EngineOptions options;
  std::unordered_map<std::string, FilterFn> filters;
  // String fast paths of builtin filters (see detail::StrOp); a filter replaced by add_filter()
  // loses its entry.
  std::unordered_map<std::string, detail::StrOp> str_ops;
  // Builtin filters that can give a loop its order without building the array (`sort`).
  std::unordered_map<std::string, detail::OrderOp> order_ops;
  const base::Native* builtin_range = nullptr; // `for x in range(...)` iterates without an array
  bool builtin_length = true; // `length` is the builtin filter (not replaced with add_filter)
  std::unordered_map<std::string, detail::TestFn> tests;
  std::unordered_map<std::string, base::Value, NameHash, std::equal_to<>> globals;
  // Every name some registered template binds (set, for, macro, parameter, import, `loop`,
  // `caller`), as of the last finalize(): other names live only in the root context or globals.
  using NameSet = std::unordered_set<std::string, NameHash, std::equal_to<>>;
  NameSet bound_names;
  // The subset some registered template binds into a frame (set, for, parameters, `caller`, and
  // macro or import statements that do not run in a compile root): the others live only in
  // contexts (Expr::context_only).
  NameSet frame_bound_names;
  std::map<std::string, std::unique_ptr<detail::Template>, detail::TemplateLess> templates;
  bool finalized = false;

  const detail::Template* find(std::string_view name) const {
    auto it = templates.find(name);
    return it == templates.end() || !it->second->parsed ? nullptr : it->second.get();
  }
  // Resolves filter and test names in `body` (and precomputes what the interpreter reuses:
  // string fast paths, literal filter arguments, which expressions call code); unknown names
  // are appended to `errors`.
  // `bound`: every name a template that may run in the same render binds (Expr::frameless).
  // `frame_bound`: those such a template binds into a frame (Expr::context_only).
  void resolve(detail::Template& tmpl, std::vector<base::Diagnostic>& errors, const NameSet& bound,
               const NameSet& frame_bound) const;
  // Adds the names `body` binds to `names`; returns whether any was new.
  static bool collect_bound(const detail::Body& body, NameSet& names);
  // Adds the names `body` binds into a frame to `names` (`root`: `body` runs in a compile root,
  // where macro and import statements write the context); returns whether any was new.
  static bool collect_frame_bound(const detail::Body& body, NameSet& names, bool root);
};

} // namespace haven::tmpl

namespace haven::tmpl::detail {

class MacroValue;
class Scratch;
// State that renders on one thread reuse (scratch strings, contexts, `loop` objects; see
// render.cpp): keeps their capacity from page to page.
struct ThreadCache;
ThreadCache& thread_cache();

// Positional call arguments; the common few need no heap allocation.
class ArgList {
public:
  ArgList() = default;
  ArgList(const ArgList&) = delete;
  ArgList& operator=(const ArgList&) = delete;
  ~ArgList() { clear(); }

  void push(base::Value v) {
    if (m_heap.empty() && m_n < k_inline) {
      new (m_inline + m_n * sizeof(base::Value)) base::Value(std::move(v));
      ++m_n;
      return;
    }
    if (m_heap.empty()) {
      for (size_t i = 0; i < m_n; ++i) m_heap.push_back(std::move(inline_data()[i]));
    }
    m_heap.push_back(std::move(v));
  }
  std::span<base::Value> span() {
    return m_heap.empty() ? std::span<base::Value>(inline_data(), m_n) : std::span<base::Value>(m_heap);
  }
  size_t size() const { return m_heap.empty() ? m_n : m_heap.size(); }
  void clear() {
    for (size_t i = 0; i < m_n; ++i) inline_data()[i].~Value();
    m_n = 0;
    m_heap.clear();
  }

private:
  static constexpr size_t k_inline = 4; // filters and macros rarely take more arguments
  // Constructed on push (most calls take one or two arguments), destroyed by clear().
  alignas(base::Value) unsigned char m_inline[k_inline * sizeof(base::Value)];
  size_t m_n = 0;
  std::vector<base::Value> m_heap;
  base::Value* inline_data() { return std::launder(reinterpret_cast<base::Value*>(m_inline)); }
};

// One render call: owns the contexts it creates and tracks nesting depth.
struct Exec {
  const Engine& engine;
  const Engine::Impl& impl;
  int call_depth = 0;
  int include_depth = 0;
  Scope* current = nullptr; // innermost scope, for CallContext::lookup
  ThreadCache& cache;
  size_t context_mark; // contexts taken from the cache since this mark belong to this render
  // Whether Expr::frameless holds in this render (a render_string template may bind names no
  // registered template binds).
  bool frameless_ok = true;
  // The render's own output (the page), the page's head hook until it has run, and where the
  // strings spliced into the page go (Engine::PageOutput; null: none).
  const std::string* root_out = nullptr;
  Engine::PageOutput* head_hook = nullptr;
  std::vector<base::SplicedText::Splice>* splices = nullptr;
  size_t splice_min = 0;

  Exec(const Engine& e, const Engine::Impl& i);
  ~Exec(); // gives the contexts back
  Exec(const Exec&) = delete;
  Exec& operator=(const Exec&) = delete;

  // A new context (its variables, blocks and exports empty) that lives until the render ends.
  Context* new_context(base::Value root);
  void render_root(const Template& tmpl, Context* ctx, Frame* frame, std::string& out);
  // out += text, calling the head hook before the first `</head>` of the root output.
  void append_watched(std::string& out, std::string_view text);
  // Whether `v` (a string printed as it is) went into the page as a splice instead of into `out`.
  bool spliced(std::string& out, const base::Value& v) const {
    if (!splices || &out != root_out || v.as_string().size() < splice_min) [[likely]] return false;
    splices->push_back({out.size(), v});
    return true;
  }
  void exec_body(const Body& body, Scope& scope, std::string& out);
  void exec_node(const Node& node, Scope& scope, std::string& out);
  // The value of `expr`, copied out.
  base::Value eval(const Expr& expr, Scope& scope);
  // Whether `expr` is truthy (conditions of if, inline if, not).
  bool eval_cond(const Expr& expr, Scope& scope);
  // The value of `expr` without a copy when it already lives somewhere that outlives the
  // expression (a variable, a field of a live object, a literal); otherwise it is computed
  // into `tmp` and `tmp` is returned. The reference is valid while `tmp` is untouched and no
  // statement runs.
  const base::Value& eval_ref(const Expr& expr, Scope& scope, base::Value& tmp);
  // The variable a Name expression names (Undefined when there is none).
  const base::Value& lookup_name(const Expr& expr, const Scope& scope) const;
  const base::Value& lookup_name_dynamic(const Expr& expr, const Scope& scope) const;
  // The value of a literal or of a path (`name.attr...`) whose steps are objects, where it lives;
  // nullptr for anything else (lookups have no effects: the general path may run after).
  const base::Value* eval_simple(const Expr& expr, const Scope& scope) const;
  // The variable `name` (frames, context, globals), or nullptr.
  const base::Value* lookup_ptr(const Scope& scope, std::string_view name) const;
  base::Value lookup(const Scope& scope, std::string_view name) const;
  base::Value call_macro(const MacroValue& macro, std::span<base::Value> args, const KwArgs& kwargs);
  // Renders `macro`'s body straight into `out` (what emitting call_macro's safe result gives).
  void call_macro_into(const MacroValue& macro, std::span<base::Value> args, const KwArgs& kwargs, std::string& out);
  base::Value apply_filter(const Expr& expr, Scope& scope, const base::Value& input);
  void emit(std::string& out, const base::Value& value) const;
  [[noreturn]] void fail(const Scope& scope, Span span, std::string message) const;

private:
  void exec_for(const Node& node, Scope& scope, std::string& out);
  void exec_else(const Node& node, Scope& scope, std::string& out);
  void exec_statement(const Node& node, Scope& scope, std::string& out);
  const base::Value& eval_ref_other(const Expr& expr, Scope& scope, base::Value& tmp);
  // member(obj, key) stored in `tmp` (which `obj` may be).
  static const base::Value& member_into(const base::Value& obj, std::string_view key, base::Value& tmp);
  const base::Value* eval_str_filter(const Expr& expr, Scope& scope, base::Value& hold, Scratch& buf, StrView& out);
  // The filter's StrOp on `in` (which lives in `in_hold`, `in_buf` or beyond): the result is
  // moved into `hold`/`buf` when it views the input's storage. Falls back to the full filter.
  const base::Value* apply_str_op(const Expr& expr, Scope& scope, const StrView& in, base::Value& in_hold,
                                  Scratch& in_buf, std::span<const base::Value> args, const KwArgs& kwargs,
                                  base::Value& hold, Scratch& buf, StrView& out);
  const base::Value* apply_str_op_with_args(const Expr& expr, Scope& scope, const StrView& in, base::Value& in_hold,
                                            Scratch& in_buf, base::Value& hold, Scratch& buf, StrView& out);
  // nullptr with `out` viewing `v` when it is a string, else &v.
  static const base::Value* string_result(const base::Value& v, StrView& out);
  bool range_loop(const Node& node, Scope& scope, std::string& out);
  bool ordered_loop(const Node& node, Scope& scope, std::string& out);
  // Runs a for loop's body `n` times; bind(i) binds the targets of iteration i.
  template <class Bind>
  void run_loop(const Node& node, Scope& scope, std::string& out, size_t n, Bind&& bind);
  void exec_output(const Expr& expr, Scope& scope, std::string& out);
  // `{{ macro(args) }}` with positional arguments without calls, for a macro whose parameters
  // have no defaults (Node::flag of the Macro): renders it into `out`; false (having done
  // nothing) for anything else.
  bool fast_macro_call(const Expr& call, Scope& scope, std::string& out);
  // An Output node with a `path` and filters or a split (see Node::path): false, having written
  // nothing, when a step is not an object, the value is not a string for the filters, or a
  // filter's StrOp declines (exec_output then evaluates it again the general way: paths and
  // StrOps have no effects).
  bool fast_output(const Node& node, const Scope& scope, std::string& out);
  bool fast_path_output(const Node& node, const Scope& scope, std::string& out); // no filters, no split
  const base::Value* eval_path(const Node& node, const Scope& scope) const;
  void bind(Scope& scope, std::string_view name, base::Value value);
  // A call; when `direct` is given and the callee is a macro, the macro renders into *direct,
  // `*wrote` is set and Undefined is returned.
  base::Value eval_call(const Expr& expr, Scope& scope, std::string* direct = nullptr, bool* wrote = nullptr);
  // Evaluates `expr` as a string without materialising intermediate strings: returns nullptr
  // with `out` viewing the string (in `buf`, in `hold`, or in a value that outlives the
  // expression), or the non-string result (in `hold` or live).
  const base::Value* eval_str(const Expr& expr, Scope& scope, base::Value& hold, Scratch& buf, StrView& out);
  bool eval_split_index(const Expr& expr, Scope& scope, base::Value& hold, StrView& out, const base::Value*& result);
  void eval_filter_args(const Expr& expr, Scope& scope, ArgList& args, KwArgs& kwargs);
  // Runs `tmpl` for import; its context holds the exported names and values.
  Context* run_import(const Template& tmpl, Scope& scope, bool with_context);
  const Template& find_template(const Scope& scope, const Expr& expr, const base::Value& name);
  // Node::target's template when it is loaded, else nullptr (find it by name then).
  const Template* static_target(const Node& node) const;
};

// A macro (or a `call` block's caller) bound to the context it was defined in.
class MacroValue : public Callable {
public:
  MacroValue(const Node* node, const Template* tmpl, Context* ctx, Frame* caller_frame)
      : m_node(node), m_tmpl(tmpl), m_ctx(ctx), m_caller_frame(caller_frame) {}
  base::Result<base::Value> call(CallContext& ctx, std::span<const base::Value> args, const KwArgs& kwargs) const override;
  const Node* node() const { return m_node; }
  const Template* tmpl() const { return m_tmpl; }
  Context* ctx() const { return m_ctx; }
  Frame* caller_frame() const { return m_caller_frame; }
  bool is_caller() const { return m_is_caller; }
  // A caller's call block has ended: its frame is gone, so calling it is an error.
  bool expired() const { return m_is_caller && !m_caller_frame; }
  void expire() const { m_caller_frame = nullptr; }
  void mark_caller() { m_is_caller = true; }

private:
  const Node* m_node;
  const Template* m_tmpl;
  Context* m_ctx; // owned by the Exec of the render (macros do not outlive a render)
  // Set for a call block's caller (it sees the call site); the frame lives on the stack of the
  // call block, which expires the caller when it ends.
  mutable Frame* m_caller_frame;
  bool m_is_caller = false;
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

// range(start, stop, step)'s bounds as the builtin computes them; an error message for a range
// over the size limit.
std::optional<std::string> range_bounds(std::span<const base::Value> args, double& start, double& stop, double& step);

// The builtin `striptags` (without arguments) StrOp, which may stop once it has `max_cps` code
// points: a prefix of its result, enough for a `truncate` after it (Node::prefix_cps).
bool striptags_prefix(const StrView& in, size_t max_cps, std::string& buf, StrView& out);

// Registers the builtin filters, tests and globals.
void install_builtins(Engine::Impl& impl);

} // namespace haven::tmpl::detail
