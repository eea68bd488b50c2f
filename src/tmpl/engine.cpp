#include "tmpl/engine.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "tmpl/runtime.hpp"
#include "tmpl/util.hpp"

namespace haven::tmpl {

using base::Value;
using namespace detail;

namespace {

class FunctionValue : public Callable {
public:
  FunctionValue(std::string name, FunctionFn fn) : m_name(std::move(name)), m_fn(std::move(fn)) {}
  base::Result<Value> call(CallContext& ctx, std::span<const Value> args, const KwArgs& kwargs) const override {
    return m_fn(ctx, args, kwargs);
  }

private:
  std::string m_name;
  FunctionFn m_fn;
};

// Walks every expression and node of a body.
template <class ExprFn, class NodeFn>
void walk(Body& body, ExprFn&& on_expr, NodeFn&& on_node);

template <class ExprFn>
void walk_expr(Expr* e, ExprFn&& on_expr) {
  if (!e) return;
  on_expr(*e);
  for (auto& a : e->args) walk_expr(a.get(), on_expr);
  for (auto& [k, v] : e->kwargs) walk_expr(v.get(), on_expr);
}

template <class ExprFn, class NodeFn>
void walk(Body& body, ExprFn&& on_expr, NodeFn&& on_node) {
  for (auto& n : body) {
    on_node(*n);
    walk_expr(n->expr.get(), on_expr);
    for (auto& [cond, b] : n->branches) {
      walk_expr(cond.get(), on_expr);
      walk(b, on_expr, on_node);
    }
    for (auto& [name, def] : n->params) walk_expr(def.get(), on_expr);
    walk(n->body, on_expr, on_node);
    walk(n->else_body, on_expr, on_node);
  }
}

// Names a template exports: top-level macros and sets (also inside top-level `if`).
void collect_exports(const Body& body, std::set<std::string>& names, bool& dynamic) {
  for (const auto& n : body) {
    switch (n->kind) {
    case NodeKind::Macro: names.insert(n->text); break;
    case NodeKind::Set:
    case NodeKind::SetBlock: names.insert(n->targets.begin(), n->targets.end()); break;
    case NodeKind::If:
      for (const auto& [c, b] : n->branches) collect_exports(b, names, dynamic);
      collect_exports(n->else_body, names, dynamic);
      break;
    case NodeKind::Extends:
    case NodeKind::Include:
    case NodeKind::Import:
    case NodeKind::FromImport: dynamic = true; break;
    default: break;
    }
  }
}

bool diagnostic_less(const base::Diagnostic& a, const base::Diagnostic& b) {
  return std::tie(a.where.path, a.where.line, a.where.column) < std::tie(b.where.path, b.where.line, b.where.column);
}

base::Diagnostic at(const Template& t, Span span, std::string message) {
  return base::error_at(t.path, t.source, span.offset, std::move(message), span.length);
}

} // namespace

namespace {
// Sets has_call/later_call bottom-up; returns e.has_call.
bool mark_calls(Expr& e) {
  bool any = e.kind == ExprKind::Call;
  bool later = false;
  for (size_t i = 0; i < e.args.size(); ++i) {
    if (!e.args[i]) continue;
    bool c = mark_calls(*e.args[i]);
    any = any || c;
    if (i > 0) later = later || c;
  }
  for (auto& [k, v] : e.kwargs) {
    bool c = mark_calls(*v);
    any = any || c;
    later = later || c;
  }
  e.has_call = any;
  e.later_call = later;
  return any;
}

void mark_body_calls(Body& body) {
  for (auto& n : body) {
    if (n->expr) mark_calls(*n->expr);
    for (auto& [cond, b] : n->branches) {
      if (cond) mark_calls(*cond);
      mark_body_calls(b);
    }
    for (auto& [name, def] : n->params) {
      if (def) mark_calls(*def);
    }
    mark_body_calls(n->body);
    mark_body_calls(n->else_body);
  }
}
} // namespace

namespace {
// Static frame resolution (Expr::slot_hops). A StaticFrame is one frame the interpreter pushes
// at a known place (a `for` body, a macro or caller body): the names bound into its inline slots
// before its body runs, in binding order, and the names its body may bind at run time (`set`,
// `macro`, `import` write into the current frame), which make a name's place dynamic.
struct StaticFrame {
  std::vector<std::string_view> slots;
  std::vector<std::string_view> dynamic;
  // The names Nunjucks compiles to JavaScript variables here (Expr::final_name): the targets of
  // a `for` (body and else body), the parameters without default of a macro or call block.
  std::vector<std::string_view> finals;
  bool slot_barrier = false; // a call block's frame: slots beyond it are not static
  void bind(std::string_view name) { // Frame::set_local: an existing name keeps its slot
    if (std::find(slots.begin(), slots.end(), name) == slots.end()) slots.push_back(name);
  }
};
using StaticChain = std::vector<StaticFrame>; // innermost last

// Names the statements of `body` may bind into the frame they run in (not into frames of nested
// for/macro/call/block bodies).
void collect_dynamic(const Body& body, StaticFrame& frame) {
  for (const auto& n : body) {
    switch (n->kind) {
    case NodeKind::Set:
    case NodeKind::SetBlock: frame.dynamic.insert(frame.dynamic.end(), n->targets.begin(), n->targets.end()); break;
    case NodeKind::Macro:
    case NodeKind::Import: frame.dynamic.push_back(n->text); break;
    case NodeKind::FromImport:
      for (const auto& [imported, alias] : n->names) frame.dynamic.push_back(alias);
      break;
    default: break;
    }
    if (n->kind == NodeKind::If) {
      for (const auto& [c, b] : n->branches) collect_dynamic(b, frame);
    }
    if (n->kind == NodeKind::If) collect_dynamic(n->else_body, frame); // runs in this frame (a for's in its own)
    if (n->kind == NodeKind::SetBlock || n->kind == NodeKind::FilterBlock) collect_dynamic(n->body, frame);
  }
}

// Whether `name` is a final name (Expr::final_name) where `chain` is the static frame chain.
bool is_final(const StaticChain& chain, std::string_view name) {
  for (const auto& f : chain) {
    if (std::find(f.finals.begin(), f.finals.end(), name) != f.finals.end()) return true;
  }
  return false;
}

void resolve_slots_expr(Expr* e, const StaticChain& chain) {
  if (!e) return;
  if (e->kind == ExprKind::Name) {
    e->slot_hops = k_no_slot;
    e->final_name = is_final(chain, e->name);
    for (size_t d = 0; d < chain.size(); ++d) {
      const StaticFrame& f = chain[chain.size() - 1 - d];
      auto it = std::find(f.slots.begin(), f.slots.end(), e->name);
      if (it != f.slots.end()) {
        auto slot = static_cast<size_t>(it - f.slots.begin());
        if (slot < Frame::k_inline && d < k_no_slot) {
          e->slot_hops = static_cast<uint8_t>(d);
          e->slot = static_cast<uint8_t>(slot);
        }
        break;
      }
      if (std::find(f.dynamic.begin(), f.dynamic.end(), e->name) != f.dynamic.end() || f.slot_barrier) break;
    }
  }
  for (auto& a : e->args) resolve_slots_expr(a.get(), chain);
  for (auto& [k, v] : e->kwargs) resolve_slots_expr(v.get(), chain);
}

// The frame bind_params fills: parameters without defaults, then those with defaults.
StaticFrame params_frame(const Node& n) {
  StaticFrame f;
  for (const auto& [name, def] : n.params) {
    if (!def) {
      f.bind(name);
      f.finals.push_back(name);
    }
  }
  for (const auto& [name, def] : n.params) {
    if (def) f.bind(name);
  }
  return f;
}

void resolve_slots(Body& body, StaticChain& chain);

// Whether nothing in `body` can see a `loop` variable bound around it: no name `loop`, no
// statement that binds names or runs other template code with this frame (include, import,
// call block, block, macro, filter block), no calls and only builtin filters known to look
// nothing up (a host function could ask CallContext::lookup for `loop`).
bool loop_unseen(const Expr* e) {
  if (!e) return true;
  if (e->kind == ExprKind::Name && e->name == "loop") return false;
  if (e->kind == ExprKind::Call) return false;
  if (e->kind == ExprKind::Filter && !e->str_op && !e->order_op && !e->builtin_length) return false;
  for (const auto& a : e->args) {
    if (!loop_unseen(a.get())) return false;
  }
  for (const auto& [k, v] : e->kwargs) {
    if (!loop_unseen(v.get())) return false;
  }
  return true;
}
bool loop_unseen(const Body& body) {
  for (const auto& n : body) {
    switch (n->kind) {
    case NodeKind::Text:
    case NodeKind::Output:
    case NodeKind::If:
    case NodeKind::For: break;
    case NodeKind::Set:
      if (std::find(n->targets.begin(), n->targets.end(), "loop") != n->targets.end()) return false;
      break;
    default: return false;
    }
    if (!loop_unseen(n->expr.get())) return false;
    for (const auto& [c, b] : n->branches) {
      if (!loop_unseen(c.get()) || !loop_unseen(b)) return false;
    }
    if (!loop_unseen(n->body) || !loop_unseen(n->else_body)) return false;
  }
  return true;
}

// Resolves `body`, which runs in the new frame `frame` pushed on `chain`.
void resolve_slots_in(Body& body, StaticChain& chain, StaticFrame frame) {
  collect_dynamic(body, frame);
  chain.push_back(std::move(frame));
  resolve_slots(body, chain);
  chain.pop_back();
}

void resolve_slots(Body& body, StaticChain& chain) {
  for (auto& n : body) {
    resolve_slots_expr(n->expr.get(), chain);
    for (auto& [cond, b] : n->branches) {
      resolve_slots_expr(cond.get(), chain);
      resolve_slots(b, chain);
    }
    switch (n->kind) {
    case NodeKind::For: { // run_loop binds `loop` (unless nothing can see it), then the targets
      n->flag = loop_unseen(n->body);
      StaticFrame f;
      if (!n->flag) f.bind("loop");
      StaticFrame e; // exec_else: the targets, undefined
      for (const auto& t : n->targets) {
        f.bind(t);
        f.finals.push_back(t);
        e.bind(t);
        e.finals.push_back(t);
      }
      resolve_slots_in(n->body, chain, std::move(f));
      resolve_slots_in(n->else_body, chain, std::move(e));
      break;
    }
    case NodeKind::Macro: { // a fresh frame without parent: parameters, then `caller` when given
      StaticChain inner;
      StaticFrame params = params_frame(*n);
      inner.push_back(StaticFrame{{}, {}, params.finals, true}); // defaults: dynamic, but see the parameters
      for (auto& [name, def] : n->params) resolve_slots_expr(def.get(), inner);
      inner.pop_back();
      params.bind("caller");
      resolve_slots_in(n->body, inner, std::move(params));
      break;
    }
    case NodeKind::CallBlock: { // the caller's frame: its parameters; the call site beyond stays dynamic
      StaticFrame params = params_frame(*n);
      params.slot_barrier = true;
      chain.push_back(StaticFrame{{}, {}, params.finals, true});
      for (auto& [name, def] : n->params) resolve_slots_expr(def.get(), chain);
      chain.pop_back();
      resolve_slots_in(n->body, chain, std::move(params));
      break;
    }
    case NodeKind::Block: { // may render under another template's frames: a fresh chain
      StaticChain inner;
      resolve_slots_in(n->body, inner, StaticFrame{});
      break;
    }
    case NodeKind::Set:
    case NodeKind::SetBlock:
      n->final_targets = 0;
      for (size_t i = 0; i < n->targets.size() && i < 32; ++i) {
        if (is_final(chain, n->targets[i])) n->final_targets |= uint32_t{1} << i;
      }
      resolve_slots(n->body, chain);
      break;
    default:
      for (auto& [name, def] : n->params) resolve_slots_expr(def.get(), chain);
      resolve_slots(n->body, chain);
      resolve_slots(n->else_body, chain);
      break;
    }
  }
}
} // namespace

bool Engine::Impl::collect_bound(const Body& body, NameSet& names) {
  bool added = false;
  auto add = [&](std::string_view name) {
    if (!names.contains(name)) {
      names.emplace(name);
      added = true;
    }
  };
  for (const auto& n : body) {
    switch (n->kind) {
    case NodeKind::Set:
    case NodeKind::SetBlock:
      for (const auto& t : n->targets) add(t);
      break;
    case NodeKind::For:
      add("loop");
      for (const auto& t : n->targets) add(t);
      break;
    case NodeKind::Macro:
    case NodeKind::CallBlock:
      if (n->kind == NodeKind::Macro) add(n->text);
      add("caller");
      for (const auto& [name, def] : n->params) add(name);
      break;
    case NodeKind::Import: add(n->text); break;
    case NodeKind::FromImport:
      for (const auto& [imported, alias] : n->names) add(alias);
      break;
    default: break;
    }
    for (const auto& [c, b] : n->branches) added = collect_bound(b, names) || added;
    added = collect_bound(n->body, names) || added;
    added = collect_bound(n->else_body, names) || added;
  }
  return added;
}

bool Engine::Impl::collect_frame_bound(const Body& body, NameSet& names, bool root) {
  // Compile roots (Frame::compile_root): template roots, blocks, macro bodies; for bodies, for
  // else bodies and call-block bodies run in frames that are not.
  bool added = false;
  auto add = [&](std::string_view name) {
    if (!names.contains(name)) {
      names.emplace(name);
      added = true;
    }
  };
  for (const auto& n : body) {
    bool inner_root = root;
    switch (n->kind) {
    case NodeKind::Set:
    case NodeKind::SetBlock:
      for (const auto& t : n->targets) add(t);
      break;
    case NodeKind::For:
      add("loop");
      for (const auto& t : n->targets) add(t);
      inner_root = false;
      break;
    case NodeKind::Macro:
    case NodeKind::CallBlock:
      if (n->kind == NodeKind::Macro && !root) add(n->text);
      add("caller");
      for (const auto& [name, def] : n->params) add(name);
      inner_root = n->kind == NodeKind::Macro;
      break;
    case NodeKind::Import:
      if (!root) add(n->text);
      break;
    case NodeKind::FromImport:
      if (!root) {
        for (const auto& [imported, alias] : n->names) add(alias);
      }
      break;
    case NodeKind::Block: inner_root = true; break;
    default: break;
    }
    for (const auto& [c, b] : n->branches) added = collect_frame_bound(b, names, root) || added;
    added = collect_frame_bound(n->body, names, inner_root) || added;
    added = collect_frame_bound(n->else_body, names, n->kind == NodeKind::For ? false : root) || added;
  }
  return added;
}

namespace {
// Node::path and Node::ops of an Output node (its filters resolved).
void plan_output(Node& n, const EngineOptions& options) {
  const Expr* e = n.expr.get();
  // `'text' if cond [else 'other']`: the literals printed once here (strict mode reports a
  // missing else branch: the general path).
  n.flag = false;
  if (e->kind == ExprKind::InlineIf && e->args[0]->kind == ExprKind::Literal && e->args[0]->literal.is_string() &&
      (e->args[2] ? e->args[2]->kind == ExprKind::Literal && e->args[2]->literal.is_string() : !options.strict_undefined)) {
    auto print = [&](const Value& v) {
      return options.autoescape && !v.is_safe() ? escape_html(v.as_string()) : std::string(v.as_string());
    };
    n.flag = true;
    n.text = print(e->args[0]->literal);
    n.alt = e->args[2] ? print(e->args[2]->literal) : std::string();
    return;
  }
  std::vector<const Expr*> ops;
  while (e && e->kind == ExprKind::Filter) {
    if (!e->str_op || !e->filter || !e->kwargs.empty() || !std::all_of(e->args.begin() + 1, e->args.end(), [](const ExprPtr& a) {
          return a->kind == ExprKind::Literal;
        })) {
      return;
    }
    ops.push_back(e);
    e = e->args[0].get();
  }
  // `path.split('sep')[k]`: a piece of a string viewed in place (Exec::eval_split_index).
  const Expr* split = nullptr;
  if (e && e->kind == ExprKind::Index && e->args[1]->kind == ExprKind::Literal && e->args[1]->literal.is_number()) {
    const Expr& call = *e->args[0];
    double k = e->args[1]->literal.as_number();
    if (call.kind == ExprKind::Call && call.args.size() == 2 && call.kwargs.empty() &&
        call.args[0]->kind == ExprKind::Attr && call.args[0]->name == "split" &&
        call.args[1]->kind == ExprKind::Literal && call.args[1]->literal.is_string() &&
        !call.args[1]->literal.as_string().empty() && k >= 0 && k == std::floor(k) && k < 4294967295.0) {
      split = e;
      e = call.args[0]->args[0].get();
    }
  }
  std::vector<const Expr*> path;
  while (e && e->kind == ExprKind::Attr) {
    path.push_back(e);
    e = e->args[0].get();
  }
  if (!e || e->kind != ExprKind::Name || path.size() > 8) return;
  path.push_back(e);
  std::reverse(path.begin(), path.end());
  std::reverse(ops.begin(), ops.end());
  n.path = std::move(path);
  n.ops = std::move(ops);
  n.split = split;
  // `striptags | truncate(n)` (both builtin: a filter replaced with add_filter has no StrOp):
  // truncate reads only the first n + 1 code points and whether there are more.
  n.prefix_op = n.prefix_cps = 0;
  for (size_t i = 0; i + 1 < n.ops.size(); ++i) {
    const Expr& strip = *n.ops[i];
    const Expr& trunc = *n.ops[i + 1];
    if (strip.name != "striptags" || strip.args.size() != 1 || trunc.name != "truncate" || trunc.args.size() < 2) continue;
    double length = to_number(trunc.args[1]->literal);
    if (!(length > 0)) length = 255;
    if (length >= 1e6) continue;
    n.prefix_op = static_cast<uint32_t>(i);
    n.prefix_cps = static_cast<uint32_t>(length) + 1;
    break;
  }
}
} // namespace

namespace {
// `text{{ 'a' if c else 'b' }}text` (a condition without calls, so nothing can print in between):
// the IfText prints both texts with its literal (Node::text/alt hold the joined strings) and the
// text nodes are skipped. Re-planned from the nodes' own text on every finalize().
void merge_text(Body& body) {
  for (size_t i = 0; i < body.size(); ++i) {
    Node& n = *body[i];
    if (n.run == Run::IfText && !n.expr->args[1]->has_call) {
      if (i > 0 && body[i - 1]->run == Run::Text) {
        n.text.insert(0, body[i - 1]->text);
        n.alt.insert(0, body[i - 1]->text);
        body[i - 1]->run = Run::Skip;
      }
      if (i + 1 < body.size() && body[i + 1]->run == Run::Text) {
        n.text += body[i + 1]->text;
        n.alt += body[i + 1]->text;
        body[i + 1]->run = Run::Skip;
      }
    }
    for (auto& [cond, b] : n.branches) merge_text(b);
    merge_text(n.body);
    merge_text(n.else_body);
  }
}
} // namespace

void Engine::Impl::resolve(Template& tmpl, std::vector<base::Diagnostic>& errors, const NameSet& bound,
                           const NameSet& frame_bound) const {
  walk(
      tmpl.body,
      [&](Expr& e) {
        e.loop_attr = 0;
        if (e.kind == ExprKind::Attr && e.args[0]->kind == ExprKind::Name && e.args[0]->name == "loop") {
          static constexpr std::string_view k_loop_attrs[] = {"index", "index0", "revindex", "revindex0",
                                                              "first", "last",   "length"};
          for (size_t i = 0; i < std::size(k_loop_attrs); ++i) {
            if (e.name == k_loop_attrs[i]) e.loop_attr = static_cast<uint8_t>(i + 1);
          }
        }
        if (e.kind == ExprKind::Name) {
          e.key = name_key(e.name); // lookups compare keys
          e.frameless = !bound.contains(e.name);
          e.context_only = !e.frameless && !frame_bound.contains(e.name);
          auto g = globals.find(std::string_view(e.name));
          e.global = g == globals.end() ? nullptr : &g->second;
        }
        if (e.kind == ExprKind::Filter) {
          auto it = filters.find(e.name);
          if (it == filters.end()) {
            errors.push_back(at(tmpl, e.span, fmt::format("unknown filter '{}'", e.name)));
          } else {
            e.filter = &it->second;
          }
          auto op = str_ops.find(e.name);
          e.str_op = op == str_ops.end() ? nullptr : op->second;
          auto order = order_ops.find(e.name);
          e.order_op = order == order_ops.end() ? nullptr : order->second;
          e.builtin_length = builtin_length && e.name == "length" && e.filter && e.args.size() == 1 && e.kwargs.empty();
          e.const_args = e.kwargs.empty() &&
                         std::all_of(e.args.begin() + 1, e.args.end(), [](const ExprPtr& a) { return a->kind == ExprKind::Literal; });
          e.arg_values.clear();
          if (e.const_args) {
            for (size_t i = 1; i < e.args.size(); ++i) e.arg_values.push_back(e.args[i]->literal);
          }
        } else if (e.kind == ExprKind::Test) {
          auto it = tests.find(e.name);
          if (it == tests.end()) {
            errors.push_back(at(tmpl, e.span, fmt::format("unknown test '{}'", e.name)));
          } else {
            e.test = it->second;
          }
        }
      },
      [](Node& n) {
        n.keys.clear(); // frames bind these names with their keys
        if (n.kind == NodeKind::Macro) { // parameters without defaults, all different: Exec::fast_macro_call
          n.flag = std::all_of(n.params.begin(), n.params.end(), [](const auto& p) { return !p.second; });
          for (size_t i = 0; i < n.params.size() && n.flag; ++i) {
            for (size_t j = 0; j < i; ++j) n.flag = n.flag && n.params[i].first != n.params[j].first;
          }
        }
        if (n.kind == NodeKind::For) {
          for (const auto& t : n.targets) n.keys.push_back(name_key(t));
        } else if (n.kind == NodeKind::Macro || n.kind == NodeKind::CallBlock) {
          for (const auto& [name, def] : n.params) n.keys.push_back(name_key(name));
        }
      });
  mark_body_calls(tmpl.body);
  walk(
      tmpl.body, [](Expr&) {},
      [&](Node& n) {
        n.path.clear();
        n.ops.clear();
        n.split = nullptr;
        if (n.kind == NodeKind::Output) plan_output(n, options);
        n.target = nullptr;
        if ((n.kind == NodeKind::Include || n.kind == NodeKind::Import || n.kind == NodeKind::FromImport ||
             n.kind == NodeKind::Extends) &&
            n.expr->kind == ExprKind::Literal && n.expr->literal.is_string()) {
          auto it = templates.find(n.expr->literal.as_string());
          if (it != templates.end()) n.target = &it->second;
        }
        n.run = n.kind == NodeKind::Text                         ? Run::Text
                : n.kind == NodeKind::If                         ? Run::If
                : n.kind == NodeKind::For                        ? Run::For
                : n.kind != NodeKind::Output                     ? Run::Other
                : !n.path.empty() && n.ops.empty() && !n.split ? Run::PathOutput
                : !n.path.empty()                                ? Run::ChainOutput
                : n.flag                                         ? Run::IfText
                                                                 : Run::Other;
      });
  merge_text(tmpl.body);
  StaticChain chain;
  resolve_slots(tmpl.body, chain);
}

// ---------------------------------------------------------------- CallContext

Value CallContext::lookup(std::string_view name) const {
  if (m_exec.current) return m_exec.lookup(*m_exec.current, name);
  auto it = m_exec.impl.globals.find(name);
  return it == m_exec.impl.globals.end() ? Value() : it->second;
}

const Engine& CallContext::engine() const { return m_exec.engine; }

bool CallContext::autoescape() const { return m_exec.impl.options.autoescape; }

namespace {
// An output string with room for what `t` rendered last time (the renderers store that size):
// pages of one layout are about the same size, so the string seldom grows.
std::string sized_output(const Template& t) {
  std::string out;
  out.reserve(std::max(t.last_output_size.load(std::memory_order_relaxed), t.source.size() * 2));
  return out;
}
} // namespace

base::Result<std::string> CallContext::render(std::string_view name, const Value& context) const {
  const Template* t = m_exec.impl.find(name);
  if (!t) return std::unexpected(base::error(fmt::format("template not found: {}", name)));
  if (m_exec.include_depth >= k_max_include_depth) {
    return std::unexpected(base::error(fmt::format("templates nest too deeply (limit {})", k_max_include_depth)));
  }
  Scope* saved = m_exec.current;
  ++m_exec.include_depth;
  Context* ctx = m_exec.new_context(context.is_object() ? context : Value());
  ctx->add_blocks(*t);
  Frame frame;
  frame.top_level = true;
  frame.compile_root = true;
  std::string out = sized_output(*t);
  try {
    m_exec.render_root(*t, ctx, &frame, out);
    t->last_output_size.store(out.size(), std::memory_order_relaxed);
  } catch (RenderError& e) {
    --m_exec.include_depth;
    m_exec.current = saved;
    return std::unexpected(std::move(e.diagnostic));
  }
  --m_exec.include_depth;
  m_exec.current = saved;
  return out;
}

Value make_function(std::string name, FunctionFn fn) {
  return Value(std::make_shared<const FunctionValue>(std::move(name), std::move(fn)));
}

// ---------------------------------------------------------------- Engine

Engine::Engine(EngineOptions options) : m_impl(std::make_unique<Impl>()) {
  m_impl->options = options;
  install_builtins(*m_impl);
}

Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

const EngineOptions& Engine::options() const { return m_impl->options; }

void Engine::add_filter(std::string name, FilterFn fn) {
  m_impl->str_ops.erase(name); // the builtin's fast paths no longer apply
  m_impl->order_ops.erase(name);
  if (name == "length") m_impl->builtin_length = false;
  m_impl->filters[std::move(name)] = std::move(fn);
}

void Engine::add_global(std::string name, Value value) {
  if (name == "range") m_impl->builtin_range = nullptr; // loops over range() call it again
  m_impl->globals[std::move(name)] = std::move(value);
}

void Engine::add_template(std::string name, std::string source, std::string path) {
  auto t = std::make_unique<Template>();
  t->path = path.empty() ? name : std::move(path);
  t->name = name;
  t->source = std::move(source);
  m_impl->templates[std::move(name)] = std::move(t);
  m_impl->finalized = false;
}

bool Engine::has_template(std::string_view name) const { return m_impl->templates.contains(name); }

std::vector<base::Diagnostic> Engine::finalize() {
  std::vector<base::Diagnostic> errors;
  ParseOptions popts{m_impl->options.trim_blocks, m_impl->options.lstrip_blocks};
  for (auto& [name, t] : m_impl->templates) {
    if (!t->parsed) {
      if (auto err = parse_template(*t, popts)) errors.push_back(std::move(*err));
    }
  }
  m_impl->bound_names.clear();
  m_impl->frame_bound_names.clear();
  for (auto& [name, t] : m_impl->templates) {
    if (t->parsed) {
      Impl::collect_bound(t->body, m_impl->bound_names);
      Impl::collect_frame_bound(t->body, m_impl->frame_bound_names, true);
    }
  }
  for (auto& [name, t] : m_impl->templates) {
    if (t->parsed) m_impl->resolve(*t, errors, m_impl->bound_names, m_impl->frame_bound_names);
  }
  // Static targets of extends/include/import, and names imported with `from`.
  for (auto& [name, t] : m_impl->templates) {
    if (!t->parsed) continue;
    for (const auto& [target, span] : t->static_refs) {
      if (!m_impl->templates.contains(target)) {
        errors.push_back(at(*t, span, fmt::format("template not found: {}", target)));
      }
    }
    walk(
        t->body, [](Expr&) {},
        [&](Node& n) {
          if (n.kind != NodeKind::FromImport || n.expr->kind != ExprKind::Literal) return;
          const Template* target = m_impl->find(n.expr->literal.to_string());
          if (!target) return;
          std::set<std::string> exported;
          bool dynamic = false;
          collect_exports(target->body, exported, dynamic);
          if (dynamic) return;
          for (const auto& [imported, alias] : n.names) {
            if (!exported.contains(imported)) {
              errors.push_back(at(*t, n.span, fmt::format("'{}' is not defined in '{}'", imported, target->name)));
            }
          }
        });
  }
  // Circular extends chains.
  for (auto& [name, t] : m_impl->templates) {
    std::vector<const Template*> chain{t.get()};
    const Template* cur = t.get();
    while (cur) {
      const Template* next = nullptr;
      for (const auto& n : cur->body) {
        if (n->kind == NodeKind::Extends && n->expr->kind == ExprKind::Literal) {
          next = m_impl->find(n->expr->literal.to_string());
          break;
        }
      }
      if (!next) break;
      if (next == t.get()) {
        std::string names;
        for (auto* c : chain) names += c->name + " → ";
        names += t->name;
        for (const auto& n : t->body) {
          if (n->kind == NodeKind::Extends) {
            errors.push_back(at(*t, n->expr->span, fmt::format("circular extends: {}", names)));
            break;
          }
        }
        break;
      }
      if (std::find(chain.begin(), chain.end(), next) != chain.end()) break; // reported for its members
      chain.push_back(next);
      cur = next;
    }
  }
  std::stable_sort(errors.begin(), errors.end(), diagnostic_less);
  m_impl->finalized = true;
  return errors;
}

namespace {
base::Result<std::string> run(const Engine& engine, const Engine::Impl& impl, const Template& t, const Value& context,
                              bool frameless_ok = true, size_t expected_size = 0, Engine::PageOutput* page = nullptr,
                              std::vector<base::SplicedText::Splice>* splices = nullptr) {
  Exec exec(engine, impl);
  exec.frameless_ok = frameless_ok;
  if (page) {
    exec.head_hook = page->head ? page : nullptr;
    if (page->splice_min > 0) {
      exec.splices = splices;
      exec.splice_min = page->splice_min;
    }
  }
  Context* ctx = exec.new_context(context.is_object() ? context : Value());
  ctx->add_blocks(t);
  Frame frame;
  frame.top_level = true;
  frame.compile_root = true;
  std::string out = sized_output(t);
  if (expected_size > out.capacity()) out.reserve(expected_size);
  exec.root_out = &out;
  try {
    exec.render_root(t, ctx, &frame, out);
    t.last_output_size.store(out.size(), std::memory_order_relaxed);
  } catch (RenderError& e) {
    return std::unexpected(std::move(e.diagnostic));
  } catch (const std::exception& e) {
    return std::unexpected(base::error(fmt::format("internal error while rendering: {}", e.what()), t.path));
  }
  return out;
}
} // namespace

base::Result<std::string> Engine::render(std::string_view name, const Value& context, size_t expected_size) const {
  const Template* t = m_impl->find(name);
  if (!t) {
    auto it = m_impl->templates.find(name);
    if (it != m_impl->templates.end()) {
      return std::unexpected(base::error(
          fmt::format("template '{}' is not loaded: it has errors, or finalize() was not called since it was added", name),
          it->second->path));
    }
    return std::unexpected(base::error(fmt::format("template not found: {}", name)));
  }
  return run(*this, *m_impl, *t, context, true, expected_size);
}

base::Result<base::SplicedText> Engine::render_page(std::string_view name, const Value& context, size_t expected_size,
                                                    PageOutput& page) const {
  page.head_fired = false;
  const Template* t = m_impl->find(name);
  if (!t) return std::unexpected(render(name, context, expected_size).error());  // the same "not found" errors
  base::SplicedText text;
  auto own = run(*this, *m_impl, *t, context, true, expected_size, &page, &text.splices);
  if (!own) return std::unexpected(std::move(own.error()));
  text.own = std::move(*own);
  return text;
}

base::Result<std::string> Engine::render_string(std::string_view source, const Value& context,
                                                std::string_view path) const {
  Template t;
  t.name = std::string(path);
  t.path = std::string(path);
  t.source = std::string(source);
  if (auto err = parse_template(t, ParseOptions{m_impl->options.trim_blocks, m_impl->options.lstrip_blocks})) {
    return std::unexpected(std::move(*err));
  }
  std::vector<base::Diagnostic> errors;
  // Names this template binds that no registered template binds: the registered templates'
  // frameless names may then be bound after all (by this template's frames) for this render.
  Impl::NameSet bound = m_impl->bound_names;
  Impl::NameSet frame_bound = m_impl->frame_bound_names;
  bool new_names = Impl::collect_bound(t.body, bound);
  new_names = Impl::collect_frame_bound(t.body, frame_bound, true) || new_names; // context_only too
  m_impl->resolve(t, errors, bound, frame_bound);
  if (!errors.empty()) return std::unexpected(std::move(errors.front()));
  return run(*this, *m_impl, t, context, !new_names);
}

std::vector<std::string> Engine::dependencies(std::string_view name) const {
  std::set<std::string> seen;
  std::vector<std::string> stack{std::string(name)};
  while (!stack.empty()) {
    std::string cur = std::move(stack.back());
    stack.pop_back();
    auto it = m_impl->templates.find(cur);
    if (it == m_impl->templates.end()) continue;
    for (const auto& [target, span] : it->second->static_refs) {
      if (seen.insert(target).second) stack.push_back(target);
    }
  }
  seen.erase(std::string(name));
  return {seen.begin(), seen.end()};
}

} // namespace haven::tmpl
