// The interpreter's fast paths (string filter chains on views, loops over range() and sort
// without arrays, one reused `loop` object, macros rendered in place, reused contexts) must give
// the bytes of the general paths; expected values are Nunjucks 3.2.4's output.
#include <gtest/gtest.h>

#include <string>
#include <thread>

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

Value list(std::initializer_list<Value> items) { return Value(base::Array(items)); }

std::string render(tmpl::Engine& engine, std::string_view src, const Value& ctx = {}) {
  auto out = engine.render_string(src, ctx);
  if (!out) return "ERROR: " + out.error().message;
  return *out;
}

std::string render(std::string_view src, const Value& ctx = {}) {
  tmpl::Engine engine;
  EXPECT_TRUE(engine.finalize().empty());
  return render(engine, src, ctx);
}

} // namespace

TEST(FastPaths, StringFilterChainsKeepBytesAndSafeMarks) {
  Value ctx = obj({{"s", "  <p>Hello   world, again</p> "}});
  EXPECT_EQ(render("{{ '<b> x </b>' | safe | trim }}|{{ ' <i>a</i>  b ' | striptags | upper }}|"
                   "{{ s | striptags | truncate(9) }}|{{ '<a>' | escape | lower }}|{{ s | replace('a', '<') | trim }}",
                   ctx),
            "<b> x </b>|A B|Hello...|&amp;lt;a&amp;gt;|&lt;p&gt;Hello   world, &lt;g&lt;in&lt;/p&gt;");
  EXPECT_EQ(render("{{ 'x' | default('d') }}{{ '' | default('d', true) }}{{ '' | default('d') }}|{{ 'A&B' | urlencode | lower }}"),
            "xd|a%26b");
  // Non-string input in a chain takes the full filters.
  EXPECT_EQ(render("{{ n | string | replace('1', 'x') | trim }}|{{ none | trim | upper }}", obj({{"n", 31}})), "3x|");
}

TEST(FastPaths, ReplacedBuiltinFilterLosesItsFastPath) {
  tmpl::Engine engine;
  engine.add_filter("lower", [](tmpl::CallContext&, const Value& in, std::span<const Value>, const tmpl::KwArgs&)
                                 -> base::Result<Value> {
    std::string s = "<";
    s += in.to_string();
    s += '>';
    return Value(std::move(s));
  });
  ASSERT_TRUE(engine.finalize().empty());
  EXPECT_EQ(render(engine, "{{ 'AB' | lower | trim }}"), "&lt;AB&gt;");
}

TEST(FastPaths, SplitIndexViewsTheString) {
  EXPECT_EQ(render("[{{ v.split('||')[0] | trim }}][{{ v.split('||')[1] | trim }}][{{ v.split('||')[2] }}]"
                   "[{{ v.split('x')[0] }}][{{ v.split('||')[1] }}]",
                   obj({{"v", "/a/ || fa <b>"}})),
            "[/a/][fa &lt;b&gt;][][/a/ || fa &lt;b&gt;][ fa &lt;b&gt;]");
}

TEST(FastPaths, LoopsOverSortAndRange) {
  Value ctx = obj({{"tags", list({"b", "A", "c", "a"})},
                   {"ps", list({obj({{"n", 2}}), obj({{"n", 1}}), obj({{"n", 3}})})}});
  EXPECT_EQ(render("{% for t in tags | sort(true) %}{{ t }},{% endfor %}|{% for t in tags | sort %}{{ loop.index }}{{ t }}{% endfor %}|"
                   "{% for p in ps | sort(false, false, 'n') %}{{ p.n }}{% endfor %}|{% for x in 'cab' | sort %}{{ x }}{% endfor %}",
                   ctx),
            "c,b,A,a,|1A2a3b4c|123|abc");
  EXPECT_EQ(render("{% for n in range(5, 0, -2) %}{{ n }}{{ loop.length }},{% else %}none{% endfor %}|"
                   "{% for n in range(0) %}x{% else %}empty{% endfor %}|{% for n in range(3) %}{{ n }}{% endfor %}"),
            "53,33,13,|empty|012");
  // A `range` of the context is not the builtin.
  EXPECT_EQ(render("{% for n in range(2) %}{{ n }}{% endfor %}", obj({{"range", Value::null()}})).substr(0, 6), "ERROR:");
  EXPECT_EQ(render("{% for n in range(0, 1000000000000) %}{% endfor %}"), "ERROR: range() is too large");
}

TEST(FastPaths, LoopObjectIsUpdatedInPlaceAsInNunjucks) {
  EXPECT_EQ(render("{% set l = none %}{% for x in [1,2,3] %}{% if loop.first %}{% set l = loop %}{% endif %}{% endfor %}{{ l.index }}"),
            "3");
  EXPECT_EQ(render("{% for a in [1,2] %}{% for b in [1,2,3] %}{{ loop.index }}{% endfor %}{{ loop.index }};{% endfor %}"),
            "1231;1232;");
}

TEST(FastPaths, ObjectLoopsKeepJavaScriptKeyOrder) {
  base::Object o;
  o.set("b", 1);
  o.set("2", "x");
  o.set("a", 2);
  o.set("1", "y");
  EXPECT_EQ(render("{% for k, v in o %}{{ k }}={{ v }};{% endfor %}", obj({{"o", Value(std::move(o))}})), "1=y;2=x;b=1;a=2;");
}

TEST(FastPaths, CallerAfterItsCallBlockIsAnErrorNotACrash) {
  // An import `with context` inside a macro stores the caller into the page's context, where it
  // outlives its call block (Nunjucks would still call it; Haven's frames are gone by then).
  tmpl::Engine engine;
  engine.add_template("x.njk", "{% set c = caller %}");
  engine.add_template("main.njk",
                      "{% macro m() %}{% import 'x.njk' as y with context %}{{ caller() }}{% endmacro %}"
                      "{% call m() %}hi{% endcall %}|{{ y.c() }}");
  ASSERT_TRUE(engine.finalize().empty());
  auto out = engine.render("main.njk", Value());
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("caller() was called after its call block ended"), std::string::npos);
}

TEST(FastPaths, NestedRendersInsideChainsUseTheirOwnScratch) {
  tmpl::Engine engine;
  engine.add_template("p.njk", "{{ s | striptags | upper }}");
  engine.add_filter("partial", [](tmpl::CallContext& cc, const Value& in, std::span<const Value>, const tmpl::KwArgs&)
                                   -> base::Result<Value> {
    auto r = cc.render("p.njk", Value(base::Object{}));
    if (!r) return std::unexpected(r.error());
    std::string s = in.to_string();
    s += *r;
    return Value(std::move(s));
  });
  ASSERT_TRUE(engine.finalize().empty());
  EXPECT_EQ(render(engine, "{{ '<b>x</b> ' | striptags | partial | trim | upper }}", obj({{"s", "<i>a</i>"}})), "X");
  EXPECT_EQ(render(engine, "{% for i in [1,2] %}{{ ' a ' | trim | partial }}{% endfor %}"), "aa");
}

TEST(FastPaths, MacroOutputInPlaceMatchesItsValue) {
  EXPECT_EQ(render("{% macro m(x) %}<{{ x }}>{% endmacro %}{{ m('&') }}|{{ m('&') | upper }}|{% set v = m(1) %}{{ v }}"),
            "<&amp;>|&lt;&amp;AMP;&gt;|<1>"); // upper's result is a plain string again
}

// GCC 12's std::string::resize_and_overwrite hands its operation the grown capacity, not the
// size asked for, when it reallocates: filters writing into a fresh scratch string and numbers
// printed into a full page printed uninitialised bytes (tmpl/util.hpp resize_and_overwrite).
// A new thread has fresh scratch strings, so each write below reallocates.
TEST(FastPaths, WritesThatGrowAStringKeepExactlyTheirBytes) {
  std::string out;
  std::thread([&] {
    out = render("{{ 'abcdefghij-klmnopqrst' | replace('-', '/') }}|{{ 'ABCDEFGHIJKLMNOPQRSTU' | lower }}|"
                 "{{ 'a-b-c-d-e-f-g-h-i-j-k' | replace('-', '--') }}|{{ s | replace('x', 'y') }}",
                 obj({{"s", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}}));
  }).join();
  EXPECT_EQ(out, "abcdefghij/klmnopqrst|abcdefghijklmnopqrstu|a--b--c--d--e--f--g--h--i--j--k|"
                 "yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy");
  // a number printed when the output is full: 15 bytes fill the short-string buffer
  for (size_t fill : {size_t{15}, size_t{30}, size_t{31}, size_t{60}}) {
    std::string text(fill, 'x');
    EXPECT_EQ(render("{{ t }}{{ n }}|{{ m }}", obj({{"t", Value(text)}, {"n", Value(42.0)}, {"m", Value(123456789.0)}})),
              text + "42|123456789");
  }
}
