// Rendering semantics of the template engine (Nunjucks 3 behaviour).
#include <gtest/gtest.h>

#include "base/value.hpp"
#include "tmpl/engine.hpp"

using namespace haven;
using base::Value;

namespace {

Value obj(std::initializer_list<std::pair<const char*, Value>> fields) {
  base::Object o;
  for (const auto& [k, v] : fields) o.set(k, v);
  return Value(std::move(o));
}

std::string render(std::string_view src, const Value& ctx = {}, tmpl::EngineOptions opts = {}) {
  tmpl::Engine engine(opts);
  auto errors = engine.finalize();
  EXPECT_TRUE(errors.empty());
  auto out = engine.render_string(src, ctx);
  if (!out) return "ERROR: " + out.error().message;
  return *out;
}

} // namespace

TEST(Render, TextAndVariables) {
  EXPECT_EQ(render("hello {{ name }}!", obj({{"name", "world"}})), "hello world!");
  EXPECT_EQ(render("{{ missing }}|{{ missing.deep.path }}|{{ none }}"), "||");
  EXPECT_EQ(render("{{ 1 + 2 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ 2 ** 10 }} {{ 7 % 3 }} {{ 1 / 0 }}"), "3 3 -4 1024 1 Infinity");
  EXPECT_EQ(render("{{ 0.1 + 0.2 }}"), "0.30000000000000004");
  EXPECT_EQ(render("{{ '1' + 2 }} {{ 3 ~ 4 }} {{ 'a' * 2 }}"), "12 34 NaN");
}

TEST(Render, Autoescape) {
  EXPECT_EQ(render("{{ s }}", obj({{"s", "<a href=\"x\">'&'</a>"}})),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  EXPECT_EQ(render("{{ s | safe }}", obj({{"s", "<b>"}})), "<b>");
  EXPECT_EQ(render("{{ s }}", obj({{"s", Value::safe("<b>")}})), "<b>");
  EXPECT_EQ(render("{{ s|escape|escape }}", obj({{"s", "<"}})), "&lt;");
  tmpl::EngineOptions raw;
  raw.autoescape = false;
  EXPECT_EQ(render("{{ s }}", obj({{"s", "<b>"}}), raw), "<b>");
}

TEST(Render, IfElifElse) {
  const char* src = "{% if x > 2 %}big{% elif x > 0 %}small{% elseif x == 0 %}zero{% else %}neg{% endif %}";
  EXPECT_EQ(render(src, obj({{"x", 5}})), "big");
  EXPECT_EQ(render(src, obj({{"x", 1}})), "small");
  EXPECT_EQ(render(src, obj({{"x", 0}})), "zero");
  EXPECT_EQ(render(src, obj({{"x", -1}})), "neg");
}

TEST(Render, ForLoopVariables) {
  EXPECT_EQ(render("{% for x in [1,2,3] %}{{ loop.index }}{{ loop.revindex0 }}{% if loop.first %}F{% endif %}"
                   "{% if loop.last %}L{% endif %},{% endfor %}"),
            "12F,21,30L,");
  EXPECT_EQ(render("{% for k, v in {a: 1, b: 2} %}{{ k }}={{ v }};{% endfor %}"), "a=1;b=2;");
  EXPECT_EQ(render("{% for a, b in [[1,2],[3,4]] %}{{ a + b }} {% endfor %}"), "3 7 ");
  EXPECT_EQ(render("{% for x in [] %}x{% else %}empty{% endfor %}"), "empty");
  EXPECT_EQ(render("{% asyncEach x in [1,2] %}{{ x }}{% endeach %}"), "12");
}

TEST(Render, SetScoping) {
  EXPECT_EQ(render("{% set x = 1 %}{% for i in [1,2] %}{% set x = i %}{% set y = 5 %}{% endfor %}{{ x }}{{ y }}"), "2");
  EXPECT_EQ(render("{% set a, b = 3 %}{{ a }}{{ b }}"), "33");
  EXPECT_EQ(render("{% set c %}<b>{% endset %}{{ c }}"), "&lt;b&gt;");
}

TEST(Render, MacrosAndCaller) {
  EXPECT_EQ(render("{% macro m(a, b=2, c=3) %}{{a}}{{b}}{{c}}{% endmacro %}{{ m(1, c=9) }} {{ m(1,2,3,4) }} {{ m(b=5) }}"),
            "129 123 53");
  EXPECT_EQ(render("{% macro w() %}[{{ caller() }}]{% endmacro %}{% call w() %}<i>{% endcall %}"), "[<i>]");
  EXPECT_EQ(render("{% macro w() %}{{ caller(7) }}{% endmacro %}{% call(n) w() %}n={{ n }}{% endcall %}"), "n=7");
}

TEST(Render, Inheritance) {
  tmpl::Engine engine;
  engine.add_template("base.njk", "<h1>{% block title %}Base{% endblock %}</h1>{% block body %}{% endblock %}");
  engine.add_template("mid.njk", "{% extends 'base.njk' %}{% block title %}Mid+{{ super() }}{% endblock %}");
  engine.add_template("leaf.njk",
                      "{% extends 'mid.njk' %}{% block title %}Leaf+{{ super() }}{% endblock %}"
                      "{% block body %}{% include 'part.njk' %}{% endblock %}");
  engine.add_template("part.njk", "[{{ who }}]");
  ASSERT_TRUE(engine.finalize().empty());
  auto out = engine.render("leaf.njk", obj({{"who", "me"}}));
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out, "<h1>Leaf+Mid+Base</h1>[me]");
  auto deps = engine.dependencies("leaf.njk");
  EXPECT_EQ(deps, (std::vector<std::string>{"base.njk", "mid.njk", "part.njk"}));
}

TEST(Render, Imports) {
  tmpl::Engine engine;
  engine.add_template("forms.njk", "{% macro input(name) %}<input name=\"{{ name }}\">{% endmacro %}{% set version = 3 %}");
  engine.add_template("page.njk",
                      "{% import 'forms.njk' as f %}{{ f.input('q') }}{{ f.version }}"
                      "{% from 'forms.njk' import input as i %}{{ i('z') }}");
  ASSERT_TRUE(engine.finalize().empty());
  auto out = engine.render("page.njk", {});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out, "<input name=\"q\">3<input name=\"z\">");
}

TEST(Render, WhitespaceControl) {
  EXPECT_EQ(render("a  {%- if true -%}  b  {%- endif -%}  c"), "abc");
  EXPECT_EQ(render("a {{- 1 -}} b"), "a1b");
  EXPECT_EQ(render("a {#- c -#} b"), "ab");
  tmpl::EngineOptions opts;
  opts.trim_blocks = true;
  opts.lstrip_blocks = true;
  EXPECT_EQ(render("<ul>\n  {% for x in [1,2] %}\n  <li>{{ x }}</li>\n  {% endfor %}\n</ul>", {}, opts),
            "<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>");
  // Same as Nunjucks with trimBlocks + lstripBlocks (checked with nunjucks 3.2.4).
  EXPECT_EQ(render("a {% if true %}\nb{# c #}\n  {% endif %}\nx", {}, opts), "a b\nx");
}

TEST(Render, Functions) {
  tmpl::Engine engine;
  engine.add_global("greet", tmpl::make_function("greet", [](tmpl::CallContext& cc, std::span<const Value> args,
                                                             const tmpl::KwArgs& kw) -> base::Result<Value> {
    std::string s = "hi " + (args.empty() ? cc.lookup("who").to_string() : args[0].to_string());
    for (const auto& [k, v] : kw) s += " " + k + "=" + v.to_string();
    return Value(s);
  }));
  engine.add_filter("twice", [](tmpl::CallContext&, const Value& in, std::span<const Value>, const tmpl::KwArgs&)
                                 -> base::Result<Value> { return Value(in.to_string() + in.to_string()); });
  ASSERT_TRUE(engine.finalize().empty());
  auto out = engine.render_string("{{ greet() }}|{{ greet('x', a=1) }}|{{ 'ab' | twice }}", obj({{"who", "bob"}}));
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out, "hi bob|hi x a=1|abab");
}

TEST(Render, StrictUndefined) {
  tmpl::EngineOptions opts;
  opts.strict_undefined = true;
  tmpl::Engine engine(opts);
  engine.finalize();
  auto out = engine.render_string("ok\n  {{ nope }}", {}, "t.njk");
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().where.line, 2u);
  EXPECT_EQ(out.error().where.column, 6u);
  EXPECT_NE(out.error().message.find("nope"), std::string::npos);
}

TEST(Render, JavaScriptOperatorPrecedence) {
  // Nunjucks emits these operators as JavaScript text, so JavaScript's precedence applies.
  EXPECT_EQ(render("{{ not 1 == 2 }}"), "false");    // (!1) == 2
  EXPECT_EQ(render("{{ 2 * 3 % 4 }}"), "2");         // (2 * 3) % 4
  EXPECT_EQ(render("{{ 'a' ~ 1 + 2 }}"), "a12");     // ('a' + '' + 1) + 2
  EXPECT_EQ(render("{{ 1 == 1 < 2 }}"), "true");     // 1 == (1 < 2)
  EXPECT_EQ(render("{{ 2 ** 3 ** 2 }}"), "64");      // Math.pow(Math.pow(2, 3), 2)
  EXPECT_EQ(render("{{ (1, 2, 3) }}"), "3");         // the comma operator
}

TEST(Render, NumbersPrintAsJavaScript) {
  EXPECT_EQ(render("{{ 0.000001 }} {{ 0.0000001 }} {{ 123456789012345680000 }} {{ 1/3 }}"),
            "0.000001 1e-7 123456789012345680000 0.3333333333333333");
  EXPECT_EQ(render("{{ (2.25).toFixed(1) }} {{ (1.005).toFixed(2) }} {{ (-0.5).toFixed(0) }}"), "2.3 1.00 -1");
}

TEST(Render, FilterKeywordArgumentsAndJinjaSelectattr) {
  // Deviations documented in src/tmpl/README.md: keywords reach every builtin filter, and
  // selectattr/rejectattr accept Jinja2's test argument.
  EXPECT_EQ(render("{{ [1, 2] | sum(start=10) }} {{ 'a\nb' | indent(2, first=true) }}"), "13   a\n  b");
  base::Array items;
  for (int i = 1; i <= 4; ++i) items.push_back(obj({{"n", i}}));
  Value ctx = obj({{"xs", Value(std::move(items))}});
  EXPECT_EQ(render("{{ xs | selectattr('n', 'gt', 2) | join(',', 'n') }}|{{ xs | rejectattr('n', 'odd') | join(',', 'n') }}", ctx),
            "3,4|2,4");
}

TEST(Render, NativeObjectsAndCallables) {
  struct Page : base::Native {
    Value get(std::string_view key) const override { return key == "title" ? Value("Lazy <T>") : Value(); }
    std::vector<std::string> keys() const override { return {"title"}; }
  };
  Value ctx = obj({{"page", Value(std::make_shared<const Page>())}});
  EXPECT_EQ(render("{{ page.title }}|{% for k, v in page %}{{ k }}={{ v }}{% endfor %}|{{ page | dump }}", ctx),
            "Lazy &lt;T&gt;|title=Lazy &lt;T&gt;|{&quot;title&quot;:&quot;Lazy &lt;T&gt;&quot;}");
}

// Nunjucks 3.2.4 compiles macro parameters without default and loop targets to JavaScript
// variables, so an undefined one never falls through to the context, and a for loop's else body
// sees its targets (undefined). Expected bytes are Nunjucks'.
TEST(Render, UndefinedParametersAndLoopTargetsShadowTheContextAsInNunjucks) {
  tmpl::Engine engine;
  engine.add_template("main", "{% macro m(post, i) %}{{ post }}{{ i }}{% for t in [1] %}{{ post }}{{ i }}{% endfor %}"
                              "{% endmacro %}{{ m() }}|{{ m(undefined, 3) }}|"
                              "{% for z in [] %}{% else %}{{ z }}E{% endfor %}");
  ASSERT_TRUE(engine.finalize().empty());
  base::Object ctx;
  ctx.set("post", base::Value("ctx"));
  ctx.set("i", base::Value("I"));
  ctx.set("z", base::Value("zz"));
  EXPECT_EQ(*engine.render("main", base::Value(std::move(ctx))), "|33|E");
}

// The same rule on every path: beyond the four inline slots (no static slot: the frame walk),
// in call blocks (which see their site's loop targets), in defaults, and `set` of such a name
// (it writes the binding that holds it, undefined or not). Expected bytes are Nunjucks'.
TEST(Render, FinalNamesOnEveryPath) {
  tmpl::Engine engine;
  engine.add_template("main",
                      "{% macro m(a, b, c, d, post) %}[{{ post }}{{ d }}]{% endmacro %}{{ m(1) }}"
                      "{% macro k(post, i=post) %}[{{ i }}]{% endmacro %}{{ k() }}"
                      "{% macro w() %}{{ caller() }}{% endmacro %}"
                      "{% for z in [undefined] %}{% call w() %}({{ z }}){% endcall %}{% endfor %}"
                      "{% macro s(post, i) %}{% set post = 's' %}{% for t in [1] %}{% set i = 't' %}{% endfor %}"
                      "[{{ post }}{{ i }}]{% endmacro %}{{ s() }}"
                      "{% for z in [] %}{% else %}{% set z = 'e' %}{% set x = 'y' %}[{{ z }}{{ x }}]{% endfor %}[{{ z }}{{ x }}]"
                      "{% for a, b, c, d, z in [] %}{% else %}[{{ z }}{{ loop }}]{% endfor %}"
                      "{% set z = 'top' %}{% for z in [] %}{% else %}[{{ z }}]{% endfor %}[{{ z }}]");
  ASSERT_TRUE(engine.finalize().empty());
  base::Object ctx;
  ctx.set("post", base::Value("P"));
  ctx.set("i", base::Value("I"));
  ctx.set("d", base::Value("D"));
  ctx.set("z", base::Value("Z"));
  ctx.set("x", base::Value("X"));
  ctx.set("loop", base::Value("L"));
  EXPECT_EQ(*engine.render("main", base::Value(std::move(ctx))), "[][I]()[st][ey][ZX][L][][top]");
}

// Engine::render_page: what a page adds to its head is written before the first `</head>` of the
// render's own output that template text writes, with the head so far in view; large strings
// printed as they are go into the page as splices, not copies.
namespace {

struct PageRun {
  std::string out;       // flattened
  std::string own;       // the page's own bytes
  std::vector<std::pair<size_t, std::string>> splices;
  bool fired = false;
  std::string seen;      // the output the head hook was called with
  int calls = 0;
  std::string plain;     // Engine::render of the same page
};

PageRun render_page(std::initializer_list<std::pair<const char*, const char*>> templates, const char* name,
                    const Value& ctx = {}, size_t splice_min = 0, bool hook = true) {
  tmpl::Engine engine;
  for (const auto& [n, src] : templates) engine.add_template(n, src);
  EXPECT_TRUE(engine.finalize().empty());
  PageRun run;
  tmpl::Engine::PageOutput page;
  if (hook) {
    page.head = [&](std::string& out) {
      ++run.calls;
      run.seen = out;
      out += "<meta x>";
    };
  }
  page.splice_min = splice_min;
  auto r = engine.render_page(name, ctx, 0, page);
  EXPECT_TRUE(r.has_value());
  if (!r) return run;
  run.own = r->own;
  for (const auto& sp : r->splices) run.splices.emplace_back(sp.at, std::string(sp.text.as_string()));
  run.out = std::move(*r).flatten();
  run.fired = page.head_fired;
  auto plain = engine.render(name, ctx);
  run.plain = plain ? *plain : "ERROR";
  return run;
}

} // namespace

TEST(RenderPage, HeadHookWritesBeforeTheFirstHeadCloseOfTemplateText) {
  auto r = render_page({{"page.njk", "<head><title>{{ t }}</title></head><body></head></body>"}}, "page.njk",
                       obj({{"t", "T"}}));
  EXPECT_TRUE(r.fired);
  EXPECT_EQ(r.calls, 1);
  EXPECT_EQ(r.seen, "<head><title>T</title>");
  EXPECT_EQ(r.out, "<head><title>T</title><meta x></head><body></head></body>");
  // in a conditional's text and in an included template, too
  r = render_page({{"page.njk", "<head>{% if yes %}</head>{% endif %}"}}, "page.njk", obj({{"yes", true}}));
  EXPECT_EQ(r.out, "<head><meta x></head>");
  r = render_page({{"page.njk", "{% include 'head.njk' %}<body>"}, {"head.njk", "<head></head>"}}, "page.njk");
  EXPECT_EQ(r.out, "<head><meta x></head><body>");
}

TEST(RenderPage, HeadHookNotAtAHeadClosePrintedFromAValue) {
  // `</head>` printed from a value: the caller inserts the additions itself
  auto r = render_page({{"page.njk", "<head>{{ h | safe }}<body>"}}, "page.njk", obj({{"h", "</head>"}}));
  EXPECT_FALSE(r.fired);
  EXPECT_EQ(r.out, "<head></head><body>");
  // nor later: the page's first `</head>` is the printed one
  r = render_page({{"page.njk", "<head>{{ h | safe }}</head><body>"}}, "page.njk", obj({{"h", "</head>"}}));
  EXPECT_FALSE(r.fired);
  EXPECT_EQ(r.out, "<head></head></head><body>");
  // captured output is not the page's own output (printed, it is a value); a macro called in
  // place writes the page's own output
  r = render_page({{"page.njk", "{% set h %}</head>{% endset %}<head>{{ h | safe }}"}}, "page.njk");
  EXPECT_FALSE(r.fired);
  r = render_page({{"page.njk", "{% macro m() %}</head>{% endmacro %}<head>{{ m() }}"}}, "page.njk");
  EXPECT_TRUE(r.fired);
  EXPECT_EQ(r.out, "<head><meta x></head>");
}

TEST(RenderPage, AChildTemplatesDiscardedOutputDoesNotCount) {
  // a child's top-level output is discarded (Nunjucks): the hook fires again in the parent's,
  // and what the child's text spliced is dropped with it
  auto r = render_page({{"child.njk", "</head>{{ big | safe }}{% extends 'base.njk' %}{% block b %}x{% endblock %}"},
                        {"base.njk", "<head></head>{% block b %}{% endblock %}{{ big | safe }}"}},
                       "child.njk", obj({{"big", Value::safe("0123456789")}}), 8);
  EXPECT_TRUE(r.fired);
  EXPECT_EQ(r.calls, 2);
  EXPECT_EQ(r.out, "<head><meta x></head>x0123456789");
  EXPECT_EQ(r.splices, (std::vector<std::pair<size_t, std::string>>{{22, "0123456789"}}));
}

TEST(RenderPage, LargeStringsPrintedAsTheyAreAreSplicedNotCopied) {
  const Value ctx = obj({{"big", Value::safe("<aside>0123456789</aside>")}, {"raw", "<b>0123456789</b>"},
                         {"small", Value::safe("<i>x</i>")}});
  // a safe value, through `| safe`, through a filter that leaves it whole, in a loop, a macro's
  // output printed whole: spliced
  auto r = render_page({{"page.njk",
                         "<p>{{ big }}</p>{{ big | safe | trim }}{% for i in [1, 2] %}[{{ big }}]{% endfor %}"
                         "{% macro m() %}<div>{{ small }}{{ small }}</div>{% endmacro %}{% set mm = m() %}{{ mm }}"}},
                       "page.njk", ctx, 16, false);
  EXPECT_EQ(r.out, r.plain);
  EXPECT_EQ(r.own, "<p></p>[][]");
  ASSERT_EQ(r.splices.size(), 5u);
  EXPECT_EQ(r.splices[0], (std::pair<size_t, std::string>{3, "<aside>0123456789</aside>"}));
  EXPECT_EQ(r.splices[1].first, 7u);
  EXPECT_EQ(r.splices[2].first, 8u);
  EXPECT_EQ(r.splices[3].first, 10u);
  EXPECT_EQ(r.splices[4], (std::pair<size_t, std::string>{11, "<div><i>x</i><i>x</i></div>"}));
  // escaped, small, made safe by `| safe` (a new value), changed by a filter, captured: copied
  r = render_page({{"page.njk", "{{ raw }}{{ small }}{{ raw | safe }}{{ big | upper }}{% set c %}{{ big }}{% endset %}{{ c }}"}},
                  "page.njk", ctx, 16, false);
  EXPECT_EQ(r.out, r.plain);
  EXPECT_TRUE(r.splices.empty());
  // without a minimum nothing is spliced
  r = render_page({{"page.njk", "{{ big }}"}}, "page.njk", ctx, 0, false);
  EXPECT_TRUE(r.splices.empty());
  EXPECT_EQ(r.own, "<aside>0123456789</aside>");
}
