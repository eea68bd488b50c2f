// Theme helpers (src/site/helpers.cpp, helper_*.cpp): Hexo's markup and options.
#include <gtest/gtest.h>

#include <cmath>

#include "config/config.hpp"
#include "config/yaml.hpp"
#include "site/helpers.hpp"
#include "text/datetime.hpp"

namespace haven::site {
namespace {

using base::Value;

Value yaml(std::string_view text) {
  auto v = config::parse_yaml({text, "<test>", {}, 0});
  EXPECT_TRUE(v.has_value());
  return v ? *v : Value();
}

// A small site: three posts with tags and a two-level category, rendered through a real engine.
class HelperTest : public ::testing::Test {
protected:
  void SetUp() override { setup("url: https://blog.example.com\nroot: /\nlanguage: zh-CN\ntimezone: Asia/Shanghai\npagination_dir: page\narchive_dir: archives\ntitle: 安然\nauthor: 某人\ndescription: 一个博客\nfeed:\n  type: [atom, rss2]\n  path: [atom.xml, rss2.xml]\n"); }

  void setup(std::string_view config_yaml, std::string_view strings_yaml = "home: 首页\ntag: \"标签：%s\"\nmenu:\n  about: 关于\npost_count:\n  zero: 没有文章\n  one: 一篇文章\n  other: \"%d 篇文章\"\n") {
    site = SiteModel{};
    site.config.data = config::deep_merge(config::hexo_defaults(), yaml(config_yaml));
    site.urls.url = site.config.str("url");
    site.urls.root = site.config.str("root", "/");
    site.process_zone = "UTC";
    site.now_ms = text::utc_ms_from_fields(2025, 12, 1, 12);
    auto add_post = [&](std::string title, std::string path, double ms) {
      content::Document d;
      d.title = std::move(title);
      d.path = std::move(path);
      d.date_ms = ms;
      site.docs.push_back(std::move(d));
      site.bodies.push_back({});
      site.posts.push_back(static_cast<uint32_t>(site.docs.size() - 1));
    };
    add_post("三", "posts/3/", text::utc_ms_from_fields(2025, 11, 7, 4));
    add_post("二", "posts/2/", text::utc_ms_from_fields(2025, 10, 15, 12));
    add_post("一", "posts/1/", text::utc_ms_from_fields(2024, 1, 1, 12));
    site.taxonomies.tags = {
        {"依恋", "依恋", "tags/依恋/", {0, 1}},
        {"Hexo", "Hexo", "tags/Hexo/", {1}},
        {"爱", "爱", "tags/爱/", {0, 1, 2}},
    };
    site.taxonomies.categories = {
        {"生活", -1, "生活", "categories/生活/", {0, 1}},
        {"心理", 0, "心理", "categories/生活/心理/", {0}},
        {"技术", -1, "技术", "categories/技术/", {2}},
    };
    engine = std::make_unique<tmpl::Engine>();
    register_theme_helpers(*engine, site, yaml(strings_yaml));
    auto errors = engine->finalize();
    EXPECT_TRUE(errors.empty());
  }

  std::string render(std::string_view source, std::string_view context_yaml = "path: posts/3/\nurl: https://blog.example.com/posts/3/\npage: {}\n") {
    auto r = engine->render_string(source, yaml(context_yaml));
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    return r ? *r : std::string();
  }

  SiteModel site;
  std::unique_ptr<tmpl::Engine> engine;
};

TEST_F(HelperTest, UrlFor) {
  EXPECT_EQ(render("{{ url_for('tags/依恋/') }}"), "/tags/%E4%BE%9D%E6%81%8B/");
  EXPECT_EQ(render("{{ url_for('/a//b') }}"), "/a/b");
  EXPECT_EQ(render("{{ url_for('https://x.org/a') }}|{{ url_for('#top') }}|{{ url_for('//cdn/x') }}"), "https://x.org/a|#top|//cdn/x");
  EXPECT_EQ(render("{{ url_for('css/a.css', {relative: true}) }}"), "../../css/a.css");
  EXPECT_EQ(render("{{ url_for('css/a.css', relative=true) }}", "path: ''\n"), "css/a.css");
  EXPECT_EQ(render("{{ full_url_for('tags/a/') }}"), "https://blog.example.com/tags/a/");
}

TEST_F(HelperTest, RelativeUrl) {
  EXPECT_EQ(render("{{ relative_url('foo/bar/', 'css/style.css') }}"), "../../css/style.css");
  EXPECT_EQ(render("{{ relative_url('index.html', 'css/style.css') }}"), "css/style.css");
  EXPECT_EQ(render("{{ relative_url('a/b/index.html', 'a/c/') }}"), "../c/");
}

TEST_F(HelperTest, Dates) {
  std::string ctx = "d: 2025-11-07T04:22:09.000Z\npage: {}\n";
  EXPECT_EQ(render("{{ date(d) }}", ctx), "2025-11-07");
  EXPECT_EQ(render("{{ date(d, 'YYYY年M月D日 HH:mm') }}", ctx), "2025年11月7日 12:22");
  EXPECT_EQ(render("{{ time(d) }}", ctx), "12:22:09");
  EXPECT_EQ(render("{{ full_date(d) }}", ctx), "2025-11-07 12:22:09");
  EXPECT_EQ(render("{{ date(d, 'MMMM') }}", ctx), "十一月");
  EXPECT_EQ(render("{{ date(d, 'MMMM') }}", "d: 2025-11-07T04:22:09.000Z\npage: {lang: en}\n"), "November");
  EXPECT_EQ(render("{{ date_xml(d) }}", ctx), "2025-11-07T04:22:09.000Z");
  EXPECT_EQ(render("{{ time_tag(d) }}", ctx), "<time datetime=\"2025-11-07T04:22:09.000Z\">2025-11-07</time>");
}

TEST_F(HelperTest, TextHelpers) {
  EXPECT_EQ(render("{{ strip_html('<p>a <b>b</b></p>') }}"), "a b");
  EXPECT_EQ(render("{{ titlecase('notes on the way: a summary') }}"), "Notes on the Way: A Summary");
  EXPECT_EQ(render("{{ truncate('Once upon a time in a world far far away') }}"), "Once upon a time in a world...");
  EXPECT_EQ(render("{{ truncate('Once upon a time in a world far far away', {length: 17, separator: ' '}) }}"), "Once upon a...");
  EXPECT_EQ(render("{{ truncate('And they found that many people were sleeping better.', {length: 25, omission: '... (continued)'}) }}"),
            "And they f... (continued)");
  EXPECT_EQ(render("{{ truncate('<p>短文</p>') }}"), "短文");
  EXPECT_EQ(render("{{ auto_excerpt('<h2>T</h2><p>第一段。</p><ul><li>x</li></ul><p>第二段 text。</p>', 100) }}"), "第一段。第二段 text。");
  EXPECT_EQ(render("{{ auto_excerpt('<p>一二三四五六</p>', 4) }}"), "一二三四…");
  EXPECT_EQ(render("{{ auto_excerpt('<p>Hello</p><p>world</p><p>中文</p>', 100) }}"), "Hello world中文");
  EXPECT_EQ(render("{{ text_lang('<p>Haven builds this blog from the same files.</p>', 'zh-CN') }}"), "en");
  EXPECT_EQ(render("{{ text_lang('<p>中文与 English 混排的段落。</p>', 'zh-CN') }}"), "zh-CN");
  EXPECT_EQ(render("{{ decode_url('/tags/%E4%BE%9D%E6%81%8B/') }}"), "/tags/依恋/");
}

TEST_F(HelperTest, Translations) {
  EXPECT_EQ(render("{{ __('home') }}"), "首页");
  EXPECT_EQ(render("{{ __('tag', 'Hexo') }}"), "标签：Hexo");
  EXPECT_EQ(render("{{ __('menu.about') }}"), "关于");
  EXPECT_EQ(render("{{ __('missing_key') }}"), "missing_key");
  EXPECT_EQ(render("{{ _p('post_count', 0) }}|{{ _p('post_count', 1) }}|{{ _p('post_count', 5) }}"), "没有文章|一篇文章|5 篇文章");
}

TEST_F(HelperTest, Conditionals) {
  EXPECT_EQ(render("{{ is_home() }} {{ is_post() }}", "page: {__index: true}\n"), "true false");
  EXPECT_EQ(render("{{ is_post() }} {{ is_page() }}", "page: {__post: true}\n"), "true false");
  EXPECT_EQ(render("{{ is_archive() }} {{ is_year() }} {{ is_month() }}", "page: {archive: true, year: 2025}\n"), "true true false");
  EXPECT_EQ(render("{{ is_tag() }} {{ is_tag('Hexo') }} {{ is_tag('x') }} {{ is_category() }}", "page: {tag: Hexo}\n"),
            "true true false false");
  EXPECT_EQ(render("{{ is_current('/archives/') }} {{ is_current('/') }}", "path: archives/2025/\npage: {}\n"), "true false");
  EXPECT_EQ(render("{{ is_current('/') }}", "path: ''\npage: {}\n"), "true");
  EXPECT_EQ(render("{{ is_current('/archives/', true) }}", "path: archives/2025/\npage: {}\n"), "false");
}

TEST_F(HelperTest, CssAndJs) {
  EXPECT_EQ(render("{{ css('style') }}"), "<link rel=\"stylesheet\" href=\"/style.css\">");
  EXPECT_EQ(render("{{ css(['a', 'b.css']) }}"), "<link rel=\"stylesheet\" href=\"/a.css\">\n<link rel=\"stylesheet\" href=\"/b.css\">");
  EXPECT_EQ(render("{{ js('x') }}"), "<script src=\"/x.js\"></script>");
  EXPECT_EQ(render("{{ js({src: 'x.js', defer: true, 'data-a': 'b'}) }}"), "<script src=\"/x.js\" defer data-a=\"b\"></script>");
}

TEST_F(HelperTest, Paginator) {
  std::string ctx = "page: {base: '', current: 5, total: 10}\npath: page/5/\n";
  EXPECT_EQ(render("{{ paginator() }}", ctx),
            "<a class=\"extend prev\" rel=\"prev\" href=\"/page/4/\">Prev</a>"
            "<a class=\"page-number\" href=\"/\">1</a><span class=\"space\">&hellip;</span>"
            "<a class=\"page-number\" href=\"/page/3/\">3</a><a class=\"page-number\" href=\"/page/4/\">4</a>"
            "<span class=\"page-number current\">5</span>"
            "<a class=\"page-number\" href=\"/page/6/\">6</a><a class=\"page-number\" href=\"/page/7/\">7</a>"
            "<span class=\"space\">&hellip;</span><a class=\"page-number\" href=\"/page/10/\">10</a>"
            "<a class=\"extend next\" rel=\"next\" href=\"/page/6/\">Next</a>");
  EXPECT_EQ(render("{{ paginator({prev_text: '<', next_text: '>', show_all: true}) }}", "page: {base: 'tags/a/', current: 1, total: 2}\n"),
            "<span class=\"page-number current\">1</span><a class=\"page-number\" href=\"/tags/a/page/2/\">2</a>"
            "<a class=\"extend next\" rel=\"next\" href=\"/tags/a/page/2/\">&gt;</a>");
  EXPECT_EQ(render("{{ paginator(mid_size=0, end_size=0, space='', prev_next=false) }}", ctx),
            "<span class=\"page-number current\">5</span>");
  EXPECT_EQ(render("{{ paginator() }}", "page: {}\n"), "");
}

TEST_F(HelperTest, Toc) {
  std::string html =
      "<h2 id=\"a\"><a href=\"#a\" class=\"headerlink\" title=\"A\"></a>A &amp; B</h2><p>x</p>"
      "<h3 id=\"依恋\">依恋</h3><h3 id=\"c\">C</h3><h2 id=\"d\">D</h2><h4 id=\"e\">E</h4>";
  EXPECT_EQ(render("{{ toc(c) }}", "c: '" + html + "'\n"),
            "<ol class=\"toc\">"
            "<li class=\"toc-item toc-level-2\"><a class=\"toc-link\" href=\"#a\"><span class=\"toc-number\">1.</span> "
            "<span class=\"toc-text\">A &amp; B</span></a>"
            "<ol class=\"toc-child\"><li class=\"toc-item toc-level-3\"><a class=\"toc-link\" href=\"#%E4%BE%9D%E6%81%8B\">"
            "<span class=\"toc-number\">1.1.</span> <span class=\"toc-text\">依恋</span></a></li>"
            "<li class=\"toc-item toc-level-3\"><a class=\"toc-link\" href=\"#c\"><span class=\"toc-number\">1.2.</span> "
            "<span class=\"toc-text\">C</span></a></li></ol></li>"
            "<li class=\"toc-item toc-level-2\"><a class=\"toc-link\" href=\"#d\"><span class=\"toc-number\">2.</span> "
            "<span class=\"toc-text\">D</span></a>"
            "<ol class=\"toc-child\"><li class=\"toc-item toc-level-4\"><a class=\"toc-link\" href=\"#e\">"
            "<span class=\"toc-number\">2.0.1.</span> <span class=\"toc-text\">E</span></a></li></ol></li></ol>");
  EXPECT_EQ(render("{{ toc(c, {list_number: false, max_depth: 2, class: 'nav'}) }}", "c: '" + html + "'\n"),
            "<ol class=\"nav\"><li class=\"nav-item nav-level-2\"><a class=\"nav-link\" href=\"#a\"><span class=\"nav-text\">A &amp; B</span></a></li>"
            "<li class=\"nav-item nav-level-2\"><a class=\"nav-link\" href=\"#d\"><span class=\"nav-text\">D</span></a></li></ol>");
  EXPECT_EQ(render("{{ toc(c, {min_depth: 3, list_number: false}) }}", "c: '" + html + "'\n"),
            "<ol class=\"toc\"><li class=\"toc-item toc-level-3\"><a class=\"toc-link\" href=\"#%E4%BE%9D%E6%81%8B\"><span class=\"toc-text\">依恋</span></a></li>"
            "<li class=\"toc-item toc-level-3\"><a class=\"toc-link\" href=\"#c\"><span class=\"toc-text\">C</span></a>"
            "<ol class=\"toc-child\"><li class=\"toc-item toc-level-4\"><a class=\"toc-link\" href=\"#e\"><span class=\"toc-text\">E</span></a></li></ol></li></ol>");
  // a list of {level, id, text} works as well as the HTML
  EXPECT_EQ(render("{{ toc(t, list_number=false) }}", "t: [{level: 2, id: x, text: 'a<b'}]\n"),
            "<ol class=\"toc\"><li class=\"toc-item toc-level-2\"><a class=\"toc-link\" href=\"#x\"><span class=\"toc-text\">a&lt;b</span></a></li></ol>");
  EXPECT_EQ(render("{{ toc('<p>none</p>') }}"), "");
  // a skipped level keeps the lists balanced
  EXPECT_EQ(render("{{ toc('<h2 id=\"a\">A</h2><h4 id=\"b\">B</h4><h3 id=\"c\">C</h3>', list_number=false, class='t') }}"),
            "<ol class=\"t\"><li class=\"t-item t-level-2\"><a class=\"t-link\" href=\"#a\"><span class=\"t-text\">A</span></a>"
            "<ol class=\"t-child\"><li class=\"t-item t-level-4\"><a class=\"t-link\" href=\"#b\"><span class=\"t-text\">B</span></a></li></ol>"
            "<ol class=\"t-child\"><li class=\"t-item t-level-3\"><a class=\"t-link\" href=\"#c\"><span class=\"t-text\">C</span></a></li></ol></li></ol>");
}

TEST_F(HelperTest, ListTagsAndCloud) {
  EXPECT_EQ(render("{{ list_tags() }}"),
            "<ul class=\"tag-list\" itemprop=\"keywords\">"
            "<li class=\"tag-list-item\"><a class=\"tag-list-link\" href=\"/tags/%E7%88%B1/\" rel=\"tag\">爱</a><span class=\"tag-list-count\">3</span></li>"
            "<li class=\"tag-list-item\"><a class=\"tag-list-link\" href=\"/tags/%E4%BE%9D%E6%81%8B/\" rel=\"tag\">依恋</a><span class=\"tag-list-count\">2</span></li>"
            "<li class=\"tag-list-item\"><a class=\"tag-list-link\" href=\"/tags/Hexo/\" rel=\"tag\">Hexo</a><span class=\"tag-list-count\">1</span></li>"
            "</ul>");
  EXPECT_EQ(render("{{ list_tags({style: false, show_count: false, orderby: 'length', order: -1, separator: ' | '}) }}"),
            "<a class=\"tag-link\" href=\"/tags/%E7%88%B1/\" rel=\"tag\">爱</a> | "
            "<a class=\"tag-link\" href=\"/tags/%E4%BE%9D%E6%81%8B/\" rel=\"tag\">依恋</a> | "
            "<a class=\"tag-link\" href=\"/tags/Hexo/\" rel=\"tag\">Hexo</a>");
  EXPECT_EQ(render("{{ list_tags(amount=1, show_count=false) }}"),
            "<ul class=\"tag-list\" itemprop=\"keywords\"><li class=\"tag-list-item\"><a class=\"tag-list-link\" href=\"/tags/%E7%88%B1/\" rel=\"tag\">爱</a></li></ul>");
  EXPECT_EQ(render("{{ tagcloud() }}"),
            "<a href=\"/tags/%E7%88%B1/\" style=\"font-size: 20px;\">爱</a> "
            "<a href=\"/tags/%E4%BE%9D%E6%81%8B/\" style=\"font-size: 15px;\">依恋</a> "
            "<a href=\"/tags/Hexo/\" style=\"font-size: 10px;\">Hexo</a>");
  EXPECT_EQ(render("{{ tagcloud({min_font: 1, max_font: 2, unit: 'em', amount: 2, color: true, start_color: '#000', end_color: '#fff', class: 't'}) }}"),
            "<a href=\"/tags/%E7%88%B1/\" style=\"font-size: 2em; color: #ffffff\" class=\"t-10\">爱</a> "
            "<a href=\"/tags/%E4%BE%9D%E6%81%8B/\" style=\"font-size: 1em; color: #000000\" class=\"t-0\">依恋</a>");
}

TEST_F(HelperTest, ListCategories) {
  EXPECT_EQ(render("{{ list_categories() }}"),
            "<ul class=\"category-list\">"
            "<li class=\"category-list-item\"><a class=\"category-list-link\" href=\"/categories/%E6%8A%80%E6%9C%AF/\">技术</a><span class=\"category-list-count\">1</span></li>"
            "<li class=\"category-list-item\"><a class=\"category-list-link\" href=\"/categories/%E7%94%9F%E6%B4%BB/\">生活</a><span class=\"category-list-count\">2</span>"
            "<ul class=\"category-list-child\"><li class=\"category-list-item\"><a class=\"category-list-link\" href=\"/categories/%E7%94%9F%E6%B4%BB/%E5%BF%83%E7%90%86/\">心理</a><span class=\"category-list-count\">1</span></li></ul></li>"
            "</ul>");
  EXPECT_EQ(render("{{ list_categories({depth: 1, show_count: false, show_current: true}) }}", "page: {path: posts/2/}\n"),
            "<ul class=\"category-list\">"
            "<li class=\"category-list-item\"><a class=\"category-list-link\" href=\"/categories/%E6%8A%80%E6%9C%AF/\">技术</a></li>"
            "<li class=\"category-list-item\"><a class=\"category-list-link current\" href=\"/categories/%E7%94%9F%E6%B4%BB/\">生活</a></li></ul>");
  EXPECT_EQ(render("{{ list_categories(style='none', separator=' / ') }}"),
            "<a class=\"category-link\" href=\"/categories/%E6%8A%80%E6%9C%AF/\">技术<span class=\"category-count\">1</span></a> / "
            "<a class=\"category-link\" href=\"/categories/%E7%94%9F%E6%B4%BB/\">生活<span class=\"category-count\">2</span></a> / "
            "<a class=\"category-link\" href=\"/categories/%E7%94%9F%E6%B4%BB/%E5%BF%83%E7%90%86/\">心理<span class=\"category-count\">1</span></a>");
}

TEST_F(HelperTest, ListArchives) {
  EXPECT_EQ(render("{{ list_archives() }}"),
            "<ul class=\"archive-list\">"
            "<li class=\"archive-list-item\"><a class=\"archive-list-link\" href=\"/archives/2025/11/\">十一月 2025</a><span class=\"archive-list-count\">1</span></li>"
            "<li class=\"archive-list-item\"><a class=\"archive-list-link\" href=\"/archives/2025/10/\">十月 2025</a><span class=\"archive-list-count\">1</span></li>"
            "<li class=\"archive-list-item\"><a class=\"archive-list-link\" href=\"/archives/2024/01/\">一月 2024</a><span class=\"archive-list-count\">1</span></li>"
            "</ul>");
  EXPECT_EQ(render("{{ list_archives({type: 'yearly', style: false, order: 1}) }}"),
            "<a class=\"archive-link\" href=\"/archives/2024/\">2024<span class=\"archive-count\">1</span></a>, "
            "<a class=\"archive-link\" href=\"/archives/2025/\">2025<span class=\"archive-count\">2</span></a>");
}

TEST_F(HelperTest, OpenGraph) {
  std::string ctx =
      "url: https://blog.example.com/posts/3/\n"
      "page:\n  __post: true\n  title: 'A \"quoted\" title'\n  content: '<p>正文 <img src=\"/img/a.png\"></p>'\n"
      "  tags: [{name: 依恋}, {name: Hexo}]\n";
  std::string out = render("{{ open_graph() }}", ctx);
  EXPECT_EQ(out,
            "<meta name=\"description\" content=\"正文\">\n"
            "<meta property=\"og:type\" content=\"article\">\n"
            "<meta property=\"og:title\" content=\"A &quot;quoted&quot; title\">\n"
            "<meta property=\"og:url\" content=\"https://blog.example.com/posts/3/\">\n"
            "<meta property=\"og:site_name\" content=\"安然\">\n"
            "<meta property=\"og:description\" content=\"正文\">\n"
            "<meta property=\"og:locale\" content=\"zh_CN\">\n"
            "<meta property=\"og:image\" content=\"https://blog.example.com/img/a.png\">\n"
            "<meta property=\"article:author\" content=\"某人\">\n"
            "<meta property=\"article:tag\" content=\"依恋\">\n"
            "<meta property=\"article:tag\" content=\"Hexo\">\n"
            "<meta name=\"twitter:card\" content=\"summary\">\n"
            "<meta name=\"twitter:image\" content=\"https://blog.example.com/img/a.png\">");
  std::string home = render("{{ open_graph({twitter_id: 'me'}) }}", "url: https://blog.example.com/\npage: {}\n");
  EXPECT_NE(home.find("<meta property=\"og:type\" content=\"website\">"), std::string::npos);
  EXPECT_NE(home.find("<meta property=\"og:title\" content=\"安然\">"), std::string::npos);
  EXPECT_NE(home.find("<meta name=\"description\" content=\"一个博客\">"), std::string::npos);
  EXPECT_NE(home.find("<meta name=\"twitter:creator\" content=\"@me\">"), std::string::npos);
}

TEST_F(HelperTest, FeedTag) {
  EXPECT_EQ(render("{{ feed_tag() }}"),
            "<link rel=\"alternate\" href=\"/atom.xml\" title=\"安然\" type=\"application/atom+xml\">"
            "<link rel=\"alternate\" href=\"/rss2.xml\" title=\"安然\" type=\"application/rss+xml\">");
  EXPECT_EQ(render("{{ feed_tag('atom.xml', {title: 'T'}) }}"), "<link rel=\"alternate\" href=\"/atom.xml\" title=\"T\" type=\"application/atom+xml\">");
}

TEST_F(HelperTest, WordCounts) {
  std::string ctx = "c: '<p>夜幕低垂，万籁俱寂 hello world</p>'\npage: {}\n";
  EXPECT_EQ(render("{{ word_count(c) }}", ctx), "10");
  EXPECT_EQ(render("{{ wordcount(c) }}", ctx), "10");
  EXPECT_EQ(render("{{ min2read(c) }}", ctx), "1");
  EXPECT_EQ(render("{{ reading_time(c) }}", ctx), "1");
  EXPECT_EQ(render("{{ symbolsCount(c) }}", ctx), "19");
  EXPECT_EQ(render("{{ symbolsTime(c) }}", ctx), "1 mins.");
  EXPECT_EQ(render("{{ word_count({content: c}) }}", ctx), "10");
}

TEST_F(HelperTest, JsonLd) {
  EXPECT_EQ(render("{{ json_ld({'@type': 'BlogPosting', headline: '</script>&', n: 3, ok: true}) }}"),
            "<script type=\"application/ld+json\">{\"@type\":\"BlogPosting\",\"headline\":\"\\u003c/script\\u003e\\u0026\",\"n\":3,\"ok\":true}</script>");
}

} // namespace
} // namespace haven::site
