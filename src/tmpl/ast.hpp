// Internal: the syntax tree of a parsed template. Every node keeps the byte span of its source
// so runtime errors can point at file:line:col. Nodes are immutable once the engine is finalized
// (the filter/test pointers are resolved during finalize()).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/diagnostic.hpp"
#include "base/value.hpp"
#include "tmpl/engine.hpp"

namespace haven::tmpl::detail {

struct Span {
  uint32_t offset = 0;
  uint32_t length = 1;
};

// A builtin `is` test: `value is name(args...)`.
using TestFn = bool (*)(const base::Value& value, std::span<const base::Value> args);

// A string viewed where it lives (a scratch buffer, a live Value, the AST); `src` is the Value
// holding exactly this string when there is one (so a fallback needs no copy).
struct StrView {
  std::string_view s;
  bool safe = false;
  const base::Value* src = nullptr;
};

// A builtin filter's fast path for string input: writes the result into `buf` (cleared by the
// caller) or views part of the input, and returns true; false declines (the full filter then
// runs on the input as a Value). Same bytes and `safe` mark as the full filter.
using StrOp = bool (*)(const StrView& in, std::span<const base::Value> args, const KwArgs& kwargs,
                       std::string& buf, StrView& out);

// A builtin filter that reorders an array (`sort`): fills `order` (items.size() entries) with the
// indexes of `items` in the filter's result order; false declines.
using OrderOp = bool (*)(const base::Array& items, std::span<const base::Value> args, const KwArgs& kwargs,
                         std::span<uint32_t> order);

enum class ExprKind : uint8_t {
  Literal,  // literal
  Name,     // name
  Attr,     // args[0] . name
  Index,    // args[0] [ args[1] ]
  Call,     // args[0] ( args[1..], kwargs )
  Filter,   // args[0] | name ( args[1..], kwargs ); args[0] is null inside a filter block
  Test,     // args[0] is name ( args[1..] ); `negate` for `is not`
  Not,      // not args[0]
  Neg,      // - args[0]
  Pos,      // + args[0]
  Binary,   // args[0] bin_op args[1]
  Compare,  // args[0] cmp_ops[0] args[1] cmp_ops[1] args[2] ... (left fold, as JavaScript)
  And,      // args[0] and args[1] (yields an operand, as JavaScript's &&)
  Or,       // args[0] or args[1]
  In,       // args[0] in args[1]; `negate` for `not in`
  InlineIf, // args[0] if args[1] else args[2] (args[2] may be null)
  List,     // [ args... ]
  Dict,     // { args[0]: args[1], ... } (keys and values interleaved)
  Comma,    // ( args[0], args[1], ... ): JavaScript's comma operator, the last value
};

enum class BinOp : uint8_t { Add, Sub, Mul, Div, FloorDiv, Mod, Pow, Concat };
enum class CmpOp : uint8_t { Eq, StrictEq, Ne, StrictNe, Lt, Gt, Le, Ge };

// Expr::slot_hops of a name without a static binding.
inline constexpr uint8_t k_no_slot = 0xFF;

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  ExprKind kind = ExprKind::Literal;
  BinOp bin_op = BinOp::Add;
  bool negate = false;
  bool paren = false; // written in parentheses: an atom for operator re-association
  Span span;
  base::Value literal;
  std::string name;
  std::vector<ExprPtr> args;
  std::vector<std::pair<std::string, ExprPtr>> kwargs;
  std::vector<CmpOp> cmp_ops;
  const FilterFn* filter = nullptr; // resolved by finalize()
  TestFn test = nullptr;            // resolved by finalize()
  StrOp str_op = nullptr;           // resolved by finalize(): the filter's string fast path
  OrderOp order_op = nullptr;       // resolved by finalize(): the filter's loop-order fast path
  mutable std::atomic<uint32_t> hint{0}; // Attr/Name: where the key was last found in an object
  uint64_t key = 0;                 // Name: name_key(name), set by finalize()
  // Name, set by finalize(): where the variable is bound when that is statically certain (a
  // `for` target, `loop`, a macro or caller parameter): `slot_hops` frames up from the current
  // one, inline slot `slot`; k_no_slot otherwise. Checked against the slot's key at runtime.
  uint8_t slot_hops = k_no_slot;
  uint8_t slot = 0;
  // Attr on a name `loop`, set by finalize(): 1 + the index of its attribute among index,
  // index0, revindex, revindex0, first, last, length (computed without a Value lookup when
  // `loop` is a for loop's); 0 otherwise.
  uint8_t loop_attr = 0;
  bool frameless = false;              // Name: no template binds this name (only the root context or a global has it)
  // Name, set by finalize(): a name Nunjucks compiles to a JavaScript variable (a target of an
  // enclosing `for`, in its body and its `else` body, or a parameter without default of the
  // enclosing macro or call block, which sees its site's): the innermost frame that has it
  // gives its value, undefined included; it never falls through to outer frames or the context.
  bool final_name = false;
  // Name, set by finalize(): templates bind this name only into contexts (top-level imports and
  // macros), never into a frame: it is looked up in the context without walking the frames.
  bool context_only = false;
  const base::Value* global = nullptr; // Name: the global of this name at finalize()
  bool has_call = false;            // this subtree contains a call (it may run template code)
  bool later_call = false;          // an operand after the first contains a call
  bool const_args = false;          // a filter whose arguments are all literals: `arg_values`
  bool builtin_length = false;      // the builtin `length` filter (a condition needs no number)
  std::vector<base::Value> arg_values;
};

enum class NodeKind : uint8_t {
  Text,        // text
  Output,      // {{ expr }}; flag = `'text' if cond else 'other'` (Node::alt), set by finalize()
  If,          // branches (cond, body)..., else_body
  For,         // for targets in expr: body else else_body; flag = nothing can see `loop` (finalize())
  Set,         // set targets = expr
  SetBlock,    // set targets %} body {% endset
  Macro,       // macro text(params) body; flag = no defaults, no repeated name (finalize())
  CallBlock,   // call(params) expr: body is the caller's body
  Import,      // import expr as text [with context = flag]
  FromImport,  // from expr import names [with context = flag]
  Include,     // include expr [ignore missing = flag]
  Extends,     // extends expr
  Block,       // block text: body; flag = nested inside another block
  FilterBlock, // filter expr(Filter with null input): body
};

struct Node;
struct Template;
using NodePtr = std::unique_ptr<Node>;
using Body = std::vector<NodePtr>;

// How Exec::exec_body runs a node (set by finalize()).
enum class Run : uint8_t {
  Text,       // append `text`
  PathOutput, // Exec::fast_path_output
  ChainOutput, // Exec::fast_output (filters or a split on a path)
  IfText,     // `'text' if cond else 'other'` (with the text nodes around it, see merge_text)
  Skip,       // a text node an IfText next to it prints
  If,         // an if statement
  For,        // Exec::exec_for
  Other,      // Exec::exec_node
};

struct Node {
  NodeKind kind = NodeKind::Text;
  Run run = Run::Other;
  bool flag = false;
  Span span;
  std::string text;
  ExprPtr expr;
  std::vector<std::pair<ExprPtr, Body>> branches;
  Body body;
  Body else_body;
  std::vector<std::string> targets;
  std::vector<std::pair<std::string, ExprPtr>> params; // default may be null
  std::vector<std::pair<std::string, std::string>> names;
  // name_key of each target (For), or of each parameter (Macro, CallBlock), set by finalize().
  std::vector<uint64_t> keys;
  // Output of a path (`name.attr...`, `path`: the Name, then each Attr) through builtin string
  // filters with literal arguments (`ops`, innermost first; may be empty): rendered by
  // Exec::fast_output. Set by finalize(); empty `path` otherwise.
  std::vector<const Expr*> path;
  std::vector<const Expr*> ops;
  // `path.split('sep')[k]` before the filters: the Index expression (its piece is viewed in
  // place), else null.
  const Expr* split = nullptr;
  // `striptags | truncate(n)` among `ops`: the striptags (index `prefix_op`) needs only the
  // first n + 1 code points of its result (`prefix_cps`; 0 for no such pair).
  uint32_t prefix_op = 0;
  uint32_t prefix_cps = 0;
  // Output of `'text' if cond [else 'other']` (`flag` set by finalize()): `text` and `alt` are
  // the two literals as printed (escaped when autoescaping).
  std::string alt;
  // Include, Import, FromImport, Extends of a literal name: the engine's entry for that name
  // (set by finalize(); the entry stays, add_template replaces what it holds), else null.
  const std::unique_ptr<Template>* target = nullptr;
  // Set, SetBlock (finalize()): bit i when targets[i] is a final name (Expr::final_name): the
  // value goes to the innermost frame that has the name, undefined included.
  uint32_t final_targets = 0;
};

struct Template {
  std::string name;
  std::string path;
  std::string source;
  Body body;
  bool parsed = false;
  // Every `block` in the template (any depth), first definition of each name wins.
  std::vector<std::pair<std::string_view, const Node*>> blocks;
  // Static targets of extends/include/import with their spans, for finalize() checks.
  std::vector<std::pair<std::string, Span>> static_refs;
  // Size of the last render's output, to reserve the next one at once (renders of a template
  // on other threads update it too: only a hint).
  mutable std::atomic<size_t> last_output_size{0};
};

struct ParseOptions {
  bool trim_blocks = false;
  bool lstrip_blocks = false;
};

// Parses `tmpl.source` into `tmpl.body` (and blocks/static_refs). Returns the first syntax
// error, if any; the template is unusable then.
std::optional<base::Diagnostic> parse_template(Template& tmpl, const ParseOptions& options);

// Maximum nesting of tags and expressions: deeper input is an error, not a stack overflow.
inline constexpr int k_max_parse_depth = 100;

} // namespace haven::tmpl::detail
