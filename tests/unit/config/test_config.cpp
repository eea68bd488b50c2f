// Site/theme config loading and merging (spec §4).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "config/config.hpp"

namespace fs = std::filesystem;
using haven::base::Value;
using haven::config::deep_merge;
using haven::config::hexo_defaults;
using haven::config::load_site_config;
using haven::config::load_theme_config;
using haven::config::SiteConfig;

namespace {

const fs::path k_fixture = fs::path(HAVEN_SHARED_DIR) / "fixtures" / "hexo-basic";

class TempDir {
public:
  TempDir() {
    m_path = fs::temp_directory_path() /
             ("haven-config-test-" + std::to_string(::getpid()) + "-" + std::to_string(s_counter++));
    fs::create_directories(m_path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(m_path, ec);
  }
  const fs::path& path() const { return m_path; }
  void write(const std::string& name, const std::string& text) const {
    fs::create_directories((m_path / name).parent_path());
    std::ofstream(m_path / name) << text;
  }

private:
  static inline int s_counter = 0;
  fs::path m_path;
};

SiteConfig config_from(const Value& data) {
  SiteConfig c;
  c.data = data;
  return c;
}

} // namespace

struct DefaultCase {
  const char* key;
  const char* expected; // as SiteConfig::str prints it
};

class HexoDefault : public testing::TestWithParam<DefaultCase> {};

TEST_P(HexoDefault, MatchesSpecTable) {
  SiteConfig c = config_from(hexo_defaults());
  EXPECT_EQ(c.str(GetParam().key, "<absent>"), GetParam().expected) << GetParam().key;
}

INSTANTIATE_TEST_SUITE_P(
    Spec4, HexoDefault,
    testing::Values(DefaultCase{"url", "http://example.com"}, DefaultCase{"root", "/"},
                    DefaultCase{"permalink", ":year/:month/:day/:title/"},
                    DefaultCase{"pretty_urls.trailing_index", "true"}, DefaultCase{"pretty_urls.trailing_html", "true"},
                    DefaultCase{"source_dir", "source"}, DefaultCase{"public_dir", "public"},
                    DefaultCase{"tag_dir", "tags"}, DefaultCase{"archive_dir", "archives"},
                    DefaultCase{"category_dir", "categories"}, DefaultCase{"new_post_name", ":title.md"},
                    DefaultCase{"default_layout", "post"}, DefaultCase{"titlecase", "false"},
                    DefaultCase{"external_link.enable", "true"}, DefaultCase{"external_link.field", "site"},
                    DefaultCase{"filename_case", "0"}, DefaultCase{"render_drafts", "false"},
                    DefaultCase{"post_asset_folder", "false"}, DefaultCase{"relative_link", "false"},
                    DefaultCase{"future", "true"}, DefaultCase{"syntax_highlighter", "highlight.js"},
                    DefaultCase{"highlight.line_number", "true"}, DefaultCase{"highlight.first_line_number", "always1"},
                    DefaultCase{"highlight.line_threshold", "0"}, DefaultCase{"default_category", "uncategorized"},
                    DefaultCase{"date_format", "YYYY-MM-DD"}, DefaultCase{"time_format", "HH:mm:ss"},
                    DefaultCase{"updated_option", "mtime"}, DefaultCase{"per_page", "10"},
                    DefaultCase{"pagination_dir", "page"}, DefaultCase{"meta_generator", "true"},
                    DefaultCase{"timezone", ""}, DefaultCase{"feed.type", "atom"}, DefaultCase{"feed.limit", "20"},
                    DefaultCase{"feed.content_limit", "140"}, DefaultCase{"feed.order_by", "-date"},
                    DefaultCase{"feed.autodiscovery", "true"}, DefaultCase{"sitemap.path", "sitemap.xml,sitemap.txt"},
                    DefaultCase{"sitemap.rel", "false"}, DefaultCase{"search.path", "search.json"},
                    DefaultCase{"search.format", "striptags"}, DefaultCase{"abbrlink.alg", "crc16"},
                    DefaultCase{"abbrlink.rep", "dec"}, DefaultCase{"symbols_count_time.awl", "4"},
                    DefaultCase{"symbols_count_time.wpm", "275"}, DefaultCase{"symbols_count_time.suffix", "mins."},
                    DefaultCase{"archive_generator.yearly", "true"}, DefaultCase{"archive_generator.daily", "false"},
                    DefaultCase{"tag_generator.enable_index_page", "false"}, DefaultCase{"marked.breaks", "true"},
                    DefaultCase{"marked.prependRoot", "true"}, DefaultCase{"marked.external_link.enable", "false"},
                    DefaultCase{"index_generator.order_by", "-date"}, DefaultCase{"no_such_key", "<absent>"}));

TEST(DeepMerge, MergesObjectsRecursivelyAndReplacesEverythingElse) {
  haven::base::Object inner_base;
  inner_base.set("a", 1);
  inner_base.set("b", 2);
  haven::base::Object base;
  base.set("obj", Value(inner_base));
  base.set("list", Value(haven::base::Array{Value(1), Value(2)}));
  base.set("keep", "k");
  haven::base::Object inner_over;
  inner_over.set("b", 20);
  inner_over.set("c", 30);
  haven::base::Object over;
  over.set("obj", Value(inner_over));
  over.set("list", Value(haven::base::Array{Value(9)}));
  over.set("new", Value::null());
  Value m = deep_merge(Value(base), Value(over));
  EXPECT_DOUBLE_EQ(m.get("obj").get("a").as_number(), 1);
  EXPECT_DOUBLE_EQ(m.get("obj").get("b").as_number(), 20);
  EXPECT_DOUBLE_EQ(m.get("obj").get("c").as_number(), 30);
  ASSERT_EQ(m.get("list").as_array().size(), 2u); // arrays merge by index (hexo-util 4)
  EXPECT_DOUBLE_EQ(m.get("list").at(0).as_number(), 9);
  EXPECT_DOUBLE_EQ(m.get("list").at(1).as_number(), 2);
  EXPECT_EQ(m.get("keep").as_string(), "k");
  EXPECT_TRUE(m.get("new").is_null());
  EXPECT_EQ(m.as_object().entries()[0].first, "obj"); // base key order first
  // The inputs are untouched (values are shared and immutable).
  EXPECT_DOUBLE_EQ(Value(base).get("obj").get("b").as_number(), 2);
  EXPECT_EQ(deep_merge(Value(base), Value("x")).as_string(), "x");
}

TEST(DeepMerge, ArrayElementRulesOfHexoUtil4) {
  using haven::base::Array;
  haven::base::Object a;
  a.set("k", 1);
  haven::base::Object b;
  b.set("j", 2);
  Value target(Array{Value(Array{Value(1), Value(2)}), Value(a), Value(Array{Value(7)}), Value("t")});
  Value source(Array{Value(Array{Value(2), Value(3)}), Value(b), Value("s"), Value::null(), Value("extra")});
  Value m = deep_merge(target, source);
  ASSERT_EQ(m.as_array().size(), 5u);
  EXPECT_EQ(m.at(0).as_array().size(), 3u); // union [1, 2, 3]
  EXPECT_DOUBLE_EQ(m.at(0).at(2).as_number(), 3);
  EXPECT_DOUBLE_EQ(m.at(1).get("k").as_number(), 1); // objects at the same index merge
  EXPECT_DOUBLE_EQ(m.at(1).get("j").as_number(), 2);
  EXPECT_TRUE(m.at(2).is_array());                   // a target array survives a scalar
  EXPECT_TRUE(m.at(3).is_null());
  EXPECT_EQ(m.at(4).as_string(), "extra");
  haven::base::Object d1;
  d1.set("d", Value::date(5));
  haven::base::Object d2;
  d2.set("d", Value::date(3));
  EXPECT_DOUBLE_EQ(deep_merge(Value(d1), Value(d2)).get("d").as_date_ms(), 5); // later date wins
}

TEST(SiteConfigAccessors, ConvertLikeJavaScript) {
  haven::base::Object o;
  o.set("n", 5);
  o.set("s", "12.5");
  o.set("bad", "abc");
  o.set("empty", "");
  o.set("nul", Value::null());
  o.set("tags", "one");
  o.set("arr", Value(haven::base::Array{Value("a"), Value::null(), Value(2)}));
  haven::base::Object nested;
  nested.set("per_page", 7);
  o.set("gen", Value(nested));
  SiteConfig c = config_from(Value(o));
  EXPECT_EQ(c.str("n"), "5");
  EXPECT_EQ(c.str("nul", "fb"), "fb");
  EXPECT_EQ(c.str("missing", "fb"), "fb");
  EXPECT_DOUBLE_EQ(c.num("s"), 12.5);
  EXPECT_DOUBLE_EQ(c.num("bad", 3), 3);
  EXPECT_DOUBLE_EQ(c.num("gen.per_page"), 7);
  EXPECT_TRUE(c.get("gen.nope").is_undefined());
  EXPECT_TRUE(c.get("n.deeper").is_undefined());
  EXPECT_TRUE(c.flag("n"));
  EXPECT_FALSE(c.flag("empty", true));
  EXPECT_FALSE(c.flag("nul", true));
  EXPECT_TRUE(c.flag("missing", true));
  EXPECT_EQ(c.list("tags"), std::vector<std::string>{"one"});
  EXPECT_EQ(c.list("arr"), (std::vector<std::string>{"a", "2"}));
  EXPECT_TRUE(c.list("nul").empty());
  EXPECT_TRUE(c.list("missing").empty());
}

TEST(LoadSiteConfig, FixtureConfigMergedOverDefaults) {
  auto r = load_site_config(k_fixture);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  const SiteConfig& c = *r;
  EXPECT_EQ(c.str("title"), "实验博客 Lab Blog");
  EXPECT_EQ(c.str("language"), "zh-CN");
  EXPECT_EQ(c.str("url"), "https://blog.example.com");
  EXPECT_EQ(c.str("root"), "/");
  EXPECT_TRUE(c.flag("post_asset_folder"));
  EXPECT_DOUBLE_EQ(c.num("per_page"), 5);
  EXPECT_DOUBLE_EQ(c.num("index_generator.per_page"), 5);
  // Plugins take per_page from the site when they do not set their own.
  EXPECT_DOUBLE_EQ(c.num("archive_generator.per_page"), 5);
  EXPECT_DOUBLE_EQ(c.num("tag_generator.per_page"), 5);
  EXPECT_EQ(c.list("skip_render"), std::vector<std::string>{"static/**"});
  EXPECT_EQ(c.list("feed.type"), (std::vector<std::string>{"atom", "rss2"}));
  EXPECT_EQ(c.str("category_map.编程"), "programming");
  EXPECT_EQ(c.str("search.format"), "html");
  EXPECT_EQ(c.str("feed.order_by"), "-date");      // from the fixture
  EXPECT_TRUE(c.flag("feed.autodiscovery"));       // plugin default kept next to user keys
  EXPECT_TRUE(c.get("keywords").is_null());        // `keywords:` with no value
  EXPECT_EQ(c.str("highlight.first_line_number"), "always1");
  EXPECT_EQ(c.str("theme"), "landscape");
  EXPECT_EQ(c.str("deploy.type"), "");
  EXPECT_DOUBLE_EQ(c.num("symbols_count_time.wpm"), 275);
}

TEST(LoadSiteConfig, MissingConfigMeansDefaults) {
  TempDir dir;
  auto r = load_site_config(dir.path());
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->str("title"), "Hexo");
  EXPECT_EQ(r->str("url"), "http://example.com");
  // the full-text search dump is opt-in, like installing hexo-generator-searchdb
  EXPECT_TRUE(r->get("search").is_undefined());
  EXPECT_EQ(r->str("feed.type"), "atom");
}

TEST(LoadSiteConfig, YamlExtensionAndNormalisedUrlRoot) {
  TempDir dir;
  dir.write("_config.yaml", "url: https://x.example.com/blog/\n");
  auto r = load_site_config(dir.path());
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->str("url"), "https://x.example.com/blog");
  EXPECT_EQ(r->str("root"), "/blog/"); // derived from url when root is not set

  TempDir dir2;
  dir2.write("_config.yml", "url: https://x.example.com//\nroot: sub\n");
  auto r2 = load_site_config(dir2.path());
  ASSERT_TRUE(r2.has_value());
  EXPECT_EQ(r2->str("url"), "https://x.example.com");
  EXPECT_EQ(r2->str("root"), "/sub/");
}

TEST(LoadSiteConfig, MultipleFilesMergeInOrder) {
  TempDir dir;
  dir.write("_config.yml", "title: A\nper_page: 3\nfeed:\n  limit: 5\n  type: rss2\n");
  dir.write("variants/b.yml", "title: B\nfeed:\n  limit: 7\ntimezone: Asia/Shanghai\n");
  auto r = load_site_config(dir.path(), {"_config.yml", "variants/b.yml"});
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->str("title"), "B");
  EXPECT_DOUBLE_EQ(r->num("feed.limit"), 7);
  EXPECT_EQ(r->str("feed.type"), "rss2");
  EXPECT_EQ(r->str("timezone"), "Asia/Shanghai");
  EXPECT_DOUBLE_EQ(r->num("per_page"), 3);
  EXPECT_DOUBLE_EQ(r->num("archive_generator.per_page"), 3);
}

TEST(LoadSiteConfig, MissingNamedFileIsAnError) {
  TempDir dir;
  auto r = load_site_config(dir.path(), {"nope.yml"});
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().where.path.find("nope.yml"), std::string::npos);
}

TEST(LoadSiteConfig, SyntaxErrorNamesTheFileAndLine) {
  TempDir dir;
  dir.write("_config.yml", "title: x\nurl: [a\n");
  auto r = load_site_config(dir.path());
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().where.path.find("_config.yml"), std::string::npos);
  EXPECT_GE(r.error().where.line, 2u);
}

TEST(LoadSiteConfig, GeneratorPerPageSetByUserIsKept) {
  TempDir dir;
  dir.write("_config.yml", "per_page: 4\narchive_generator:\n  per_page: 0\n");
  auto r = load_site_config(dir.path());
  ASSERT_TRUE(r.has_value());
  EXPECT_DOUBLE_EQ(r->num("archive_generator.per_page", -1), 0);
  EXPECT_DOUBLE_EQ(r->num("index_generator.per_page"), 4);
}

TEST(LoadThemeConfig, ThemeFileThenSiteThemeFileThenThemeConfigKey) {
  TempDir dir;
  dir.write("themes/t/_config.yml", "menu:\n  Home: /\n  Archives: /archives\nsidebar: right\nlogo: a.png\n");
  dir.write("_config.t.yml", "sidebar: left\nmenu:\n  About: /about\n");
  dir.write("_config.yml", "theme: t\ntheme_config:\n  logo: b.png\n  menu:\n    Home: /home\n");
  auto site = load_site_config(dir.path());
  ASSERT_TRUE(site.has_value());
  auto theme = load_theme_config(dir.path(), dir.path() / "themes" / "t", "t", *site);
  ASSERT_TRUE(theme.has_value()) << theme.error().message;
  EXPECT_EQ(theme->get("sidebar").as_string(), "left");
  EXPECT_EQ(theme->get("logo").as_string(), "b.png");
  EXPECT_EQ(theme->get("menu").get("Home").as_string(), "/home");
  EXPECT_EQ(theme->get("menu").get("Archives").as_string(), "/archives");
  EXPECT_EQ(theme->get("menu").get("About").as_string(), "/about");
}

TEST(LoadThemeConfig, NoFilesGivesEmptyObject) {
  TempDir dir;
  auto site = load_site_config(dir.path());
  ASSERT_TRUE(site.has_value());
  auto theme = load_theme_config(dir.path(), dir.path() / "themes" / "none", "none", *site);
  ASSERT_TRUE(theme.has_value());
  EXPECT_TRUE(theme->is_object());
  EXPECT_TRUE(theme->as_object().empty());
}

TEST(LoadSiteConfig, PluginSectionsAreShallowAssignedOverTheirDefaults) {
  TempDir dir;
  dir.write("_config.yml",
            "sitemap:\n  path: [only.xml]\nmarked:\n  external_link:\n    enable: true\nfeed: false\n"
            "skip_render: [a/**]\n");
  auto r = load_site_config(dir.path());
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->list("sitemap.path"), std::vector<std::string>{"only.xml"}); // replaced, not index-merged
  EXPECT_TRUE(r->flag("sitemap.tags"));
  EXPECT_TRUE(r->flag("marked.external_link.enable"));
  EXPECT_TRUE(r->get("marked.external_link.nofollow").is_undefined()); // nested objects are replaced whole
  EXPECT_TRUE(r->flag("marked.breaks"));
  EXPECT_EQ(r->str("feed.type"), "atom"); // a non-object section falls back to the defaults
  EXPECT_EQ(r->list("skip_render"), std::vector<std::string>{"a/**"});
}
