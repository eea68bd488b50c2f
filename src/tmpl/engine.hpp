// The Nunjucks-compatible template engine: templates are added, then finalize() parses them all
// and reports every load problem at once; afterwards the engine is immutable and render() may be
// called from many threads. Semantics follow Nunjucks 3 (see src/tmpl/README.md for deviations).
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/diagnostic.hpp"
#include "base/spliced_text.hpp"
#include "base/value.hpp"

namespace haven::tmpl {

using KwArgs = std::vector<std::pair<std::string, base::Value>>;

class Engine;
namespace detail {
struct Exec;
struct Template;
} // namespace detail

// What a filter or global function can see while rendering.
class CallContext {
public:
  // A variable visible at the call site (frames, then the render context, then globals);
  // Undefined when there is none.
  base::Value lookup(std::string_view name) const;
  // The engine doing the rendering (for helpers that render partials).
  const Engine& engine() const;
  // Whether output is being autoescaped.
  bool autoescape() const;
  // Renders registered template `name` with `context` (a nested render, same depth limits).
  base::Result<std::string> render(std::string_view name, const base::Value& context) const;

  explicit CallContext(detail::Exec& exec) : m_exec(exec) {}
  // Engine internals (builtin filters use them).
  detail::Exec& exec() const { return m_exec; }

private:
  friend struct detail::Exec;
  detail::Exec& m_exec;
};

using FilterFn = std::function<base::Result<base::Value>(
    CallContext&, const base::Value& input, std::span<const base::Value> args, const KwArgs& kwargs)>;
using FunctionFn = std::function<base::Result<base::Value>(
    CallContext&, std::span<const base::Value> args, const KwArgs& kwargs)>;

// A value that templates can call: `{{ fn(1, b=2) }}`. Macros, make_function results and the
// builtin globals are Callables.
class Callable : public base::Native {
public:
  // Calls with positional and keyword arguments; an error Diagnostic without a position is
  // given the call site's position by the engine.
  virtual base::Result<base::Value> call(CallContext& ctx, std::span<const base::Value> args,
                                         const KwArgs& kwargs) const = 0;
  std::string_view type_name() const override { return "function"; }
};

// Wraps a C++ function as a callable Value for globals or for values inside the context.
base::Value make_function(std::string name, FunctionFn fn);

struct EngineOptions {
  bool autoescape = true;
  bool strict_undefined = false; // `{{ name }}` of an undefined value is an error, not ""
  bool trim_blocks = false, lstrip_blocks = false;
};

class Engine {
public:
  explicit Engine(EngineOptions options = {});
  ~Engine();
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;

  // Registers (or replaces) filter `name`; must precede finalize().
  void add_filter(std::string name, FilterFn fn);
  // Registers (or replaces) global variable `name`, visible when no frame or context has it.
  void add_global(std::string name, base::Value value);
  // Adds or replaces template `name` ("layout.njk", "_partial/head.njk"); `path` is shown in
  // diagnostics (defaults to `name`).
  void add_template(std::string name, std::string source, std::string path = {});
  // Parses everything and checks every static extends/include/import target and every filter
  // and test name; returns all problems at once, sorted by (path, offset). Afterwards the engine
  // is immutable and render() is thread-safe. May be called again after more add_template().
  std::vector<base::Diagnostic> finalize();
  // Whether template `name` was added.
  bool has_template(std::string_view name) const;
  // Renders template `name` with `context` (an Object, or Undefined for none). Runtime errors
  // carry file:line:col. Requires finalize(). `expected_size`, when the caller knows better than
  // the template's last output (a layout around a body of known size), is reserved up front.
  base::Result<std::string> render(std::string_view name, const base::Value& context, size_t expected_size = 0) const;
  // What the render of a whole page (render_page) does besides rendering it.
  struct PageOutput {
    // What a page adds to its head, written in place instead of inserted into the finished
    // page (which would move all of the page after the head). Called once, when the render's
    // own output reaches its first `</head>`, if template text (not a printed value) writes it,
    // with that output (everything before the `</head>`); it appends to it. `head_fired` tells
    // whether that happened.
    std::function<void(std::string& out)> head;
    bool head_fired = false;
    // Strings of at least this many bytes that the page prints as they are (no escaping: a
    // cached partial's HTML, a body) are spliced into the result instead of copied (0: none).
    size_t splice_min = 0;
  };
  // render() of a whole page, with `page`'s head hook and splicing.
  base::Result<base::SplicedText> render_page(std::string_view name, const base::Value& context, size_t expected_size,
                                              PageOutput& page) const;
  // Renders a one-off template source (not registered) with access to the registered templates.
  base::Result<std::string> render_string(std::string_view source, const base::Value& context,
                                          std::string_view path = "<string>") const;
  // Templates `name` depends on (static extends/include/import targets, transitively), sorted.
  std::vector<std::string> dependencies(std::string_view name) const;

  const EngineOptions& options() const;

  struct Impl;

private:
  std::unique_ptr<Impl> m_impl;
};

} // namespace haven::tmpl
