// The second round of fast paths (escaping and UTF-8 counting by blocks, one-pass case mapping,
// URI encoding and one-byte replace, integer name keys in scopes, conditions without boolean
// Values, in-place sort of short string lists) must give the bytes of the plain algorithms;
// template expectations are Nunjucks 3.2.4's output.
#include <gtest/gtest.h>

#include <cctype>
#include <cstring>
#include <string>

#include "base/value.hpp"
#include "tmpl/engine.hpp"
#include "tmpl/runtime.hpp"
#include "tmpl/util.hpp"

using namespace haven;
using base::Value;

namespace {

Value obj(std::initializer_list<std::pair<const char*, Value>> fields) {
  base::Object o;
  for (const auto& [k, v] : fields) o.set(k, v);
  return Value(std::move(o));
}

Value list(std::initializer_list<Value> items) { return Value(base::Array(items)); }

std::string render(std::string_view src, const Value& ctx = {}) {
  tmpl::Engine engine;
  EXPECT_TRUE(engine.finalize().empty());
  auto out = engine.render_string(src, ctx);
  if (!out) return "ERROR: " + out.error().message;
  return *out;
}

std::string plain_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '"': out += "&quot;"; break;
    case '\'': out += "&#39;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '\\': out += "&#92;"; break;
    default: out += c;
    }
  }
  return out;
}

std::string fmt_hex(unsigned char c) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  return {'%', k_hex[c >> 4], k_hex[c & 15]};
}

size_t plain_utf8_length(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

} // namespace

TEST(SpeedPaths, EscapingMatchesThePlainLoopAtEveryBlockBoundary) {
  // Lengths around the sixteen-byte blocks, an entity at every position, plain runs between.
  const std::string specials = "&\"'<>\\";
  for (size_t len = 0; len <= 50; ++len) {
    for (size_t at = 0; at <= len; ++at) {
      std::string s(len, 'x');
      if (at < len) s[at] = specials[at % specials.size()];
      if (len > 3) s[len - 1] = '<';
      std::string out = "prefix";
      tmpl::detail::append_escaped(out, s);
      ASSERT_EQ(out, "prefix" + plain_escape(s)) << "len " << len << " at " << at;
      // the same through a view (a Value's string): short ones take their own path
      std::string via_view = "prefix";
      tmpl::detail::append_escaped(via_view, std::string_view(s));
      ASSERT_EQ(via_view, out) << "view, len " << len << " at " << at;
    }
  }
  std::string all_special(40, '&');
  std::string out;
  out.shrink_to_fit(); // no room: the output grows
  tmpl::detail::append_escaped(out, all_special);
  EXPECT_EQ(out, plain_escape(all_special));
  // Escaping part of the output itself (the buffer may move while growing).
  std::string self = "<a href='x'>and some more text to force a reallocation</a>";
  std::string_view view(self);
  tmpl::detail::append_escaped(self, view.substr(0, 12));
  EXPECT_EQ(self, "<a href='x'>and some more text to force a reallocation</a>&lt;a href=&#39;x&#39;&gt;");
}

TEST(SpeedPaths, CleanTailsAndShortStringsAreCopiedWithTheirOwnBytes) {
  // Short strings and block tails without entities take word stores from overlapping loads:
  // distinct bytes at every position catch a shifted or stale byte; one special anywhere (or
  // none) for every length around the eight- and sixteen-byte loads.
  const std::string specials = "&\"'<>\\";
  for (size_t len = 0; len <= 50; ++len) {
    for (size_t at = 0; at <= len; ++at) { // at == len: nothing to escape
      std::string s;
      for (size_t k = 0; k < len; ++k) s += static_cast<char>('a' + (k * 7 + len) % 26);
      if (at < len) s[at] = specials[(at + len) % specials.size()];
      for (std::string out : {std::string(), std::string("prefix")}) {
        std::string expected = out + plain_escape(s);
        tmpl::detail::append_escaped(out, s);
        ASSERT_EQ(out, expected) << "len " << len << " at " << at;
      }
    }
  }
}

TEST(SpeedPaths, Utf8LengthAndAsciiChecksByBlocks) {
  std::string s;
  for (int i = 0; i < 5000; ++i) s += (i % 7 == 0) ? "é" : (i % 11 == 0 ? "中" : "a"); // > 255 blocks
  for (size_t len : {0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 100, 4079, 4080, 4081, 4096, 4097}) {
    std::string_view part = std::string_view(s).substr(0, std::min(len, s.size()));
    ASSERT_EQ(tmpl::detail::utf8_length(part), plain_utf8_length(part)) << len;
  }
  EXPECT_EQ(tmpl::detail::utf8_length(s), plain_utf8_length(s));
  EXPECT_TRUE(tmpl::detail::is_ascii("plain ascii text, longer than eight"));
  EXPECT_FALSE(tmpl::detail::is_ascii("plain ascii text, then é"));
  EXPECT_FALSE(tmpl::detail::is_ascii("é"));
  EXPECT_TRUE(tmpl::detail::is_ascii(""));
}

TEST(SpeedPaths, CaseMappingAndUriEncodingInOnePass) {
  EXPECT_EQ(render("{{ 'Hello WORLD 42' | lower }}|{{ 'Hello world' | upper }}|{{ 'ÄBC Déjà' | lower }}|"
                   "{{ 'straße' | upper }}"),
            "hello world 42|HELLO WORLD|äbc déjà|STRASSE");
  EXPECT_EQ(render("{{ 'C++ & Go/Rust' | lower | urlencode }}|{{ '日本 語' | urlencode }}|{{ \"a'b(c)*~!\" | urlencode }}"),
            "c%2B%2B%20%26%20go%2Frust|%E6%97%A5%E6%9C%AC%20%E8%AA%9E|a&#39;b(c)*~!");
}

TEST(SpeedPaths, OneByteReplaceKeepsCountSemantics) {
  EXPECT_EQ(render("{{ '2024-01-10' | replace('-', '/') }}|{{ 'a-b-c-d' | replace('-', '+', 2) }}|"
                   "{{ 'a-b-c' | replace('-', '') }}|{{ 'a-b' | replace('-', '<->') }}|{{ 'abc' | replace('-', '+') }}|"
                   "{{ '-' | replace('-', 'xyz') }}|{{ 'a-b-c-d' | replace('-', '+', 0) }}"),
            "2024/01/10|a+b+c-d|abc|a&lt;-&gt;b|abc|xyz|a-b-c-d");
}

TEST(SpeedPaths, ShortStringListsSortCaseInsensitivelyAndStably) {
  Value ctx = obj({{"tags", list({"b", "A", "a", "B", "ab", "Aa"})}});
  EXPECT_EQ(render("{{ tags | sort | join(',') }}|{% for t in tags | sort(true) %}{{ t }},{% endfor %}|"
                   "{% for t in tags | sort(false, true) %}{{ t }},{% endfor %}",
                   ctx),
            "A,a,Aa,ab,b,B|b,B,ab,Aa,A,a,|A,Aa,B,a,ab,b,");
}

TEST(SpeedPaths, NameKeysKeepLongNamesApart) {
  using tmpl::detail::name_key;
  // Same length, same first and last eight bytes: the keys may collide, the names must not.
  EXPECT_EQ(render("{% set abcdefgh_x_ijklmnop = 1 %}{% set abcdefgh_y_ijklmnop = 2 %}"
                   "{{ abcdefgh_x_ijklmnop }}{{ abcdefgh_y_ijklmnop }}"
                   "{% for abcdefgh_z_ijklmnop in [3] %}{{ abcdefgh_x_ijklmnop }}{{ abcdefgh_z_ijklmnop }}{% endfor %}"
                   "{% macro m(first_long_param_a, first_long_param_b) %}{{ first_long_param_a }}{{ first_long_param_b }}{% endmacro %}"
                   "{{ m(4, 5) }}"),
            "121345");
  EXPECT_NE(name_key("ab"), name_key("ba"));
  EXPECT_NE(name_key("a"), name_key("aa"));
  EXPECT_NE(name_key("post"), name_key("page"));
  EXPECT_NE(name_key("abcdefg"), name_key("abcdefh"));
  EXPECT_TRUE(tmpl::detail::name_key_exact(name_key("abcdefg")));
  EXPECT_FALSE(tmpl::detail::name_key_exact(name_key("abcdefgh")));
  // Context variables (top-level set, imported macros) use keys too.
  Value ctx = obj({{"page", obj({{"title", "T"}})}, {"post", "P"}});
  EXPECT_EQ(render("{% set pages = 'S' %}{{ page.title }}{{ pages }}{{ post }}{% set post = 'Q' %}{{ post }}", ctx), "TSPQ");
  EXPECT_TRUE(tmpl::detail::same_name("abcdefghijklmnopq", "abcdefghijklmnopq"));
  EXPECT_FALSE(tmpl::detail::same_name("abcdefghijklmnopq", "abcdefghXjklmnopq"));
  EXPECT_FALSE(tmpl::detail::same_name("abcdefghijklmnopq", "abcdefghijklmnopX"));
  EXPECT_FALSE(tmpl::detail::same_name("abc", "abd"));
  EXPECT_FALSE(tmpl::detail::same_name("abc", "xbc"));
  EXPECT_TRUE(tmpl::detail::same_name("", ""));
}

TEST(SpeedPaths, ConditionsAndNumbersWithoutTemporaries) {
  Value ctx = obj({{"n", 2}, {"s", "2"}, {"z", 0}, {"e", ""}, {"xs", list({1})}});
  EXPECT_EQ(render("{% if n == 2 %}a{% endif %}{% if n == s %}b{% endif %}{% if n === s %}c{% endif %}"
                   "{% if n < 10 and n >= 2 %}d{% endif %}{% if z or e %}no{% else %}e{% endif %}"
                   "{% if not e %}f{% endif %}{% if (0/0) == (0/0) %}no{% else %}g{% endif %}"
                   "{% if xs | length %}h{% endif %}{{ 'i' if n != 1 }}{{ 'no' if n != 2 }}"
                   "{% if 1 < 2 < 3 %}j{% endif %}{% if 3 > 2 > 1 %}no{% else %}k{% endif %}",
                   ctx),
            "abdefghijk");
  EXPECT_EQ(render("{{ 0 }}|{{ -0 }}|{{ z }}|{{ 0.0 }}|{{ 1 - 1 }}", ctx), "0|0|0|0|0");
}

TEST(SpeedPaths, LongInputIsEscapedInChunksWithTheSameBytes) {
  std::string s;
  for (int i = 0; i < 3000; ++i) s += "a<b>&\"'\\ é ";
  std::string out;
  tmpl::detail::append_escaped(out, s);
  EXPECT_EQ(out, plain_escape(s));
  EXPECT_LT(out.capacity(), 2 * out.size() + 6 * 4096 + 64); // no worst-case spare room for the whole input
  std::string uri;
  tmpl::detail::append_uri_component(uri, s);
  std::string plain;
  for (unsigned char c : s) {
    if (std::isalnum(c) || std::string_view("-_.!~*'()").find(static_cast<char>(c)) != std::string_view::npos) {
      plain += static_cast<char>(c);
    } else {
      plain += fmt_hex(c);
    }
  }
  EXPECT_EQ(uri, plain);
  EXPECT_EQ(uri.substr(0, 24), "a%3Cb%3E%26%22'%5C%20%C3");
}

TEST(SpeedPaths, ShortTextAppendsCopyEveryByte) {
  // Template text between tags is appended with overlapping word copies up to 32 bytes.
  for (size_t len = 0; len <= 40; ++len) {
    std::string s;
    for (size_t k = 0; k < len; ++k) s += static_cast<char>('A' + (k * 5 + len) % 26);
    for (size_t room : {size_t{0}, size_t{100}}) {
      std::string out = "pre";
      out.reserve(3 + room); // no room: the plain append grows the string
      tmpl::detail::append_text(out, s);
      ASSERT_EQ(out, "pre" + s) << "len " << len << " room " << room;
    }
  }
  EXPECT_EQ(render("{% for i in [1, 2] %}<li>{{ i }}</li>{% endfor %}ab\nc"), "<li>1</li><li>2</li>ab\nc");
}

TEST(SpeedPaths, IntegersPrintLikeJavaScriptAroundTheDirectDigitPath) {
  // Positive integers below 1e9 are written digit by digit; the rest take the general printer.
  EXPECT_EQ(render("{{ 1 }}|{{ 9 }}|{{ 10 }}|{{ 99 }}|{{ 100 }}|{{ 999999999 }}|{{ 1000000000 }}|"
                   "{{ 4294967296 }}|{{ 4294967297 }}|{{ 0.5 }}|{{ 1.5 }}|{{ -3 }}|{{ 12 / 4 }}|{{ 10 ** 21 }}|{{ 2 ** 53 }}"),
            "1|9|10|99|100|999999999|1000000000|4294967296|4294967297|0.5|1.5|-3|3|1e+21|9007199254740992");
}

TEST(SpeedPaths, InlineStringAccessKeepsEmptyStrings) {
  // Hot paths read strings without Value::as_string's call; empty strings stay empty (Nunjucks'
  // output).
  Value ctx = obj({{"e", Value(std::string())}});
  EXPECT_EQ(render("{{ e | replace('a', 'b') }}|{{ 'a-b-c' | replace('-', e) }}|{{ 'a-b' | replace('-', '&') }}|"
                   "{% for t in ['b', '', 'A'] | sort %}[{{ t }}]{% endfor %}|{{ e }}{{ 'x' ~ e }}",
                   ctx),
            "|abc|a&amp;b|[][A][b]|x");
}

TEST(SpeedPaths, StriptagsCollapsesWhitespaceInTheLastBlock) {
  // Plain runs end in an overlapping last block: whitespace runs at every position near the end
  // of pieces of 16 to 40 bytes collapse into one space, and the end is trimmed (Nunjucks:
  // trim, then replace(/\s+/g, ' ')).
  auto collapse = [](const std::string& s) {
    std::string out;
    bool pending = false;
    for (char c : s) {
      if (c == ' ' || c == '\n' || c == '\t') {
        pending = true;
      } else {
        if (pending && !out.empty()) out += ' ';
        pending = false;
        out += c;
      }
    }
    return out;
  };
  for (size_t len = 16; len <= 40; ++len) {
    for (size_t at = 0; at + 1 < len; ++at) {
      for (const char* ws : {" ", "  ", "\n", " \t"}) {
        std::string s;
        for (size_t k = 0; k < len; ++k) s += (k % 6 == 5) ? ' ' : static_cast<char>('a' + k % 26);
        s.replace(at, std::strlen(ws), ws);
        s.resize(len);
        Value ctx = obj({{"s", Value(s)}});
        ASSERT_EQ(render("{{ s | striptags }}", ctx), collapse(s)) << "len " << len << " at " << at;
        ASSERT_EQ(render("{{ ('<b>' + s + '</b>x') | striptags }}", ctx), collapse(s + "x")) << len << " " << at;
      }
    }
  }
}

TEST(SpeedPaths, TruncateCountsOnlyThePrefixOfAsciiText) {
  // An ASCII prefix longer than `length` decides without counting the whole string; otherwise
  // code points are counted. Expected bytes are Nunjucks 3.2.4's.
  EXPECT_EQ(render("{{ 'hello world foo' | truncate(5) }}|{{ 'hello world foo' | truncate(11) }}|"
                   "{{ 'hello world foo' | truncate(17) }}|{{ 'hello world foo' | truncate(16) }}|"
                   "{{ 'hello world foo' | truncate(15) }}|{{ 'hello world foo' | truncate(5.5) }}|"
                   "{{ 'abcdefghij' | truncate(4, true) }}|{{ 'abcd é fgh' | truncate(6) }}|"
                   "{{ 'abcdé fgh' | truncate(4) }}|{{ 'ab cdé fgh' | truncate(5) }}|"
                   "{{ 'héllo wörld' | truncate(7, true, '…') }}|{{ 'abc def' | truncate(6, false, '!') }}"),
            "hello...|hello world...|hello world foo|hello world foo|hello world foo|hello...|abcd...|abcd é...|"
            "abcd...|ab...|héllo w…|abc!");
}

TEST(SpeedPaths, OneByteReplaceCountsOnceAndWritesBytes) {
  // A one-byte `old` is counted once (no separate search); a one-byte `new` is written byte for
  // byte. Expected bytes are Nunjucks 3.2.4's.
  EXPECT_EQ(render("{{ '2024-01-10' | replace('-', '/') }}|{{ 'a-b-c-d' | replace('-', '+', 2) }}|"
                   "{{ 'a-b-c' | replace('-', '', 1) }}|{{ 'a-b' | replace('x', 'y') }}|"
                   "{{ 'a-b-c' | replace('-', 'XY') }}|{{ 'a-b' | replace('-', 1) }}|"
                   "{{ 'a-b-c' | replace('-', '/', 0) }}|{{ '--' | replace('-', '<') }}"),
            "2024/01/10|a+b+c-d|ab-c|a-b|aXYbXYc|a1b|a-b-c|&lt;&lt;");
}

TEST(SpeedPaths, EscapingFindsExactlyTheSixBytesAmongAllByteValues) {
  // The block test folds & with ' and < with > through one bit: every other byte value
  // (neighbours such as % = ? $) stays as it is, in long blocks and in short strings.
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  std::string out;
  tmpl::detail::append_escaped(out, all);
  EXPECT_EQ(out, plain_escape(all));
  for (int c = 0; c < 256; ++c) {
    for (size_t len : {1, 5, 9, 17}) {
      std::string s(len, static_cast<char>(c));
      std::string o;
      tmpl::detail::append_escaped(o, s);
      ASSERT_EQ(o, plain_escape(s)) << c << " " << len;
    }
  }
}

TEST(SpeedPaths, MacrosCalledWithoutACallBlockBindNoCaller) {
  // An undefined `caller` does not shadow anything, so a macro called without a call block
  // binds none: the context's `caller` shows through, `set` still writes the macro's own frame,
  // and four parameters stay in the frame's inline slots. Expected bytes are Nunjucks 3.2.4's.
  const char* t1 = "{% macro m(a, b, c, d) %}[{{ caller }}|{{ caller is defined }}|{% set caller = 1 %}{{ caller }}|"
                   "{{ a }}{{ d }}]{% endmacro %}{{ m(1, 2, 3, 4) }}{{ caller }}";
  EXPECT_EQ(render(t1, obj({{"caller", Value("ctx")}})), "[ctx|true|1|14]ctx");
  EXPECT_EQ(render(t1), "[|false|1|14]");
  EXPECT_EQ(render("{% macro k() %}<{{ caller() if caller }}>{% endmacro %}{{ k() }}{% call k() %}y{% endcall %}"
                   "{% macro j(x) %}{% call k() %}{{ x }}{% endcall %}{% endmacro %}{{ j(7) }}"),
            "<><y><7>");
  // A parameter named `caller` keeps its argument or default (it used to be overwritten with
  // undefined).
  EXPECT_EQ(render("{% macro m(caller) %}[{{ caller }}]{% endmacro %}{{ m(5) }}"
                   "{% macro d(caller=3) %}[{{ caller }}]{% endmacro %}{{ d() }}{{ d(4) }}"),
            "[5][3][4]");
}

namespace {
// Renders "main" from registered templates (names bound by any of them are known to finalize()).
std::string render_files(std::initializer_list<std::pair<const char*, const char*>> files, const Value& ctx = {}) {
  tmpl::Engine engine;
  for (const auto& [name, src] : files) engine.add_template(name, src);
  auto errors = engine.finalize();
  if (!errors.empty()) return "ERROR: " + errors[0].message;
  auto out = engine.render("main", ctx);
  if (!out) return "ERROR: " + out.error().message;
  return *out;
}
} // namespace

TEST(SpeedPaths, StaticSlotsGiveWayToBindingsMadeAtRunTime) {
  // Loop variables and macro parameters are read from their frame slot, resolved at finalize();
  // a name that a statement may bind in a frame in between (macro, import, set) is looked up
  // through the frames as before. Expected bytes are Nunjucks 3.2.4's.
  EXPECT_EQ(render_files({{"main", "{% for x in [1] %}{% for y in [2] %}{% macro x() %}m{% endmacro %}{{ x() }}"
                                   "{% endfor %}{{ x }}{% endfor %}"}}),
            "m1");
  EXPECT_EQ(render_files({{"main", "{% for x in [1,2] %}{% for y in [0] %}{% set x = x * 10 %}{{ x }}{% endfor %}"
                                   "{{ x }},{% endfor %}"}}),
            "1010,2020,");
  EXPECT_EQ(render_files({{"main", "{% for x in [1] %}{% if true %}{% set y = 2 %}{% endif %}{{ y }}{% for q in [1] %}"
                                   "{% import \"lib\" as x %}{{ x.v }}{% endfor %}{{ x }}{% endfor %}"},
                          {"lib", "{% set v = 7 %}"}}),
            "271");
  // A call block's body sees its parameters in its own frame and the call site beyond it.
  EXPECT_EQ(render_files({{"main", "{% macro m(a) %}{{ caller(a) }}{% endmacro %}{% for a in [1] %}{% call(b) m(a+1) %}"
                                   "{{ a }}{{ b }}{% for c in [3] %}{{ a }}{{ b }}{{ c }}{% endfor %}{% endcall %}{% endfor %}"}}),
            "12123");
  EXPECT_EQ(render_files({{"main", "{% for a, b in [[1,2]] %}{{ loop.index }}{{ a }}{{ b }}{% else %}e{% endfor %}"}}),
            "112");
  // Defaults are bound after the parameters without one (and may read them).
  EXPECT_EQ(render_files({{"main", "{% macro m(a, b=a) %}{{ a }}{{ b }}{% endmacro %}{{ m(1) }}{{ m(1, 2) }}{{ m(b=3, a=4) }}"}}),
            "111243");
  // An include inside a loop sees the loop's frame; its own loop shadows it.
  EXPECT_EQ(render_files({{"main", "{% for x in [1] %}{% include \"inc\" %}{% endfor %}{{ x }}|{% include \"inc\" %}"},
                          {"inc", "{{ x }}{% for x in [2] %}{{ x }}{% endfor %}"}},
                         obj({{"x", Value("c")}})),
            "12c|c2");
}

TEST(SpeedPaths, NamesNoTemplateBindsSkipTheFrames) {
  // `page` is bound by no registered template: it is read from the context directly, unless the
  // render_string template binds it (then the included template sees the including frame).
  Value ctx = obj({{"page", Value("ctx")}});
  tmpl::Engine engine;
  engine.add_template("a", "{{ page }}");
  ASSERT_TRUE(engine.finalize().empty());
  EXPECT_EQ(*engine.render("a", ctx), "ctx");
  EXPECT_EQ(*engine.render_string("{% set page = 'mine' %}{% include 'a' %}", ctx), "mine");
  EXPECT_EQ(*engine.render_string("{% for page in [1] %}{% include 'a' %}{% endfor %}", ctx), "1");
  EXPECT_EQ(*engine.render_string("{% include 'a' %}", ctx), "ctx");
  // A template added later that binds it: finalize() again knows.
  engine.add_template("b", "{% for page in [2] %}{% include 'a' %}{% endfor %}");
  ASSERT_TRUE(engine.finalize().empty());
  EXPECT_EQ(*engine.render("b", ctx), "2");
  EXPECT_EQ(render_files({{"main", "{% for page in [1] %}{% include \"b\" %}{% endfor %}"}, {"b", "{{ page }}"}}, ctx), "1");
  // Globals are found after the context.
  tmpl::Engine g;
  g.add_global("site", Value("global"));
  g.add_template("a", "{{ site }}|{{ range(2) }}");
  ASSERT_TRUE(g.finalize().empty());
  EXPECT_EQ(*g.render("a", Value()), "global|0,1");
  EXPECT_EQ(*g.render("a", obj({{"site", Value("ctx")}})), "ctx|0,1");
}

TEST(SpeedPaths, PathOutputsAndFilterChainsGiveTheGeneralPathsBytes) {
  // `{{ a.b.c | f | g }}` with builtin string filters runs on two alternating scratch strings;
  // a step that is not an object, a non-string input or a declining filter takes the general
  // path. Expected bytes are Nunjucks 3.2.4's.
  const char* src =
      "{{ s | trim | lower | trim | replace(\"a\", \"b\") | truncate(5) }}|{{ s | trim }}|{{ s | safe | lower }}|"
      "{{ h | safe }}|{{ h }}|{{ h | striptags | upper }}|{{ o.s.length }}|{{ o.a.b.c }}|{{ o.x.y }}|{{ o.arr }}|"
      "{{ o.t }}|{{ o.n }}|{{ nul }}|{{ o.s | replace(\"b\", \"<\") | escape | lower }}|{{ o.s | default(\"d\") }}|"
      "{{ o.u | default(\"d\") }}|{{ o.s | replace(\"b\", \"<\") | lower }}";
  Value ctx = obj({{"s", Value("  AaBb Aa CC  ")},
                   {"h", Value("<b>X&amp;</b>")},
                   {"o", obj({{"s", Value("abc")},
                              {"a", obj({{"b", obj({{"c", Value("deep<")}})}})},
                              {"arr", list({Value(1.0), Value("x")})},
                              {"t", Value(true)},
                              {"n", Value(1.5)}})},
                   {"nul", Value::null()}});
  const char* expected = "bbbb...|AaBb Aa CC|  aabb aa cc  |<b>X&amp;</b>|&lt;b&gt;X&amp;amp;&lt;/b&gt;|X&amp;AMP;|3|"
                         "deep&lt;||1,x|true|1.5||a&amp;lt;c|abc|d|a&lt;c";
  EXPECT_EQ(render_files({{"main", src}}, ctx), expected);
  EXPECT_EQ(render(src, ctx), expected);
  // Strict undefined still reports a missing path value, with or without filters on it.
  tmpl::Engine strict(tmpl::EngineOptions{.strict_undefined = true});
  strict.add_template("a", "{{ o.missing }}");
  strict.add_template("b", "{{ o.s | upper }}{{ nothing }}");
  ASSERT_TRUE(strict.finalize().empty());
  EXPECT_FALSE(strict.render("a", ctx));
  EXPECT_FALSE(strict.render("b", ctx));
  EXPECT_EQ(*strict.render("a", obj({{"o", obj({{"missing", Value("x")}})}})), "x");
}

TEST(SpeedPaths, ConditionsOnPathsAndLiteralInlineIfsGiveTheGeneralPathsBytes) {
  // `'text' if cond else 'other'` prints literals escaped at finalize(); conditions on paths,
  // on comparisons of paths and literals and on `xs | length` read the values in place; other
  // shapes take the general path. Expected bytes are Nunjucks 3.2.4's.
  const char* src =
      "{{ \"<a>\" if o.t }}|{{ \"<a>\" if o.f }}|{{ \"x\" if o.f else \"<y>\" }}|{{ \"s\" if o.n != 1 }}|"
      "{% if o.s | length %}S{% endif %}{% if o.e | length %}E{% endif %}{% if o.arr | length %}A{% endif %}"
      "{% if o.empty | length %}O{% endif %}{% if o.obj | length %}B{% endif %}{% if o.u | length %}U{% endif %}"
      "{% if o.n | length %}N{% endif %}|{% if o.n == \"1.5\" %}eq{% endif %}{% if o.n === \"1.5\" %}seq{% endif %}"
      "{% if o.s.length > 2 %}len{% endif %}{% if o.arr %}arr{% endif %}{% if o.missing.x %}mx{% endif %}"
      "{% if not o.f %}nf{% endif %}{% if o.t and o.s %}ts{% endif %}|{{ (\"a\" | safe) if o.t }}";
  Value ctx = obj({{"o", obj({{"s", Value("abc")},
                              {"e", Value("")},
                              {"arr", list({Value(1.0)})},
                              {"empty", list({})},
                              {"obj", obj({{"k", Value(1.0)}})},
                              {"t", Value(true)},
                              {"f", Value(false)},
                              {"n", Value(1.5)}})}});
  const char* expected = "&lt;a&gt;||&lt;y&gt;|s|SAB|eqlenarrnfts|a";
  EXPECT_EQ(render_files({{"main", src}}, ctx), expected);
  EXPECT_EQ(render(src, ctx), expected);
  // Without autoescaping the literals print as they are; in strict mode a missing else branch
  // of a false condition is still an error.
  tmpl::Engine raw(tmpl::EngineOptions{.autoescape = false});
  raw.add_template("a", "{{ '<a>' if true }}{{ 'b' if false else '<c>' }}");
  ASSERT_TRUE(raw.finalize().empty());
  EXPECT_EQ(*raw.render("a", Value()), "<a><c>");
  tmpl::Engine strict(tmpl::EngineOptions{.strict_undefined = true});
  strict.add_template("a", "{{ 'a' if false }}");
  strict.add_template("b", "{{ 'a' if false else 'b' }}");
  ASSERT_TRUE(strict.finalize().empty());
  EXPECT_FALSE(strict.render("a", Value()));
  EXPECT_EQ(*strict.render("b", Value()), "b");
  // A replaced `length` filter runs as a condition too.
  tmpl::Engine replaced;
  replaced.add_filter("length", [](tmpl::CallContext&, const Value&, std::span<const Value>, const tmpl::KwArgs&)
                                    -> base::Result<Value> { return Value(0.0); });
  replaced.add_template("a", "{% if xs | length %}yes{% else %}no{% endif %}");
  ASSERT_TRUE(replaced.finalize().empty());
  EXPECT_EQ(*replaced.render("a", obj({{"xs", list({Value(1.0)})}})), "no");
}

TEST(SpeedPaths, ShortWholeStringsEscapeInlineWithTheSameBytes) {
  // append_escaped of a std::string under sixteen bytes copies sixteen bytes when nothing needs
  // escaping: only its own bytes may show, at every length, into a page with or without room.
  for (size_t n = 0; n <= 17; ++n) {
    for (size_t at = 0; at <= n; ++at) {
      for (char c : {'a', '&', '"', '\'', '<', '>', '\\'}) {
        std::string s(n, 'x');
        if (at < n) s[at] = c;
        for (size_t room : {0, 5, 40}) {
          std::string out = "pre";
          out.reserve(out.size() + room);
          tmpl::detail::append_escaped(out, s);
          ASSERT_EQ(out, "pre" + plain_escape(s)) << n << " " << at << " " << c << " " << room;
        }
      }
    }
  }
  // Bytes after the end of a shorter string that once was longer are not printed.
  std::string s = "abcdefghijklmn<";
  s.resize(3);
  std::string out;
  out.reserve(64);
  tmpl::detail::append_escaped(out, s);
  EXPECT_EQ(out, "abc");
}

TEST(SpeedPaths, StriptagsBeforeTruncateStopsEarlyWithTheSameBytes) {
  // In `s | striptags | truncate(n)` striptags stops once it has n + 1 code points; the bytes
  // are those of the full chain (checked against the chain with `string` in between, which
  // takes the whole striptags result).
  const char* pieces[] = {"word", " ", "  ", "\n\t", "<b>", "</b>", "<!-- c -->", "é", "日本", "\xC2\xA0", "<br/>",
                          "a", "<", "x_y", "Lorem ipsum dolor sit amet, consectetur adipiscing elit."};
  tmpl::Engine engine;
  std::string fused, whole;
  for (const char* n : {"1", "2", "5", "15", "16", "17", "31", "33", "80", "0"}) {
    for (const char* extra : {"", ", true", ", false, '~'"}) {
      fused += std::string("[{{ s | striptags | truncate(") + n + extra + ") }}]";
      whole += std::string("[{{ s | striptags | string | truncate(") + n + extra + ") }}]";
    }
  }
  engine.add_template("fused", fused);
  engine.add_template("whole", whole);
  ASSERT_TRUE(engine.finalize().empty());
  uint32_t seed = 7;
  for (int round = 0; round < 400; ++round) {
    std::string s;
    int count = static_cast<int>(seed % 12);
    for (int i = 0; i < count; ++i) {
      seed = seed * 1103515245u + 12345u;
      s += pieces[(seed >> 16) % std::size(pieces)];
    }
    seed = seed * 1103515245u + 12345u;
    Value ctx = obj({{"s", Value(s)}});
    ASSERT_EQ(*engine.render("fused", ctx), *engine.render("whole", ctx)) << s;
  }
}

TEST(SpeedPaths, SplitPiecesBeforeFiltersAreViewedInPlace) {
  // `{{ v.split('||')[k] | trim }}` views piece k of the string; past the last piece it is
  // undefined (the general path prints nothing). Expected bytes are Nunjucks 3.2.4's.
  const char* src = "[{{ v.split(\"||\")[0] | trim }}][{{ v.split(\"||\")[1] }}][{{ v.split(\"||\")[2] }}]"
                    "[{{ v.split(\"||\")[3] | upper }}][{{ s.split(\"|\")[1] }}][{{ v.split(\"x\")[0] | trim | lower }}]";
  Value ctx = obj({{"v", Value(" A<b> || c&d ||e")}, {"s", Value("a|b")}});
  const char* expected = "[A&lt;b&gt;][ c&amp;d ][e][][b][a&lt;b&gt; || c&amp;d ||e]";
  EXPECT_EQ(render_files({{"main", src}}, ctx), expected);
  EXPECT_EQ(render(src, ctx), expected);
  // Not a string: the general path (and its error).
  EXPECT_TRUE(render_files({{"main", "{{ n.split('|')[0] }}"}}, obj({{"n", Value(5.0)}})).starts_with("ERROR"));
}

TEST(SpeedPaths, MacroCallsWithPlainArgumentsBindStraightIntoTheFrame) {
  // `{{ m(a, b) }}` with arguments without calls, for a macro without defaults, binds the
  // arguments into the macro's frame directly; other calls take the general path. Expected
  // bytes are Nunjucks 3.2.4's.
  const char* src =
      "{% macro m(a, b) %}[{{ a }}|{{ b }}]{% endmacro %}{{ m(1) }}{{ m(1, 2) }}{{ m(x.y, \"s\") }}{{ m(1, 2, 3) }}"
      "{% for i in [1,2] %}{{ m(i, loop.index) }}{% endfor %}{% macro r(n) %}{{ n }}{% if n > 0 %}{{ r(n - 1) }}"
      "{% endif %}{% endmacro %}{{ r(3) }}{% macro d(a, b=5) %}{{ a }}{{ b }}{% endmacro %}{{ d(1) }}"
      "{{ m(b=2, a=1) }}{{ m(m(1,2), 3) }}";
  Value ctx = obj({{"x", obj({{"y", Value("<y>")}})}});
  const char* expected = "[1|][1|2][&lt;y&gt;|s][1|2][1|1][2|2]321015[1|2][[1|2]|3]";
  EXPECT_EQ(render_files({{"main", src}}, ctx), expected);
  EXPECT_EQ(render(src, ctx), expected);
  // The nesting limit still applies.
  std::string deep = render_files({{"main", "{% macro r(n) %}{{ r(n) }}{% endmacro %}{{ r(1) }}"}});
  EXPECT_NE(deep.find("nest too deeply"), std::string::npos) << deep;
}

TEST(SpeedPaths, LoopsBindLoopOnlyWhereSomethingCanSeeIt) {
  // A for body that cannot see `loop` (no name `loop`, no include, call or host filter) binds
  // none; its targets then take the first slots. Expected bytes are Nunjucks 3.2.4's.
  const char* src = "{% for x in [1,2] %}{% include \"inc\" %}{% endfor %}|{% for x in [3,4] %}{{ x }}{% for y in [5] %}"
                    "{{ y }}{{ x }}{% endfor %}{% endfor %}|{% for a, b in [[1,2],[3,4]] %}{{ a }}{{ b }}{% endfor %}|"
                    "{% for x in [1] %}{% for y in [2, 3] %}{{ loop.index }}{% endfor %}{% else %}{{ loop }}{% endfor %}|"
                    "{% for k, v in {\"p\": 1, \"q\": 2} %}{{ k }}{{ v }}{% endfor %}|{% for c in \"ab\" %}{{ c }}{% endfor %}";
  EXPECT_EQ(render_files({{"main", src}, {"inc", "{{ loop.index }}{{ x }}"}}), "1122|353454|1234|12|p1q2|ab");
  // A host filter may look `loop` up: a body with one binds it.
  tmpl::Engine engine;
  engine.add_filter("peek", [](tmpl::CallContext& cc, const Value& in, std::span<const Value>, const tmpl::KwArgs&)
                                -> base::Result<Value> {
    return Value(tmpl::detail::to_str(in) + (cc.lookup("loop").is_undefined() ? "-" : "+"));
  });
  engine.add_template("a", "{% for x in [1, 2] %}{{ x | peek }}{% endfor %}{% for x in [3] %}{{ x | upper }}{% endfor %}");
  ASSERT_TRUE(engine.finalize().empty());
  EXPECT_EQ(*engine.render("a", Value()), "1+2+3");
}

TEST(SpeedPaths, OneByteForOneByteReplaceMapsEveryByteAndKeepsSafeness) {
  // `replace('-', '/')` without a count maps the bytes in one pass; the safe mark is kept.
  // Expected bytes are Nunjucks 3.2.4's.
  Value ctx = obj({{"s", Value("<a-b-->")}, {"e", Value("")}});
  EXPECT_EQ(render_files({{"main", "{{ s | replace('-', '/') }}|{{ s | safe | replace('-', '/') }}|{{ s | replace('x', '/') }}|"
                                   "[{{ e | replace('-', '/') }}]"}},
                         ctx),
            "&lt;a/b//&gt;|<a/b//>|&lt;a-b--&gt;|[]");
}

TEST(SpeedPaths, StaticIncludeTargetsFollowReplacedTemplates) {
  // Literal include/import/extends targets are found at finalize(); a template replaced with
  // add_template is the new one after the next finalize(), and not loaded before it.
  tmpl::Engine engine;
  engine.add_template("main", "{% include 'inc' %}{% from 'lib' import m %}{{ m() }}");
  engine.add_template("inc", "A");
  engine.add_template("lib", "{% macro m() %}1{% endmacro %}");
  engine.add_template("child", "{% extends 'main' %}");
  ASSERT_TRUE(engine.finalize().empty());
  EXPECT_EQ(*engine.render("main", Value()), "A1");
  EXPECT_EQ(*engine.render("child", Value()), "A1");
  engine.add_template("inc", "B");
  auto pending = engine.render("main", Value());
  ASSERT_FALSE(pending);
  EXPECT_NE(pending.error().message.find("template not found: inc"), std::string::npos) << pending.error().message;
  engine.add_template("lib", "{% macro m() %}2{% endmacro %}");
  ASSERT_TRUE(engine.finalize().empty());
  EXPECT_EQ(*engine.render("main", Value()), "B2");
  EXPECT_EQ(*engine.render("child", Value()), "B2");
}

TEST(SpeedPaths, LiteralInlineIfsPrintTheTextAroundThem) {
  // `a{{ 'x' if c else 'y' }}b` prints "a x b" as one string (the text nodes are skipped); a
  // condition with a call keeps its neighbours. finalize() again plans the same. Expected bytes
  // are Nunjucks 3.2.4's.
  const char* src = "<a{{ \" d\" if c }}>{{ \"s\" if n != 1 }}|{% for i in [1, 2] %}[{{ \"<one>\" if i == 1 else \"two\" }}]"
                    "{% endfor %}{% macro m() %}M{% endmacro %}({{ \"x\" if m() }})";
  Value ctx = obj({{"c", Value(true)}, {"n", Value(1.0)}});
  tmpl::Engine engine;
  engine.add_template("main", src);
  ASSERT_TRUE(engine.finalize().empty());
  EXPECT_EQ(*engine.render("main", ctx), "<a d>|[&lt;one&gt;][two](x)");
  engine.add_template("other", "x");
  ASSERT_TRUE(engine.finalize().empty());
  EXPECT_EQ(*engine.render("main", ctx), "<a d>|[&lt;one&gt;][two](x)");
  EXPECT_EQ(*engine.render("main", obj({{"c", Value(false)}, {"n", Value(2.0)}})), "<a>s|[&lt;one&gt;][two](x)");
}

TEST(SpeedPaths, LoopAttributesAreComputedWithoutALookup) {
  // `{{ loop.index }}` and `m(loop.index0)` read a for loop's `loop` directly; a variable of
  // that name that is not a loop's takes the general path. Expected bytes are Nunjucks 3.2.4's.
  const char* src = "{% macro m(a, b) %}({{ a }},{{ b }}){% endmacro %}{% for x in [7, 8, 9] %}{{ loop.index }}"
                    "{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}"
                    "{{ loop.length }}{{ m(loop.index0, loop.last) }}{{ loop.missing }};{% endfor %}"
                    "{% set loop = {\"index\": 5} %}{{ loop.index }}{{ m(loop.index) }}";
  const char* expected = "1032truefalse3(0,false);2121falsefalse3(1,false);3210falsetrue3(2,true);5(5,)";
  EXPECT_EQ(render_files({{"main", src}}), expected);
  EXPECT_EQ(render(src), expected);
}

// Loop targets live in their slots after the first iteration (bind_inline): a `set` of a target
// in the body, repeated target names and frames beyond the inline slots give Nunjucks' bytes.
TEST(SpeedPaths, LoopTargetsStayInTheirSlots) {
  Value ctx = obj({{"o", obj({{"a", Value(1.0)}, {"b", Value(2.0)}})}, {"loop", Value("L")}});
  EXPECT_EQ(render("{% for k, v in o %}{% set v = k + 'x' %}{{ k }}{{ v }};{% endfor %}", ctx), "aax;bbx;");
  EXPECT_EQ(render("{% for k, k in o %}{{ k }};{% endfor %}", ctx), "1;2;");
  EXPECT_EQ(render("{% for k, v in o %}{{ loop.index }}{{ k }}{{ v }}{% for a, b in o %}{{ loop.index }}{{ k }}{{ b }}"
                   "{% endfor %};{% endfor %}{{ loop }}",
                   ctx),
            "1a11a12a2;2b21b12b2;L");
  EXPECT_EQ(render("{% for x in [1, 2] %}{% set a = 1 %}{% set b = 2 %}{% set c = 3 %}{% set d = 4 %}{{ loop.index }}{{ x }}"
                   "{% endfor %}",
                   ctx),
            "1122");
}

// A name templates bind only into contexts (top-level `from … import`, `import`, `macro`) is read
// from the context without walking the frames (Expr::context_only); where some template binds it
// into a frame (in a loop, a call block, or a render_string template), frames are walked.
TEST(SpeedPaths, ContextOnlyNamesAreFoundWhereverTheyAreBound) {
  tmpl::Engine engine;
  engine.add_template("lib", "{% macro m() %}M{% endmacro %}{% macro k() %}K{% endmacro %}");
  engine.add_template("uses", "[{{ k }}{{ j }}]");
  engine.add_template("uses2", "[{{ k() }}]");
  engine.add_template("main", "{% from 'lib' import m %}{% import 'lib' as lib %}{{ m() }}{{ lib.k() }}"
                              "{% for x in [1] %}{% from 'lib' import k as j %}{{ j() }}{% endfor %}"
                              "{% macro w() %}{{ caller() }}{% endmacro %}"
                              "{% call w() %}{% import 'lib' as c %}{{ c.m() }}{% endcall %}");
  ASSERT_TRUE(engine.finalize().empty());
  auto str = [&](std::string_view src) {
    auto out = engine.render_string(src, Value());
    return out ? *out : "ERROR: " + out.error().message;
  };
  EXPECT_EQ(*engine.render("main", Value()), "MKKM");
  EXPECT_EQ(str("{% for k in ['x'] %}{% include 'uses' %}{% endfor %}"), "[x]");
  EXPECT_EQ(str("{% set k = 'y' %}{% include 'uses' %}"), "[y]");
  EXPECT_EQ(str("{% from 'lib' import k %}{% include 'uses2' %}|{{ k() }}"), "[K]|K");
}

// A caller's size hint (a layout around a body of known size) is reserved up front; the output
// is the same with or without it.
TEST(SpeedPaths, ExpectedSizeIsReservedAndChangesNothing) {
  tmpl::Engine e;
  e.add_template("layout", "<main>{{ body }}</main>");
  ASSERT_TRUE(e.finalize().empty());
  Value ctx = obj({{"body", Value::safe(std::string(1000, 'b'))}});
  auto plain = e.render("layout", ctx);
  auto hinted = e.render("layout", ctx, 1 << 16);
  ASSERT_TRUE(plain && hinted);
  EXPECT_EQ(*hinted, *plain);
  EXPECT_GE(hinted->capacity(), size_t{1} << 16);
}
