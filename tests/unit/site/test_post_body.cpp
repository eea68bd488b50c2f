// render_body: Hexo's tag plugins (spec §9.5 outputs), NexT's note and tabs, include_code, math
// and mermaid flags, TOC headings, the excerpt split with the automatic excerpt, and the seed
// post's word counts (spec §11.5) on the rendered HTML.
#include "site_test_util.hpp"

#include "config/config.hpp"
#include "content/document.hpp"
#include "site/post_body.hpp"
#include "text/wordcount.hpp"

namespace haven::testing {
namespace {

class PostBody : public ::testing::Test {
protected:
  void SetUp() override {
    write_text(site() / "_config.yml", "url: https://blog.example.com\npost_asset_folder: true\n");
    write_text(site() / "source/_posts/tag-plugins/x.png", "png");
    write_text(site() / "source/downloads/code/test.js", "line1\nconst a = 1;\nline3\nline4\n");
    m_hello = load("_posts/hello-world.md", "---\ntitle: Hello World\ndate: 2024-01-15 10:00:00\n---\nhi\n");
  }

  fs::path site() const { return m_dir.path() / "site"; }

  content::Document load(const std::string& rel, const std::string& text, const std::string& extra_config = "") {
    write_text(site() / "source" / rel, text);
    if (!extra_config.empty()) write_text(site() / "_config.yml", "url: https://blog.example.com\npost_asset_folder: true\n" + extra_config);
    auto cfg = config::load_site_config(site());
    EXPECT_TRUE(cfg.has_value());
    m_config = *cfg;
    content::SourceFile source{rel, site() / "source" / rel, rel.starts_with("_posts/") ? content::SourceKind::Post : content::SourceKind::Page};
    content::LoadOptions lo;
    lo.process_zone = "UTC";
    auto doc = content::load_document(source, m_config, lo);
    EXPECT_TRUE(doc.has_value()) << (doc ? "" : describe({doc.error()}));
    auto path = content::compute_path(*doc, m_config, lo);
    EXPECT_TRUE(path.has_value());
    doc->path = *path;
    return *doc;
  }

  site::BodyContext context() {
    text::UrlOptions urls;
    urls.url = "https://blog.example.com";
    site::BodyContext ctx = site::make_body_context(m_config, site(), urls);
    ctx.find_post = [this](std::string_view key) -> const content::Document* {
      return key == "hello-world" || key == "Hello World" ? &m_hello : nullptr;
    };
    return ctx;
  }

  // The body of a post at _posts/tag-plugins.md (so asset tags find x.png), rendered.
  site::RenderedBody render(const std::string& body, const std::string& front = "", const std::string& extra_config = "") {
    content::Document doc = load("_posts/tag-plugins.md",
                                 "---\ntitle: Tag Plugins\ndate: 2024-07-05 10:00:00\n" + front + "---\n" + body, extra_config);
    m_warnings.clear();
    auto r = site::render_body(doc, context(), m_warnings);
    EXPECT_TRUE(r.has_value()) << (r ? "" : describe({r.error()}));
    return r ? *r : site::RenderedBody{};
  }

  std::string html(const std::string& body) { return render(body).content; }

  TempDir m_dir;
  config::SiteConfig m_config;
  content::Document m_hello;
  std::vector<base::Diagnostic> m_warnings;
};

// --- spec §9.5, verbatim -------------------------------------------------------------------------
// A tag alone on its line is an HTML block for Markdown (Hexo's placeholder is an HTML comment
// too), so it is not wrapped in <p>.

TEST_F(PostBody, AssetTags) {
  EXPECT_EQ(html("{% asset_img x.png An asset image %}\n"),
            "<img src=\"/2024/07/05/tag-plugins/x.png\" class=\"\" title=\"An asset image\">\n");
  EXPECT_EQ(html("{% asset_link x.png 下载图片 %}\n"),
            "<a href=\"/2024/07/05/tag-plugins/x.png\" title=\"下载图片\">下载图片</a>\n");
  EXPECT_EQ(html("{% asset_path x.png %}\n"), "/2024/07/05/tag-plugins/x.png\n");
  // classes before the asset, then width, height and '"title" "alt"'
  EXPECT_EQ(html("{% asset_img left x.png 200 100 '\"T t\" \"A a\"' %}\n"),
            "<img src=\"/2024/07/05/tag-plugins/x.png\" class=\"left\" width=\"200\" height=\"100\" title=\"T t\" "
            "alt=\"A a\">\n");
  EXPECT_TRUE(m_warnings.empty());
  html("{% asset_path missing.png %}\n");
  ASSERT_EQ(m_warnings.size(), 1u);  // a missing asset is reported
}

TEST_F(PostBody, Codeblock) {
  std::string out = html("{% codeblock example.js lang:javascript https://example.com/src source link %}\nconst a = 1;\n{% endcodeblock %}\n");
  EXPECT_TRUE(out.starts_with("<figure class=\"highlight javascript\"><figcaption><span>example.js</span><a "
                              "href=\"https://example.com/src\">source link</a></figcaption><table>"))
      << out;
  EXPECT_TRUE(html("{% codeblock %}\nplain\n{% endcodeblock %}\n").starts_with("<figure class=\"highlight plaintext\">"));
  std::string linked = html("{% code My File https://example.com/a %}\nx\n{% endcode %}\n");
  EXPECT_NE(linked.find("<figcaption><span>My File</span><a href=\"https://example.com/a\">link</a></figcaption>"), std::string::npos)
      << linked;
  std::string marked = html("{% codeblock lang:js first_line:5 mark:6 line_number:false %}\na\nb\n{% endcodeblock %}\n");
  EXPECT_EQ(marked.find("gutter"), std::string::npos);
  EXPECT_NE(marked.find("<span class=\"line marked\">b</span>"), std::string::npos) << marked;
}

TEST_F(PostBody, Blockquote) {
  EXPECT_EQ(html("{% blockquote David Levithan, Wide Awake %}\nDo not just seek happiness for yourself.\n{% endblockquote %}\n"),
            "<blockquote><p>Do not just seek happiness for yourself.</p>\n<footer><strong>David Levithan</strong><cite>Wide "
            "Awake</cite></footer></blockquote>\n");
  EXPECT_EQ(html("{% blockquote @DevDocs https://twitter.com/devdocs/status/356095192085962752 %}\nNEW\n{% endblockquote %}\n"),
            "<blockquote><p>NEW</p>\n<footer><strong>@DevDocs</strong><cite><a "
            "href=\"https://twitter.com/devdocs/status/356095192085962752\">twitter.com/devdocs/status/356095192085962752</a></cite>"
            "</footer></blockquote>\n");
  EXPECT_EQ(html("{% blockquote Seth Godin http://sethgodin.typepad.com/seths_blog/2009/07/welcome-to-island-marketing.html Welcome to Island Marketing %}\nQ\n{% endblockquote %}\n"),
            "<blockquote><p>Q</p>\n<footer><strong>Seth Godin</strong><cite><a "
            "href=\"http://sethgodin.typepad.com/seths_blog/2009/07/welcome-to-island-marketing.html\">Welcome to Island "
            "Marketing</a></cite></footer></blockquote>\n");
  EXPECT_EQ(html("{% quote %}\n**bold**\n{% endquote %}\n"), "<blockquote><p><strong>bold</strong></p>\n</blockquote>\n");
}

// Hexo's `titlecase` option: post titles (unless the front matter says otherwise) and blockquote
// titles; the title after an author stops at the next comma, as Hexo's /([^,]+),\s*([^,]+)/.
TEST_F(PostBody, TitlecaseOption) {
  EXPECT_EQ(load("_posts/a.md", "---\ntitle: \"the art of war: a summary\"\n---\n").title, "the art of war: a summary");
  EXPECT_EQ(load("_posts/a.md", "---\ntitle: \"the art of war: a summary\"\n---\n", "titlecase: true\n").title,
            "The Art of War: A Summary");
  EXPECT_EQ(load("_posts/a.md", "---\ntitle: the art of war\ntitlecase: false\n---\n", "titlecase: true\n").title,
            "the art of war");
  std::string quote = render("{% blockquote David Levithan, wide awake in the city, again %}\nQ\n{% endblockquote %}\n",
                             "", "titlecase: true\n").content;
  EXPECT_NE(quote.find("<strong>David Levithan</strong><cite>Wide Awake in the City</cite>"), std::string::npos) << quote;
  quote = render("{% blockquote David Levithan, wide awake, again %}\nQ\n{% endblockquote %}\n", "", "titlecase: false\n").content;
  EXPECT_NE(quote.find("<cite>wide awake</cite>"), std::string::npos) << quote;
}

TEST_F(PostBody, PostLinkAndPath) {
  EXPECT_EQ(html("{% post_link hello-world %}\n"), "<a href=\"/2024/01/15/hello-world/\" title=\"Hello World\">Hello World</a>\n");
  EXPECT_EQ(html("{% post_link hello-world '自定义文字' %}\n"),
            "<a href=\"/2024/01/15/hello-world/\" title=\"Hello World\">自定义文字</a>\n");
  EXPECT_EQ(html("{% post_link 'Hello World' %}\n"), "<a href=\"/2024/01/15/hello-world/\" title=\"Hello World\">Hello World</a>\n");
  EXPECT_EQ(html("{% post_link hello-world#Quick-Start '<b>x</b>' false %}\n"),
            "<a href=\"/2024/01/15/hello-world/#Quick-Start\" title=\"Hello World\"><b>x</b></a>\n");
  EXPECT_EQ(html("{% post_path hello-world %}\n"), "/2024/01/15/hello-world/\n");
  content::Document doc = load("_posts/tag-plugins.md", "---\ntitle: T\n---\n\nx {% post_link nope %}\n");
  auto r = site::render_body(doc, context(), m_warnings);
  ASSERT_FALSE(r.has_value());  // Hexo aborts the build too
  EXPECT_EQ(r.error().where.line, 5u);
}

TEST_F(PostBody, LinkIframeImgUrlFor) {
  EXPECT_EQ(html("{% link Example Site https://example.com/ %}\n"),
            "<a href=\"https://example.com/\" title=\"\" target=\"\">Example Site</a>\n");
  EXPECT_EQ(html("{% link Docs https://example.com/d true Read the docs %}\n"),
            "<a href=\"https://example.com/d\" title=\"Read the docs\" target=\"_blank\">Docs</a>\n");
  EXPECT_EQ(html("{% iframe https://example.com/embed 560 315 %}\n"),
            "<iframe src=\"https://example.com/embed\" width=\"560\" height=\"315\" frameborder=\"0\" loading=\"lazy\" "
            "allowfullscreen></iframe>\n");
  EXPECT_EQ(html("{% iframe https://example.com/embed %}\n"),
            "<iframe src=\"https://example.com/embed\" width=\"100%\" height=\"300\" frameborder=\"0\" loading=\"lazy\" "
            "allowfullscreen></iframe>\n");
  EXPECT_EQ(html("{% img /images/a.png %}\n"), "<img src=\"/images/a.png\" class=\"\">\n");
  EXPECT_EQ(html("{% img full left https://example.com/b.png 300 '\"Title\" \"Alt\"' %}\n"),
            "<img src=\"https://example.com/b.png\" class=\"full left\" width=\"300\" title=\"Title\" alt=\"Alt\">\n");
  EXPECT_EQ(html("{% url_for About /about/ %}\n"), "<a href=\"/about/\">About</a>\n");
  EXPECT_EQ(html("{% full_url_for About /about/ %}\n"), "<a href=\"https://blog.example.com/about/\">About</a>\n");
}

TEST_F(PostBody, PullquoteAndRaw) {
  EXPECT_EQ(html("{% pullquote right %}\nA pull quote.\n{% endpullquote %}\n"),
            "<blockquote class=\"pullquote right\"><p>A pull quote.</p>\n</blockquote>\n");
  std::string raw = html("{% raw %}\n<p>{{ not rendered }} {% not_a_tag %}</p>\n{% endraw %}\n");
  EXPECT_EQ(raw, "\n<p>{{ not rendered }} {% not_a_tag %}</p>\n\n");  // body untouched (leading newline too), as Hexo
  EXPECT_TRUE(m_warnings.empty());
}

TEST_F(PostBody, IncludeCode) {
  std::string out = html("{% include_code test.js %}\n");
  EXPECT_TRUE(out.starts_with("<figure class=\"highlight plaintext\"><figcaption><span>test.js</span><a "
                              "href=\"/downloads/code/test.js\">view raw</a></figcaption>"))
      << out;
  EXPECT_NE(out.find("<span class=\"line\">line4</span>"), std::string::npos);
  std::string part = html("{% include_code Title lang:js from:2 to:3 test.js %}\n");
  EXPECT_TRUE(part.starts_with("<figure class=\"highlight js\"><figcaption><span>Title</span><a "
                               "href=\"/downloads/code/test.js\">view raw</a></figcaption>"))
      << part;
  EXPECT_NE(part.find("<span class=\"keyword\">const</span>"), std::string::npos) << part;
  EXPECT_EQ(part.find("line1"), std::string::npos);
  EXPECT_EQ(part.find("line4"), std::string::npos);
  site::RenderedBody r = render("{% include_code test.js %}\n");
  ASSERT_EQ(r.dependencies.size(), 1u);
  EXPECT_EQ(r.dependencies[0].filename(), "test.js");
  EXPECT_EQ(html("{% include_code missing.js %}\n"), "\n");
  EXPECT_EQ(m_warnings.size(), 1u);
  EXPECT_EQ(html("{% include_code ../../_config.yml %}\n"), "\n");  // never outside code_dir
  EXPECT_EQ(m_warnings.size(), 1u);
}

TEST_F(PostBody, NextNoteAndTabs) {
  EXPECT_EQ(html("{% note info %}\n**Hi**\n{% endnote %}\n"), "<div class=\"note info\"><p><strong>Hi</strong></p>\n</div>\n");
  EXPECT_EQ(html("{% note warning no-icon Read me %}\nBody\n{% endnote %}\n"),
            "<details class=\"note warning no-icon\"><summary><p>Read me</p>\n</summary>\n<p>Body</p>\n\n</details>\n");
  std::string tabs = html(
      "{% tabs Fruit Box, 2 %}\n<!-- tab -->\nApple\n<!-- endtab -->\n<!-- tab Pear@leaf -->\n**Pear**\n<!-- endtab -->\n{% endtabs %}\n");
  EXPECT_EQ(tabs,
            "<div class=\"tabs\" id=\"fruit-box\"><ul class=\"nav-tabs\"><li class=\"tab\"><a href=\"#fruit-box-1\">Fruit Box 1</a></li>"
            "<li class=\"tab active\"><a href=\"#fruit-box-2\"><i class=\"fa fa-leaf\"></i>Pear</a></li></ul><div "
            "class=\"tab-content\"><div class=\"tab-pane\" id=\"fruit-box-1\"><p>Apple</p></div><div class=\"tab-pane active\" "
            "id=\"fruit-box-2\"><p><strong>Pear</strong></p></div></div></div>\n");
  // tags nest: a note inside a tab
  std::string nested = html("{% tabs T %}\n<!-- tab A -->\n{% note %}\nin\n{% endnote %}\n<!-- endtab -->\n{% endtabs %}\n");
  EXPECT_NE(nested.find("<div class=\"tab-pane active\" id=\"t-1\"><div class=\"note \"><p>in</p>\n</div></div>"), std::string::npos)
      << nested;
}

TEST_F(PostBody, BracesInCodeAreNeverTags) {
  std::string out = html("Inline `{{ x }}` and `{% y %}`.\n\n```\n{% z %}\n```\n");
  EXPECT_TRUE(m_warnings.empty());
  EXPECT_NE(out.find("<code>&#123;&#123; x &#125;&#125;</code>"), std::string::npos) << out;
  EXPECT_NE(out.find("<code>&#123;% y %&#125;</code>"), std::string::npos) << out;
  EXPECT_NE(out.find("&#123;% z %&#125;"), std::string::npos) << out;
}

TEST_F(PostBody, UnknownTagIsAWarningLeftAsText) {
  std::string out = html("line one\n\n{% nosuchtag a b %}\n");
  EXPECT_EQ(out, "<p>line one</p>\n{% nosuchtag a b %}\n");
  ASSERT_EQ(m_warnings.size(), 1u);
  EXPECT_EQ(m_warnings[0].severity, base::Severity::Warning);
  EXPECT_EQ(m_warnings[0].where.line, 7u);  // file line: 4 front-matter lines + 3
  EXPECT_NE(m_warnings[0].message.find("nosuchtag"), std::string::npos);
}

TEST_F(PostBody, DisableNunjucks) {
  site::RenderedBody r = render("{% post_link nope %} {{ x }}\n", "disableNunjucks: true\n");
  EXPECT_EQ(r.content, "<p>{% post_link nope %} {{ x }}</p>\n");
  EXPECT_TRUE(m_warnings.empty());
}

TEST_F(PostBody, MathOnlyWhenEnabled) {
  site::RenderedBody off = render("$a_b$ and $$x$$\n");
  EXPECT_FALSE(off.needs_math);
  EXPECT_EQ(off.content, "<p>$a_b$ and $$x$$</p>\n");
  site::RenderedBody on = render("$a_b$ costs $5 and $3\n", "mathjax: true\n");
  EXPECT_TRUE(on.needs_math);
  EXPECT_EQ(on.content, "<p><span class=\"math inline\">\\(a_b\\)</span> costs $5 and $3</p>\n");
  EXPECT_TRUE(render("$x$\n", "katex: true\n").needs_math);
  EXPECT_FALSE(render("Cost $5 and $3\n", "math: true\n").needs_math);
  EXPECT_TRUE(render("$x$\n", "", "math:\n  enable: true\n").needs_math);  // site-wide
  // math inside a tag body counts too
  EXPECT_TRUE(render("{% note %}\n$x$\n{% endnote %}\n", "math: true\n").needs_math);
}

TEST_F(PostBody, Mermaid) {
  site::RenderedBody r = render("```mermaid\ngraph TD\n  A-->B\n```\n");
  EXPECT_TRUE(r.needs_mermaid);
  EXPECT_EQ(r.content, "<pre class=\"mermaid\">graph TD\n  A--&gt;B\n</pre>\n\n");
  EXPECT_FALSE(render("```js\nx\n```\n").needs_mermaid);
  EXPECT_FALSE(render("```mermaid\ngraph TD\n```\n", "", "mermaid:\n  enable: false\n").needs_mermaid);
}

TEST_F(PostBody, TocHeadings) {
  site::RenderedBody r = render("## 中文标题\n\n### Hello 世界 & Friends\n\n## 中文标题\n");
  ASSERT_EQ(r.headings.size(), 3u);
  EXPECT_EQ(r.headings[0].id, "中文标题");
  EXPECT_EQ(r.headings[0].level, 2);
  EXPECT_EQ(r.headings[1].id, "Hello-世界-Friends");
  EXPECT_EQ(r.headings[1].text, "Hello 世界 & Friends");
  EXPECT_EQ(r.headings[2].id, "中文标题-1");  // unique per document
  EXPECT_NE(r.content.find("<h2 id=\"中文标题-1\"><a href=\"#中文标题-1\" class=\"headerlink\" title=\"中文标题\"></a>中文标题</h2>"),
            std::string::npos);
}

TEST_F(PostBody, ExcerptSplit) {
  site::RenderedBody more = render("first\n\n<!-- more -->\n\nsecond\n");
  EXPECT_EQ(more.excerpt(), "<p>first</p>");
  EXPECT_EQ(more.more_html(), "<p>second</p>");
  EXPECT_EQ(more.content, "<p>first</p>\n<span id=\"more\"></span>\n\n<p>second</p>\n");
  // both parts are kept once, inside the content
  auto inside = [](std::string_view part, const std::string& content) {
    return part.data() >= content.data() && part.data() + part.size() <= content.data() + content.size();
  };
  EXPECT_TRUE(inside(more.excerpt(), more.content));
  EXPECT_TRUE(inside(more.more_html(), more.content));
  // the marker anywhere, blanks around it, a long excerpt: ranges still land on the right bytes
  std::string head(500, 'h');
  site::RenderedBody mid = render(head + "\n\n  <!--More-->  \n\n\ntail *x*\n\n<!-- more -->\n");
  EXPECT_EQ(mid.excerpt(), "<p>" + head + "</p>");
  EXPECT_EQ(mid.more_html(), "<p>tail <em>x</em></p>\n<!-- more -->");
  site::RenderedBody empty = render("<!-- more -->\n");
  EXPECT_EQ(empty.excerpt(), "");
  EXPECT_EQ(empty.more_html(), "");
  site::RenderedBody fm = render("a\n<!-- more -->\nb\n", "excerpt: Given\n");
  EXPECT_EQ(fm.excerpt(), "Given");
  // Hexo's default: no marker, no excerpt
  EXPECT_EQ(render("just text\n").excerpt(), "");
}

TEST_F(PostBody, AutomaticExcerpt) {
  std::string long_text(300, 'a');
  site::RenderedBody r = render("**" + long_text + "** tail\n", "", "excerpt:\n  auto: true\n  length: 10\n");
  EXPECT_EQ(r.excerpt(), "<p><strong>aaaaaaaaaa</strong></p>");
  EXPECT_EQ(r.more_html(), r.content);
  EXPECT_EQ(r.more_html().data(), r.content.data());  // not kept twice
  // short posts need no excerpt; the marker still wins
  EXPECT_EQ(render("short\n", "", "excerpt:\n  auto: true\n").excerpt(), "");
  EXPECT_EQ(render("a\n\n<!-- more -->\n\nb\n", "", "excerpt:\n  auto: true\n  length: 1\n").excerpt(), "<p>a</p>");
}

TEST(TruncateHtml, GraphemesEntitiesAndTags) {
  EXPECT_EQ(site::truncate_html("<p>abc</p>", 10), "<p>abc</p>");
  EXPECT_EQ(site::truncate_html("<p>ab<em>cd</em>ef</p>", 3), "<p>ab<em>c</em></p>");
  EXPECT_EQ(site::truncate_html("<p>a &amp; b</p>", 3), "<p>a &amp;</p>");       // an entity is one character
  EXPECT_EQ(site::truncate_html("<p>依恋：心之所向</p>", 4), "<p>依恋：心</p>");
  EXPECT_EQ(site::truncate_html("<p>e\xCC\x81x</p>", 1), "<p>e\xCC\x81</p>");      // e + combining acute = one grapheme
  EXPECT_EQ(site::truncate_html("<p>👍🏽👍</p>", 1), "<p>👍🏽</p>");                 // emoji with skin tone
  EXPECT_EQ(site::truncate_html("<p>a<br>b<img src=\"x\">c</p>", 2), "<p>a<br>b<img src=\"x\"></p>");  // void elements are not closed
  EXPECT_EQ(site::truncate_html("<h2>t</h2>\n\n<p>xy</p>", 2), "<h2>t</h2>\n\n<p>x</p>");  // whitespace between blocks is free
  EXPECT_EQ(site::truncate_html("<p>ab<!-- c --></p>", 2), "<p>ab<!-- c --></p>");
}

TEST_F(PostBody, SeedWordCountsMatchSpec) {
  // spec §11.5: the numbers Hexo's plugins print on the seed page, from Haven's rendered HTML
  std::string seed = read_text(fs::path(HAVEN_SHARED_DIR) / "fixtures/hexo-basic/source/_posts/依恋：心之所向，安然归处.md");
  ASSERT_FALSE(seed.empty());
  write_text(site() / "source/_posts/seed.md", seed);
  content::Document doc = load("_posts/seed.md", seed);
  auto r = site::render_body(doc, context(), m_warnings);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(text::hexo_wordcount(r->content), 1538u);
  EXPECT_EQ(text::hexo_wordcount_display(text::hexo_wordcount(r->content)), "1.5k");
  EXPECT_EQ(text::hexo_min2read(r->content), "5");
  EXPECT_EQ(text::symbols_count(r->content), 1737u);
  EXPECT_EQ(text::symbols_count_display(text::symbols_count(r->content)), "1.7k");
  EXPECT_EQ(text::symbols_time(text::symbols_count(r->content)), "2 mins.");
  text::TextStats stats = text::count_text(r->content);
  EXPECT_EQ(text::reading_minutes(stats), 5u);  // Haven's default: CJK 300/min, words 230/min
}

} // namespace
} // namespace haven::testing
