#include <gtest/gtest.h>

#include <thread>

#include "markdown/markdown.hpp"

namespace haven::markdown {
namespace {

std::string html(std::string_view md, const Options& o = {}) { return render(md, o).html; }

TEST(FenceInfo, Parsing) {
  CodeBlock a = parse_fence_info("python example.py");
  EXPECT_EQ(a.lang, "python");
  EXPECT_EQ(a.caption, "example.py");
  EXPECT_TRUE(a.caption_url.empty());

  CodeBlock b = parse_fence_info("js first_line:5 mark:6 line_number:false");
  EXPECT_EQ(b.lang, "js");
  EXPECT_EQ(b.first_line, 5);
  EXPECT_EQ(b.marked_lines, std::vector<int>{6});
  EXPECT_FALSE(b.line_number);
  EXPECT_TRUE(b.caption.empty());

  CodeBlock c = parse_fence_info("js mark:1,3-4,9-7");
  EXPECT_EQ(c.marked_lines, (std::vector<int>{1, 3, 4, 7, 8, 9}));

  CodeBlock d = parse_fence_info("js My File https://example.com/src source link");
  EXPECT_EQ(d.caption, "My File");
  EXPECT_EQ(d.caption_url, "https://example.com/src");
  EXPECT_EQ(d.caption_link_text, "source link");

  // The codeblock tag form: caption first, language as an option.
  CodeBlock e = parse_fence_info("example.js lang:javascript https://example.com/src source link");
  EXPECT_EQ(e.lang, "javascript");
  EXPECT_EQ(e.caption, "example.js");
  EXPECT_EQ(e.caption_url, "https://example.com/src");

  CodeBlock f = parse_fence_info("");
  EXPECT_TRUE(f.lang.empty());
  EXPECT_TRUE(f.line_number);
  EXPECT_EQ(f.first_line, 1);
}

TEST(Highlight, JavaScriptFence) {
  std::string out = html("```js\nconst a = \"x\";\n```\n");
  EXPECT_EQ(out,
            "<figure class=\"highlight js\"><table><tr><td class=\"gutter\"><pre><span class=\"line\">1</span><br></pre>"
            "</td><td class=\"code\"><pre><span class=\"line\"><span class=\"keyword\">const</span> a = "
            "<span class=\"string\">&quot;x&quot;</span>;</span><br></pre></td></tr></table></figure>\n\n");
}

TEST(Highlight, PlaintextForMissingOrUnknownLanguage) {
  const char* expected =
      "<figure class=\"highlight plaintext\"><table><tr><td class=\"gutter\"><pre><span class=\"line\">1</span><br>"
      "<span class=\"line\">2</span><br></pre></td><td class=\"code\"><pre><span class=\"line\">no language "
      "here</span><br><span class=\"line\">  x &lt; 1</span><br></pre></td></tr></table></figure>\n\n";
  EXPECT_EQ(html("```\nno language here\n  x < 1\n```\n"), expected);
  EXPECT_EQ(html("```nosuchlang\nno language here\n  x < 1\n```\n"), expected);
  EXPECT_EQ(html("~~~\nno language here\n  x < 1\n~~~\n"), expected);
}

TEST(Highlight, CaptionGutterMarks) {
  std::string caption = html("```python example.py\npass\n```\n");
  EXPECT_TRUE(caption.starts_with("<figure class=\"highlight python\"><figcaption><span>example.py</span></figcaption><table>"))
      << caption;

  std::string no_gutter = html("```js line_number:false\nx\n```\n");
  EXPECT_EQ(no_gutter.find("gutter"), std::string::npos);
  EXPECT_NE(no_gutter.find("<td class=\"code\">"), std::string::npos);

  std::string marked = html("```js first_line:5 mark:6\na\nb\n```\n");
  EXPECT_NE(marked.find("<span class=\"line\">5</span><br><span class=\"line\">6</span><br>"), std::string::npos);
  EXPECT_NE(marked.find("<span class=\"line\">a</span><br><span class=\"line marked\">b</span><br>"), std::string::npos)
      << marked;
}

TEST(Highlight, BracesBecomeEntities) {
  std::string out = html("```c\nint main() { return 0; }\n```\n");
  EXPECT_EQ(out.find('{'), std::string::npos);
  EXPECT_EQ(out.find('}'), std::string::npos);
  EXPECT_NE(out.find("&#123;"), std::string::npos);
  EXPECT_NE(out.find("&#125;"), std::string::npos);
  std::string plain = html("```\n{{ x }}\n```\n");
  EXPECT_NE(plain.find("&#123;&#123; x &#125;&#125;"), std::string::npos) << plain;
}

TEST(Highlight, MultilineSpansClosedPerLine) {
  std::string out = html("```js\n/* a\nb */\n```\n");
  EXPECT_NE(out.find("<span class=\"line\"><span class=\"comment\">/* a</span></span><br>"
                     "<span class=\"line\"><span class=\"comment\">b */</span></span><br>"),
            std::string::npos)
      << out;
}

TEST(Highlight, FencesInsideQuotesAndLists) {
  std::string quoted = html("> ```js\n> let x;\n> ```\n");
  EXPECT_TRUE(quoted.starts_with("<blockquote>\n<figure class=\"highlight js\">")) << quoted;
  std::string listed = html("- item\n\n  ```py\n  pass\n  ```\n");
  EXPECT_NE(listed.find("<figure class=\"highlight py\">"), std::string::npos) << listed;
}

// One small sample per language family: the expected class must appear on the expected token.
TEST(Highlight, LanguageFamilies) {
  struct Case {
    const char* lang;
    const char* code;
    const char* fragment;
  };
  const Case cases[] = {
      {"cpp", "#include <vector>\nint x = 42;", "<span class=\"type\">int</span>"},
      {"c++", "return 0;", "<span class=\"keyword\">return</span>"},
      {"python", "def f():\n    return 1", "<span class=\"keyword\">def</span>"},
      {"py", "# note", "<span class=\"comment\"># note</span>"},
      {"ts", "let n: number = 1;", "<span class=\"number\">1</span>"},
      {"bash", "echo \"hi\"", "<span class=\"string\">&quot;hi&quot;</span>"},
      {"shell", "echo hi", "<span class=\"built_in\">echo</span>"},
      {"yml", "key: value", "<span class=\"attr\">key</span>: value"},
      {"json", "{\"a\": true}", "&#123;<span class=\"attr\">&quot;a&quot;</span>: <span class=\"keyword\">true</span>&#125;"},
      {"html", "<div class=\"a\"></div>", "<span class=\"name\">&lt;div</span><span class=\"attr\"> class=</span>"},
      {"js", "function hi(a) {}", "<span class=\"title function_\">hi</span>"},
      {"vue", "<template></template>", "<figure class=\"highlight vue\">"},
      {"rust", "fn main() {}", "<span class=\"keyword\">fn</span>"},
      {"go", "package main", "<span class=\"keyword\">package</span>"},
      {"java", "public class A {}", "<span class=\"keyword\">public</span>"},
      {"css", "a { color: red; }", "color"},
      {"sql", "SELECT 1", "<span class=\"keyword\">SELECT</span>"},
      {"rb", "puts 'x'", "<span class=\"string\">"},
  };
  for (const Case& c : cases) {
    std::string md = std::string("```") + c.lang + "\n" + c.code + "\n```\n";
    std::string out = html(md);
    EXPECT_NE(out.find(std::string("<figure class=\"highlight ") + c.lang + "\">"), std::string::npos) << out;
    EXPECT_NE(out.find(c.fragment), std::string::npos) << c.lang << ": " << out;
  }
}

TEST(Highlight, Options) {
  HighlightOptions off;
  off.enable = false;
  CodeBlock js;
  js.lang = "js";
  // syntax_highlighter: false → marked's own code markup (language- prefix, &#39;, braces kept)
  EXPECT_EQ(highlight_code("if (a < b) {'x'}\n", js, off),
            "<pre><code class=\"language-js\">if (a &lt; b) {&#39;x&#39;}\n</code></pre>");

  HighlightOptions excluded;
  excluded.exclude_languages = {"js"};
  EXPECT_EQ(highlight_code("x\n", js, excluded), "<pre><code class=\"js\">x</code></pre>");

  HighlightOptions tabs;
  tabs.tab_replace = "  ";
  tabs.line_number = false;
  CodeBlock plain;
  EXPECT_EQ(highlight_code("a\n\tx", plain, tabs),
            "<figure class=\"highlight plaintext\"><table><tr><td class=\"code\"><pre><span class=\"line\">a</span><br>"
            "<span class=\"line\">  x</span><br></pre></td></tr></table></figure>");
  // hexo-util's stripIndent: the common indentation goes (before tabs are replaced)
  EXPECT_EQ(highlight_code("    a\n      b\n", plain, tabs),
            "<figure class=\"highlight plaintext\"><table><tr><td class=\"code\"><pre><span class=\"line\">a</span><br>"
            "<span class=\"line\">  b</span><br></pre></td></tr></table></figure>");

  CodeBlock captioned;
  captioned.caption = "example.js";
  captioned.caption_url = "https://example.com/src";
  captioned.caption_link_text = "source link";
  captioned.lang = "javascript";
  EXPECT_TRUE(highlight_code("1", captioned, {}).starts_with(
      "<figure class=\"highlight javascript\"><figcaption><span>example.js</span><a "
      "href=\"https://example.com/src\">source link</a></figcaption><table>"));
}

TEST(Highlight, WrapOffNeedsGutterOff) {
  CodeBlock js;
  js.lang = "js";
  HighlightOptions nowrap;
  nowrap.wrap = false;
  // hexo-util: a gutter forces the <figure><table> wrapper back on
  EXPECT_TRUE(highlight_code("x", js, nowrap).starts_with("<figure class=\"highlight js\"><table>"));
  nowrap.line_number = false;
  EXPECT_EQ(highlight_code("a\nb\n", js, nowrap), "<pre><code class=\"hljs js\">a\nb</code></pre>");
}

TEST(Highlight, PrismMarkup) {
  HighlightOptions prism;
  prism.prism = true;
  CodeBlock js;
  js.lang = "js";
  EXPECT_EQ(highlight_code("const a = 1;\nx\n", js, prism),
            "<pre class=\"line-numbers language-js\"><code class=\"language-js\"><span class=\"token keyword\">const</span> a = "
            "<span class=\"token number\">1</span>;\nx<span aria-hidden=\"true\" class=\"line-numbers-rows\">"
            "<span></span><span></span></span></code></pre>");
  prism.line_number = false;
  CodeBlock unknown;
  unknown.lang = "nosuchlang";
  EXPECT_EQ(highlight_code("a/b {x}", unknown, prism),
            "<pre class=\"language-none\"><code class=\"language-none\">a&#x2F;b &#123;x&#125;</code></pre>");
}

TEST(Highlight, HighlightJsNesting) {
  // template literals: one string span holding subst spans; params and Python def names marked
  std::string js = html("```js\nfunction hi(name) {\n  return `${a}, ${b}!`;\n}\nconsole.log(1);\n```\n");
  EXPECT_NE(js.find("<span class=\"title function_\">hi</span>(<span class=\"params\">name</span>)"), std::string::npos) << js;
  EXPECT_NE(js.find("<span class=\"string\">`<span class=\"subst\">$&#123;a&#125;</span>, <span class=\"subst\">"
                    "$&#123;b&#125;</span>!`</span>"),
            std::string::npos)
      << js;
  EXPECT_NE(js.find("<span class=\"variable language_\">console</span>.<span class=\"title function_\">log</span>"),
            std::string::npos)
      << js;
  std::string py = html("```python\ndef add(a, b):\n    return a\n```\n");
  EXPECT_NE(py.find("<span class=\"keyword\">def</span> <span class=\"title function_\">add</span>(<span "
                    "class=\"params\">a, b</span>):"),
            std::string::npos)
      << py;
  // a template literal over two lines is closed and reopened per line
  std::string multi = html("```js\nx = `a\nb`;\n```\n");
  EXPECT_NE(multi.find("<span class=\"string\">`a</span></span><br><span class=\"line\"><span class=\"string\">b`</span>"),
            std::string::npos)
      << multi;
}

TEST(Highlight, Mermaid) {
  Rendered r = render("```mermaid\ngraph TD\n  A-->B & C\n```\n", {});
  EXPECT_TRUE(r.has_mermaid);
  EXPECT_EQ(r.html, "<pre class=\"mermaid\">graph TD\n  A--&gt;B &amp; C\n</pre>\n\n");
  Options off;
  off.mermaid = false;
  Rendered plain = render("```mermaid\ngraph TD\n```\n", off);
  EXPECT_FALSE(plain.has_mermaid);
  EXPECT_NE(plain.html.find("<figure class=\"highlight"), std::string::npos);
  EXPECT_FALSE(render("```js\nx\n```\n", {}).has_mermaid);
}

TEST(Highlight, ThreadsEachGetTheirOwnRepository) {
  std::string expected = html("```cpp\nint main() { return 0; }\n```\n");
  std::vector<std::string> results(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = html("```cpp\nint main() { return 0; }\n```\n"); });
  }
  for (auto& t : threads) t.join();
  for (const std::string& r : results) EXPECT_EQ(r, expected);
}

} // namespace
} // namespace haven::markdown
