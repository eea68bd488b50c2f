// Load and runtime errors: all at once, sorted, with file:line:col and a caret; nesting limits
// end in errors, not crashes; a finalized engine renders from many threads.
#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "base/value.hpp"
#include "text/diagnostic_format.hpp"
#include "tmpl/engine.hpp"

using namespace haven;
using base::Value;

namespace {

std::string format_all(const std::vector<base::Diagnostic>& diags) {
  std::string out;
  for (const auto& d : diags) out += text::format_diagnostic(d);
  return out;
}

std::string render_error(std::string_view src) {
  tmpl::Engine engine;
  engine.finalize();
  auto out = engine.render_string(src, {}, "t.njk");
  if (out) return "OK: " + *out;
  return out.error().message;
}

} // namespace

TEST(LoadErrors, AllReportedAtOnceSortedWithPositions) {
  tmpl::Engine engine;
  engine.add_template("a_filter.njk", "<p>{{ title | nosuch }}</p>\n{{ x | alsonot(1) }}");
  engine.add_template("b_unclosed.njk", "{% if user %}\n  {% for x in xs %}{{ x }}{% endfor %}\n");
  engine.add_template("c_extends.njk", "{% extends 'missing/layout.njk' %}");
  engine.add_template("d_macro.njk", "{% from 'e_lib.njk' import button, nope %}{{ button() }}");
  engine.add_template("e_lib.njk", "{% macro button() %}<button>{% endmacro %}");
  engine.add_template("f_token.njk", "{{ 1 + * 2 }}");
  engine.add_template("g_test.njk", "{% if x is frobbed %}{% endif %}");
  auto errors = engine.finalize();
  ASSERT_EQ(errors.size(), 7u) << format_all(errors);
  EXPECT_EQ(format_all(errors),
            "a_filter.njk:1:15: error: unknown filter 'nosuch'\n"
            "   1 | <p>{{ title | nosuch }}</p>\n"
            "     |               ^^^^^^\n"
            "a_filter.njk:2:8: error: unknown filter 'alsonot'\n"
            "   2 | {{ x | alsonot(1) }}\n"
            "     |        ^^^^^^^\n"
            "b_unclosed.njk:1:4: error: unclosed 'if' tag: expected 'endif'\n"
            "   1 | {% if user %}\n"
            "     |    ^^\n"
            "c_extends.njk:1:12: error: template not found: missing/layout.njk\n"
            "   1 | {% extends 'missing/layout.njk' %}\n"
            "     |            ^^^^^^^^^^^^^^^^^^^^\n"
            "d_macro.njk:1:4: error: 'nope' is not defined in 'e_lib.njk'\n"
            "   1 | {% from 'e_lib.njk' import button, nope %}{{ button() }}\n"
            "     |    ^^^^\n"
            "f_token.njk:1:8: error: unexpected '*', expected an expression\n"
            "   1 | {{ 1 + * 2 }}\n"
            "     |        ^\n"
            "g_test.njk:1:7: error: unknown test 'frobbed'\n"
            "   1 | {% if x is frobbed %}{% endif %}\n"
            "     |       ^^^^^^^^^^^^\n");
}

TEST(LoadErrors, CaretAlignedUnderCjkText) {
  tmpl::Engine engine;
  engine.add_template("cjk.njk", "<h1>日本語のタイトル {{ page.title | frobnicate }}</h1>", "theme/layout/cjk.njk");
  auto errors = engine.finalize();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].where.line, 1u);
  EXPECT_EQ(errors[0].where.column, 30u); // code points, not bytes
  EXPECT_EQ(text::format_diagnostic(errors[0]),
            "theme/layout/cjk.njk:1:30: error: unknown filter 'frobnicate'\n"
            "   1 | <h1>日本語のタイトル {{ page.title | frobnicate }}</h1>\n"
            "     |                                      ^^^^^^^^^^\n");
}

TEST(LoadErrors, CircularExtendsIsReported) {
  tmpl::Engine engine;
  engine.add_template("a.njk", "{% extends 'b.njk' %}");
  engine.add_template("b.njk", "{% extends 'a.njk' %}");
  auto errors = engine.finalize();
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(errors[0].message.find("circular extends: a.njk → b.njk → a.njk"), std::string::npos);
}

TEST(LoadErrors, SyntaxErrorMessages) {
  EXPECT_EQ(render_error("{% frob %}"), "unknown tag 'frob'");
  EXPECT_EQ(render_error("{% endif %}"), "unexpected tag 'endif'");
  EXPECT_EQ(render_error("{{ 'abc }}"), "unterminated string");
  EXPECT_EQ(render_error("{# never closed"), "unclosed comment: expected '#}'");
  EXPECT_EQ(render_error("{% raw %}x"), "unclosed 'raw' tag: expected 'endraw'");
  EXPECT_EQ(render_error("{{ x "), "unexpected end of file, expected '}}'");
  EXPECT_EQ(render_error("{% block a %}{% endblock %}{% block a %}{% endblock %}"), "block 'a' is defined twice");
  EXPECT_EQ(render_error("{% set %}"), "unexpected '%}', expected a variable name");
  EXPECT_EQ(render_error("{{ {1: 2} }}"), "unexpected '1', expected a name or a string as dictionary key");
}

TEST(RuntimeErrors, CarryFileLineColumnOfTheFailingExpression) {
  tmpl::Engine engine;
  engine.add_template("page.njk", "line one\n{% include 'part.njk' %}");
  engine.add_template("part.njk", "ok\n\n    {{ nothing() }}", "theme/part.njk");
  ASSERT_TRUE(engine.finalize().empty());
  auto out = engine.render("page.njk", {});
  ASSERT_FALSE(out);
  EXPECT_EQ(text::format_diagnostic(out.error()),
            "theme/part.njk:3:8: error: Unable to call `nothing`, which is undefined or falsey\n"
            "   3 |     {{ nothing() }}\n"
            "     |        ^^^^^^^\n");
}

TEST(RuntimeErrors, FilterAndFunctionErrorsGetTheCallSite) {
  tmpl::Engine engine;
  engine.add_global("boom", tmpl::make_function("boom", [](tmpl::CallContext&, std::span<const Value>,
                                                           const tmpl::KwArgs&) -> base::Result<Value> {
    return std::unexpected(base::error("it exploded"));
  }));
  engine.finalize();
  auto out = engine.render_string("ab\n{{ boom(1) }}", {}, "x.njk");
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message, "it exploded");
  EXPECT_EQ(out.error().where.path, "x.njk");
  EXPECT_EQ(out.error().where.line, 2u);
  auto out2 = engine.render_string("{{ 5 | dictsort }}", {}, "y.njk");
  ASSERT_FALSE(out2);
  EXPECT_EQ(out2.error().message, "dictsort: dictsort filter: val must be an object");
  EXPECT_EQ(out2.error().where.column, 8u);
}

TEST(RuntimeErrors, MissingAndBrokenTemplates) {
  tmpl::Engine engine;
  engine.add_template("bad.njk", "{% if %}");
  EXPECT_EQ(engine.finalize().size(), 1u);
  EXPECT_FALSE(engine.has_template("nope.njk"));
  EXPECT_TRUE(engine.has_template("bad.njk"));
  EXPECT_EQ(engine.render("nope.njk", {}).error().message, "template not found: nope.njk");
  EXPECT_NE(engine.render("bad.njk", {}).error().message.find("has errors"), std::string::npos);
  auto dynamic = engine.render_string("{% include name %}", Value(base::Object{}), "d.njk");
  ASSERT_FALSE(dynamic);
  EXPECT_EQ(dynamic.error().message, "template not found: ");
}

TEST(Limits, MacroRecursionEndsInAnError) {
  std::string msg = render_error("{% macro r(n) %}{{ r(n + 1) }}{% endmacro %}{{ r(0) }}");
  EXPECT_NE(msg.find("nest too deeply (limit 100)"), std::string::npos) << msg;
  // Deep but bounded recursion works.
  EXPECT_EQ(render_error("{% macro r(n) %}{% if n > 0 %}{{ r(n - 1) }}{% else %}done{% endif %}{% endmacro %}{{ r(50) }}"),
            "OK: done");
}

TEST(Limits, IncludeRecursionEndsInAnError) {
  tmpl::Engine engine;
  engine.add_template("self.njk", "x{% include 'self.njk' %}");
  engine.add_template("ping.njk", "{% include 'pong.njk' %}");
  engine.add_template("pong.njk", "{% include 'ping.njk' %}");
  ASSERT_TRUE(engine.finalize().empty());
  auto out = engine.render("self.njk", {});
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("includes nest too deeply (limit 40)"), std::string::npos);
  EXPECT_FALSE(engine.render("ping.njk", {}));
}

TEST(Limits, DynamicExtendsCycleEndsInAnError) {
  tmpl::Engine engine;
  engine.add_template("a.njk", "{% extends next %}");
  ASSERT_TRUE(engine.finalize().empty());
  base::Object ctx;
  ctx.set("next", "a.njk");
  auto out = engine.render("a.njk", Value(std::move(ctx)));
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("limit 40"), std::string::npos);
}

TEST(Limits, ParseNestingEndsInAnError) {
  std::string deep_expr = "{{ " + std::string(500, '(') + "1" + std::string(500, ')') + " }}";
  EXPECT_NE(render_error(deep_expr).find("nesting is too deep (limit 100)"), std::string::npos);
  std::string deep_tags;
  for (int i = 0; i < 150; ++i) deep_tags += "{% if true %}";
  for (int i = 0; i < 150; ++i) deep_tags += "{% endif %}";
  EXPECT_NE(render_error(deep_tags).find("nesting is too deep (limit 100)"), std::string::npos);
  std::string ok_tags;
  for (int i = 0; i < 30; ++i) ok_tags += "{% if true %}";
  ok_tags += "in";
  for (int i = 0; i < 30; ++i) ok_tags += "{% endif %}";
  EXPECT_EQ(render_error(ok_tags), "OK: in");
}

TEST(Limits, HugeRangeIsAnError) {
  EXPECT_EQ(render_error("{{ range(1000000000000) | length }}"), "range() is too large");
}

TEST(Engine, RendersConcurrentlyAfterFinalize) {
  tmpl::Engine engine;
  engine.add_template("base.njk", "<{% block b %}{% endblock %}>");
  engine.add_template("page.njk",
                      "{% extends 'base.njk' %}{% from 'm.njk' import item %}{% block b %}"
                      "{% for x in xs %}{{ item(x) }}{% endfor %}{% set c = cycler('a', 'b') %}{{ c.next() }}"
                      "{{ c.next() }}{% endblock %}");
  engine.add_template("m.njk", "{% macro item(x) %}[{{ x | upper }}]{% endmacro %}");
  ASSERT_TRUE(engine.finalize().empty());
  base::Array xs;
  for (int i = 0; i < 20; ++i) xs.emplace_back("v" + std::to_string(i));
  base::Object ctx;
  ctx.set("xs", Value(std::move(xs)));
  Value context(std::move(ctx));
  std::string expected = *engine.render("page.njk", context);
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        auto out = engine.render("page.njk", context);
        if (!out || *out != expected) ++mismatches[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
  EXPECT_EQ(expected.substr(0, 9), "<[V0][V1]");
}

TEST(Engine, CallContextRendersPartials) {
  tmpl::Engine engine;
  engine.add_template("partial.njk", "<i>{{ name }}</i>");
  engine.add_global("partial", tmpl::make_function("partial", [](tmpl::CallContext& cc, std::span<const Value> args,
                                                                 const tmpl::KwArgs&) -> base::Result<Value> {
    base::Object locals;
    locals.set("name", args.size() > 1 ? args[1] : cc.lookup("name"));
    auto out = cc.render(args[0].to_string(), Value(std::move(locals)));
    if (!out) return std::unexpected(out.error());
    return Value::safe(*out);
  }));
  ASSERT_TRUE(engine.finalize().empty());
  base::Object ctx;
  ctx.set("name", "<ctx>");
  auto out = engine.render_string("{{ partial('partial.njk') }}{{ partial('partial.njk', 'arg') }}", Value(std::move(ctx)));
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out, "<i>&lt;ctx&gt;</i><i>arg</i>");
}
