// List pages, drafts, future posts, data files and theme overrides on small inline sites.
#include "site_test_util.hpp"

namespace haven::testing {
namespace {

class SmallSite : public ::testing::Test {
protected:
  fs::path site() const { return m_dir.path() / "site"; }
  fs::path out() const { return m_dir.path() / "out"; }
  void file(const std::string& rel, const std::string& text) { write_text(site() / rel, text); }
  void post(const std::string& name, const std::string& front, const std::string& body = "Body.\n") {
    file("source/_posts/" + name + ".md", "---\n" + front + "\n---\n" + body);
  }
  site::BuildReport build(std::function<void(site::BuildOptions&)> tweak = {}) {
    site::BuildOptions o;
    o.site_dir = site();
    o.output_dir = out();
    o.process_zone = "UTC";
    o.now_ms = 1764547200000.0;  // 2025-12-01
    if (tweak) tweak(o);
    auto r = site::build_site(o);
    EXPECT_TRUE(r.has_value()) << (r ? "" : describe(r.error()));
    return r ? *r : site::BuildReport{};
  }
  bool has(const std::string& rel) const { return fs::exists(out() / rel); }
  std::string read(const std::string& rel) const { return read_text(out() / rel); }
  TempDir m_dir;
};

TEST_F(SmallSite, PaginatesIndexArchivesAndTags) {
  file("_config.yml", "title: T\nper_page: 2\n");
  for (int i = 1; i <= 5; ++i) post("p" + std::to_string(i), "title: P" + std::to_string(i) + "\ndate: 2024-0" + std::to_string(i) + "-10 10:00:00\ntags: [t]");
  auto r = build();
  for (const char* p : {"index.html", "page/2/index.html", "page/3/index.html", "archives/index.html",
                        "archives/page/3/index.html", "archives/2024/index.html", "archives/2024/05/index.html",
                        "tags/t/index.html", "tags/t/page/3/index.html"}) {
    EXPECT_TRUE(has(p)) << p;
  }
  EXPECT_FALSE(has("page/4/index.html"));
  // newest first on the home page
  std::string home = read("index.html");
  EXPECT_LT(home.find("P5"), home.find("P4"));
  EXPECT_EQ(home.find("P3"), std::string::npos);
  EXPECT_EQ(r.stats.posts, 5u);
}

TEST_F(SmallSite, PerPageZeroDisablesPagination) {
  file("_config.yml", "per_page: 0\nindex_generator:\n  per_page: 0\n");
  for (int i = 1; i <= 4; ++i) post("p" + std::to_string(i), "title: P" + std::to_string(i) + "\ndate: 2024-01-0" + std::to_string(i));
  build();
  EXPECT_FALSE(has("page/2/index.html"));
  EXPECT_FALSE(has("archives/page/2/index.html"));
  std::string home = read("index.html");
  for (const char* t : {"P1", "P2", "P3", "P4"}) EXPECT_NE(home.find(t), std::string::npos) << t;
}

TEST_F(SmallSite, StickyPostsComeFirstOnTheIndex) {
  file("_config.yml", "title: T\n");
  post("old", "title: Old pinned\ndate: 2020-01-01\nsticky: 10");
  post("new", "title: Newer\ndate: 2024-01-01");
  build();
  std::string home = read("index.html");
  EXPECT_LT(home.find("Old pinned"), home.find("Newer"));
}

TEST_F(SmallSite, DraftsOnlyWithTheFlagAndFutureByConfig) {
  file("_config.yml", "future: false\n");
  post("now", "title: Now\ndate: 2024-01-01");
  post("later", "title: Later\ndate: 2099-01-01");
  file("source/_drafts/wip.md", "---\ntitle: WIP\ndate: 2024-02-02\n---\nDraft.\n");
  build();
  EXPECT_TRUE(has("2024/01/01/now/index.html"));
  EXPECT_FALSE(has("2099/01/01/later/index.html"));
  EXPECT_FALSE(has("2024/02/02/wip/index.html"));
  build([](site::BuildOptions& o) { o.drafts = true; o.future = true; });
  EXPECT_TRUE(has("2099/01/01/later/index.html"));
  EXPECT_TRUE(has("2024/02/02/wip/index.html"));
}

TEST_F(SmallSite, UnpublishedPostsAppearNowhere) {
  file("_config.yml", "feed:\n  type: atom\n");
  post("secret", "title: Secret\ndate: 2024-01-01\npublished: false\ntags: [secret-tag]");
  post("open", "title: Open\ndate: 2024-01-02");
  build();
  EXPECT_FALSE(has("2024/01/01/secret/index.html"));
  EXPECT_FALSE(has("tags/secret-tag/index.html"));
  EXPECT_EQ(read("atom.xml").find("Secret"), std::string::npos);
  EXPECT_NE(read("atom.xml").find("Open"), std::string::npos);
}

TEST_F(SmallSite, NoPostsMeansNoIndexNorArchives) {
  file("_config.yml", "title: T\n");
  file("source/about/index.md", "---\ntitle: About\n---\nHi\n");
  build();
  EXPECT_TRUE(has("about/index.html"));
  EXPECT_FALSE(has("index.html"));
  EXPECT_FALSE(has("archives/index.html"));
}

TEST_F(SmallSite, AssetsSkipRenderHiddenFilesAndDataFiles) {
  file("_config.yml", "skip_render: [static/**]\n");
  file("source/CNAME", "blog.example.com\n");
  file("source/static/raw.html", "<p>{{ not rendered }}</p>\n");
  file("source/_hidden.md", "---\ntitle: hidden\n---\n");
  file("source/.dotfile", "x");
  file("source/_data/menu.yml", "home: /\n");
  file("source/data.yml", "a: 1\nb: [x]\n");
  file("source/page.html", "---\nlayout: false\n---\n<b>bare</b>\n");
  build();
  EXPECT_EQ(read("CNAME"), "blog.example.com\n");
  EXPECT_EQ(read("static/raw.html"), "<p>{{ not rendered }}</p>\n");
  EXPECT_FALSE(has("_hidden.html"));
  EXPECT_FALSE(has(".dotfile"));
  EXPECT_FALSE(has("_data/menu.yml"));
  EXPECT_EQ(read("data.json"), "{\"a\":1,\"b\":[\"x\"]}");
  EXPECT_EQ(read("page.html"), "<b>bare</b>\n");
}

TEST_F(SmallSite, LayoutFalsePostIsBareHtml) {
  file("_config.yml", "title: T\n");
  post("bare", "title: Bare\ndate: 2025-01-01\nlayout: false", "Just **this**.\n");
  build();
  std::string html = read("2025/01/01/bare/index.html");
  EXPECT_EQ(html.find("<html"), std::string::npos);
  EXPECT_NE(html.find("<strong>this</strong>"), std::string::npos);
}

TEST_F(SmallSite, PostAssetFolderFilesFollowTheirPost) {
  file("_config.yml", "post_asset_folder: true\npermalink: posts/:title.html\n");
  post("with-assets", "title: A\ndate: 2024-01-01", "{% asset_img pic.png A picture %}\n");
  file("source/_posts/with-assets/pic.png", "PNG");
  build();
  EXPECT_EQ(read("posts/with-assets/pic.png"), "PNG");
  EXPECT_NE(read("posts/with-assets.html").find("src=\"/posts/with-assets/pic.png\""), std::string::npos);
}

TEST_F(SmallSite, SiteThemeFileOverridesTheEmbeddedOne) {
  file("_config.yml", "theme: haven\n");
  post("p", "title: Themed\ndate: 2024-01-01");
  file("themes/haven/layout/post.njk", "<!DOCTYPE html><html><head></head><body>OVERRIDE {{ page.title }}</body></html>");
  build();
  std::string html = read("2024/01/01/p/index.html");
  EXPECT_NE(html.find("OVERRIDE Themed"), std::string::npos);
  EXPECT_TRUE(has("css/haven.css"));  // the rest of the embedded theme is still there
}

TEST_F(SmallSite, ThemeWithoutFolderIsAWarning) {
  file("_config.yml", "title: T\ntheme: next\n");
  post("p", "title: P\ndate: 2024-01-01");
  auto r = build();
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0].where.path, "_config.yml");
  EXPECT_NE(r.warnings[0].message.find("theme \"next\" has no folder themes/next/"), std::string::npos) << r.warnings[0].message;
  EXPECT_TRUE(has("css/haven.css"));  // built with the default theme
  file("_config.yml", "title: T\n");  // Hexo's default, landscape, is replaced quietly
  EXPECT_TRUE(build().warnings.empty());
}

// A post's excerpt and `more` are ranges of its content (kept once in memory); with cjk_spacing
// each is spaced on its own. Both ways a theme sees the same three texts.
TEST_F(SmallSite, ExcerptAndMoreWithAndWithoutCjkSpacing) {
  file("themes/t/layout/post.njk", "[{{ page.excerpt }}][{{ page.more }}][{{ page.content }}]");
  file("themes/t/layout/index.njk", "{% for p in page.posts.toArray() %}<{{ p.excerpt }}|{{ p.more }}>{% endfor %}");
  post("split", "title: S\ndate: 2024-01-02", "前言Intro\n\n<!-- more -->\n\n正文Body\n");
  post("whole", "title: W\ndate: 2024-01-01", "只有Text\n");
  file("_config.yml", "theme: t\n");
  build();
  EXPECT_EQ(read("2024/01/02/split/index.html"),
            "[<p>前言Intro</p>][<p>正文Body</p>][<p>前言Intro</p>\n<span id=\"more\"></span>\n\n<p>正文Body</p>\n]");
  EXPECT_EQ(read("2024/01/01/whole/index.html"), "[][<p>只有Text</p>\n][<p>只有Text</p>\n]");
  EXPECT_EQ(read("index.html"), "<<p>前言Intro</p>|<p>正文Body</p>><|<p>只有Text</p>\n>");
  file("_config.yml", "theme: t\ncjk_spacing: true\n");
  build();
  EXPECT_EQ(read("2024/01/02/split/index.html"),
            "[<p>前言 Intro</p>][<p>正文 Body</p>][<p>前言 Intro</p>\n<span id=\"more\"></span>\n\n<p>正文 Body</p>\n]");
  EXPECT_EQ(read("2024/01/01/whole/index.html"), "[][<p>只有 Text</p>\n][<p>只有 Text</p>\n]");
  EXPECT_EQ(read("index.html"), "<<p>前言 Intro</p>|<p>正文 Body</p>><|<p>只有 Text</p>\n>");
}

// A post's own `toc: false` reaches the theme (the default theme then shows no table of
// contents), as it does for Hexo themes; other posts keep theirs.
TEST_F(SmallSite, FrontMatterTocFalseTurnsTheTableOfContentsOff) {
  file("_config.yml", "title: T\n");
  const std::string body = "## One\n\ntext\n\n## Two\n\ntext\n";
  post("with", "title: With\ndate: 2024-01-01", body);
  post("without", "title: Without\ndate: 2024-01-02\ntoc: false", body);
  build();
  EXPECT_NE(read("2024/01/01/with/index.html").find("class=\"toc-link\""), std::string::npos);
  std::string off = read("2024/01/02/without/index.html");
  EXPECT_EQ(off.find("class=\"toc-link\""), std::string::npos);
  EXPECT_NE(off.find("id=\"Two\""), std::string::npos);  // the headings themselves stay
}

// config relative_link: url_for gives paths relative to the page written; a call's own
// `relative` option wins.
TEST_F(SmallSite, RelativeLinkMakesUrlForRelativeToThePage) {
  file("themes/t/layout/post.njk", "{{ url_for('css/a.css') }}|{{ url_for('/about/', {relative: false}) }}");
  file("themes/t/layout/index.njk", "{{ url_for('css/a.css') }}");
  post("p", "title: P\ndate: 2024-01-01");
  file("_config.yml", "theme: t\nrelative_link: true\n");
  build();
  EXPECT_EQ(read("2024/01/01/p/index.html"), "../../../../css/a.css|/about/");
  EXPECT_EQ(read("index.html"), "css/a.css");
  file("_config.yml", "theme: t\n");
  build();
  EXPECT_EQ(read("2024/01/01/p/index.html"), "/css/a.css|/about/");
}

// page.prev / page.next (Hexo: prev is the newer post) carry the neighbour's title, path and
// permalink, the same permalink that post has itself.
TEST_F(SmallSite, PrevAndNextNameTheNeighbours) {
  file("_config.yml", "url: https://blog.example.com\ntheme: t\n");
  file("themes/t/layout/post.njk",
       "{{ page.permalink }}<{{ page.prev.title }}|{{ page.prev.path }}|{{ page.prev.permalink }}>"
       "<{{ page.next.title }}|{{ page.next.path }}|{{ page.next.permalink }}>");
  for (int i = 1; i <= 3; ++i) post("p" + std::to_string(i), "title: 第" + std::to_string(i) + "篇\ndate: 2024-01-0" + std::to_string(i));
  build();
  EXPECT_EQ(read("2024/01/02/p2/index.html"),
            "https://blog.example.com/2024/01/02/p2/"
            "<第3篇|2024/01/03/p3/|https://blog.example.com/2024/01/03/p3/>"
            "<第1篇|2024/01/01/p1/|https://blog.example.com/2024/01/01/p1/>");
  EXPECT_EQ(read("2024/01/03/p3/index.html"),
            "https://blog.example.com/2024/01/03/p3/<||><第2篇|2024/01/02/p2/|https://blog.example.com/2024/01/02/p2/>");
}

// Hexo's `path` and `url` locals name the file written; `url` drops index.html only with
// pretty_urls.trailing_index: false (spec: "URL of a page keeps index.html").
TEST_F(SmallSite, PathAndUrlLocalsAsHexo) {
  file("_config.yml", "url: https://blog.example.com\ntheme: t\n");
  file("themes/t/layout/post.njk", "{{ path }}|{{ url }}");
  file("themes/t/layout/index.njk", "{{ path }}|{{ url }}");
  post("p", "title: P\ndate: 2024-01-01");
  build();
  EXPECT_EQ(read("2024/01/01/p/index.html"), "2024/01/01/p/index.html|https://blog.example.com/2024/01/01/p/index.html");
  EXPECT_EQ(read("index.html"), "index.html|https://blog.example.com/index.html");
  file("_config.yml", "url: https://blog.example.com\ntheme: t\npretty_urls:\n  trailing_index: false\n");
  build();
  EXPECT_EQ(read("2024/01/01/p/index.html"), "2024/01/01/p/index.html|https://blog.example.com/2024/01/01/p/");
}

TEST_F(SmallSite, FeedAutodiscoveryAndGeneratorMetaAreInjected) {
  file("_config.yml", "title: T\nfeed:\n  type: atom\n");
  post("p", "title: P\ndate: 2024-01-01");
  build();
  std::string html = read("2024/01/01/p/index.html");
  EXPECT_NE(html.find("type=\"application/atom+xml\""), std::string::npos);
  EXPECT_NE(html.find("name=\"generator\" content=\"Haven"), std::string::npos);
}

// The additions go before the page's first `</head>`: written as a wrapping layout.njk writes
// its head, or inserted afterwards when that `</head>` is printed from a value; a theme that
// links its feed in the head gets no second link.
TEST_F(SmallSite, HeadAdditionsGoBeforeThePagesFirstHeadClose) {
  const std::string feed = "<link rel=\"alternate\" href=\"/atom.xml\" title=\"T\" type=\"application/atom+xml\">";
  const std::string meta = "<meta name=\"generator\" content=\"Haven " HAVEN_VERSION "\">";
  file("_config.yml", "title: T\ntheme: t\nfeed:\n  type: atom\n");
  file("themes/t/layout/layout.njk", "<html><head><title>{{ page.title }}</title></head><body>{{ body | safe }}</body></html>");
  file("themes/t/layout/post.njk", "<p>{{ page.title }}</p>");
  file("themes/t/layout/index.njk", "index");
  post("p", "title: P\ndate: 2024-01-01");
  build();
  EXPECT_EQ(read("2024/01/01/p/index.html"), "<html><head><title>P</title>" + meta + feed + "</head><body><p>P</p></body></html>");
  file("themes/t/layout/layout.njk", "{% set close = '</head>' %}<html><head>{{ close | safe }}<body>{{ body | safe }}</head></body></html>");
  build();
  EXPECT_EQ(read("2024/01/01/p/index.html"), "<html><head>" + meta + feed + "</head><body><p>P</p></head></body></html>");
  file("themes/t/layout/layout.njk", "<html><head><link type=\"application/atom+xml\" href=\"/mine.xml\"></head>{{ body | safe }}</html>");
  build();
  EXPECT_EQ(read("2024/01/01/p/index.html"), "<html><head><link type=\"application/atom+xml\" href=\"/mine.xml\">" + meta +
                                                 "</head><p>P</p></html>");
}

// Pages print the cached sidebar and their body (both over 4 KB) as splices: the files hold the
// same bytes a copy would give, external links marked in every piece, and a build that renders
// them again recognises them as unchanged (the manifest hashes the pieces as one text).
TEST_F(SmallSite, SplicedPagesAreWrittenWhole) {
  file("_config.yml", "title: T\nurl: https://blog.example.com\ntheme: t\n");
  std::string links;
  for (int i = 0; i < 200; ++i) links += "<li><a href=\"/tags/t" + std::to_string(i) + "/\">t" + std::to_string(i) + "</a></li>";
  file("themes/t/layout/_partial/side.njk", "<aside><a href=\"https://friend.org/\">f</a><ul>" + links + "</ul></aside>");
  file("themes/t/layout/layout.njk", "<html><head></head><body><a href=\"https://x.org/\">x</a>{{ body | safe }}"
                                     "{{ partial('_partial/side', {}, {cache: true}) | safe }}</body></html>");
  file("themes/t/layout/post.njk", "<main>{{ page.content | safe }}</main>");
  file("themes/t/layout/index.njk", "index");
  std::string body;
  for (int i = 0; i < 300; ++i) body += "Paragraph " + std::to_string(i) + " [link](https://hexo.io/).\n\n";
  post("p", "title: P\ndate: 2024-01-01", body);
  post("q", "title: Q\ndate: 2024-01-02", body);
  auto r = build();
  std::string page = read("2024/01/01/p/index.html");
  const std::string side = "<aside><a target=\"_blank\" rel=\"noopener\" href=\"https://friend.org/\">f</a><ul>" + links + "</ul></aside>";
  EXPECT_EQ(page.substr(0, 300), std::string("<html><head><meta name=\"generator\" content=\"Haven " HAVEN_VERSION "\">"
                                             "<link rel=\"alternate\" href=\"/atom.xml\" title=\"T\" type=\"application/atom+xml\"></head><body>"
                               "<a target=\"_blank\" rel=\"noopener\" href=\"https://x.org/\">x</a><main><p>Paragraph 0 "
                               "<a target=\"_blank\" rel=\"noopener\" href=\"https://hexo.io/\">link</a>.</p>").substr(0, 300));
  EXPECT_TRUE(page.ends_with("</main>" + side + "</body></html>")) << page.substr(page.size() - 200);
  EXPECT_EQ(read("2024/01/02/q/index.html").substr(page.size() - side.size() - 14), side + "</body></html>");
  uint64_t on_disk = 0;  // the build's byte count is the pieces'
  for (const auto& e : fs::recursive_directory_iterator(out())) if (e.is_regular_file()) on_disk += e.file_size();
  EXPECT_EQ(r.stats.bytes_total, on_disk);
  file("_config.yml", "title: T\nurl: https://blog.example.com\ntheme: t\n# touched\n");
  r = build();
  EXPECT_EQ(r.stats.files_written, 0u);
  EXPECT_EQ(r.stats.files_unchanged, r.stats.files_total);
}

TEST_F(SmallSite, ExternalLinksOpenInANewTab) {
  file("_config.yml", "url: https://blog.example.com\n");
  post("p", "title: P\ndate: 2024-01-01", "[out](https://hexo.io/) and [in](https://blog.example.com/about/)\n");
  build();
  std::string html = read("2024/01/01/p/index.html");
  EXPECT_NE(html.find("<a target=\"_blank\" rel=\"noopener\" href=\"https://hexo.io/\">"), std::string::npos) << html;
  EXPECT_NE(html.find("<a href=\"https://blog.example.com/about/\">"), std::string::npos);
}

TEST_F(SmallSite, UnknownTagPluginIsAWarningAndStaysAsText) {
  file("_config.yml", "title: T\n");
  post("p", "title: P\ndate: 2024-01-01", "Before {% frobnicate x %} after, and `{% not_a_tag %}` in code.\n");
  auto r = build();
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0].where.path, "source/_posts/p.md");
  EXPECT_EQ(r.warnings[0].where.line, 5u);
  std::string html = read("2024/01/01/p/index.html");
  EXPECT_NE(html.find("{% frobnicate x %}"), std::string::npos);
}

} // namespace
} // namespace haven::testing
