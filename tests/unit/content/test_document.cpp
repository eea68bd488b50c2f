// Posts: front-matter semantics, abbrlinks, permalinks, taxonomies (spec §3, §5, §7, §11.1).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "content/document.hpp"
#include "content/sources.hpp"
#include "content/glob.hpp"
#include "content/taxonomy.hpp"

namespace haven::content {
namespace {

namespace fs = std::filesystem;

class Posts : public ::testing::Test {
protected:
  Posts() {
    m_dir = fs::temp_directory_path() / ("haven-content-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(m_dir);
    fs::create_directories(m_dir / "source/_posts");
  }
  ~Posts() override { fs::remove_all(m_dir); }

  config::SiteConfig config(const std::string& yaml = "") {
    std::ofstream(m_dir / "_config.yml") << yaml;
    auto c = config::load_site_config(m_dir);
    EXPECT_TRUE(c.has_value());
    return *c;
  }

  Document load(const std::string& rel, const std::string& text, const config::SiteConfig& cfg) {
    fs::path abs = m_dir / "source" / rel;
    fs::create_directories(abs.parent_path());
    std::ofstream(abs, std::ios::binary) << text;
    SourceFile f{rel, abs, rel.starts_with("_posts/") ? SourceKind::Post : SourceKind::Page};
    auto doc = load_document(f, cfg, {"UTC", "", 0});
    EXPECT_TRUE(doc.has_value()) << (doc ? "" : doc.error().message);
    return doc ? *doc : Document{};
  }

  std::string path_of(const Document& doc, const config::SiteConfig& cfg) {
    auto p = compute_path(doc, cfg, {"UTC", "", 0});
    return p ? *p : "ERROR: " + p.error().message;
  }

  fs::path m_dir;
};

TEST_F(Posts, SlugIsTheFilePathUnderPosts) {
  auto cfg = config();
  EXPECT_EQ(load("_posts/notes/sub-dir-post.md", "---\ntitle: x\n---\n", cfg).slug, "notes/sub-dir-post");
  EXPECT_EQ(load("_posts/依恋：心之所向，安然归处.md", "---\ntitle: x\n---\n", cfg).slug, "依恋：心之所向，安然归处");
  EXPECT_EQ(load("_posts/UPPER Name.md", "---\ntitle: x\nslug: ignored\n---\n", cfg).slug, "UPPER Name");
}

TEST_F(Posts, TagsFollowHexo) {
  auto cfg = config();
  auto doc = load("_posts/a.md", "---\ntags: [b, 2024, '', b, \"a, b\"]\n---\n", cfg);
  EXPECT_EQ(doc.tags, (std::vector<std::string>{"b", "2024", "a, b"}));
  EXPECT_EQ(load("_posts/b.md", "---\ntag: solo\n---\n", cfg).tags, (std::vector<std::string>{"solo"}));
  EXPECT_EQ(load("_posts/c.md", "---\ntags: x\ntag: y\n---\n", cfg).tags, (std::vector<std::string>{"x"}));
}

TEST_F(Posts, CategoryListIsOneHierarchyUnlessNested) {
  auto cfg = config();
  using H = std::vector<std::vector<std::string>>;
  EXPECT_EQ(load("_posts/a.md", "---\ncategories: Notes\n---\n", cfg).categories, (H{{"Notes"}}));
  EXPECT_EQ(load("_posts/b.md", "---\ncategories: [A, B]\n---\n", cfg).categories, (H{{"A", "B"}}));
  EXPECT_EQ(load("_posts/c.md", "---\ncategories: [[Tech, C++], [Life]]\n---\n", cfg).categories,
            (H{{"Tech", "C++"}, {"Life"}}));
  EXPECT_EQ(load("_posts/d.md", "---\ncategories: [[Tech, Web, Frontend], Notes]\n---\n", cfg).categories,
            (H{{"Tech", "Web", "Frontend"}, {"Notes"}}));
  EXPECT_TRUE(load("_posts/e.md", "---\ncategories:\n---\n", cfg).categories.empty());
}

TEST_F(Posts, PublishedLayoutAndComments) {
  auto cfg = config();
  auto a = load("_posts/a.md", "---\npublished: false\nlayout: false\ncomments: false\n---\n", cfg);
  EXPECT_FALSE(a.published);
  EXPECT_TRUE(a.layout.empty());
  EXPECT_FALSE(a.comments);
  auto b = load("_posts/b.md", "---\ntitle: b\n---\n", cfg);
  EXPECT_TRUE(b.published);
  EXPECT_EQ(b.layout, "post");
  EXPECT_EQ(load("about/index.md", "---\ntitle: About\n---\n", cfg).layout, "page");
}

TEST_F(Posts, AbbrlinkIsCrc16OfTheTitleAndClashesMoveUp) {
  auto cfg = config();
  auto seed = load("_posts/seed.md", "---\ntitle: 依恋：心之所向，安然归处\n---\n", cfg);
  auto a = load("_posts/a.md", "---\ntitle: Duplicate Title\n---\n", cfg);
  auto b = load("_posts/b.md", "---\ntitle: Duplicate Title\n---\n", cfg);
  auto kept = load("_posts/k.md", "---\ntitle: Kept\nabbrlink: 18477\n---\n", cfg);
  std::vector<Document*> posts{&seed, &a, &b, &kept};
  assign_abbrlinks(posts, cfg);
  EXPECT_EQ(seed.abbrlink, "31466");
  EXPECT_EQ(a.abbrlink, "18476");
  // 18477 is taken by a value written in a file, so the clash moves on to 18478
  EXPECT_EQ(b.abbrlink, "18478");
  EXPECT_EQ(kept.abbrlink, "18477");
  EXPECT_EQ(seed.front.get("abbrlink").as_number(), 31466);
}

TEST_F(Posts, Crc32HexAbbrlinks) {
  auto cfg = config("abbrlink:\n  alg: crc32\n  rep: hex\n");
  auto seed = load("_posts/seed.md", "---\ntitle: 依恋：心之所向，安然归处\n---\n", cfg);
  auto a = load("_posts/a.md", "---\ntitle: Duplicate Title\n---\n", cfg);
  auto b = load("_posts/b.md", "---\ntitle: Duplicate Title\n---\n", cfg);
  std::vector<Document*> posts{&seed, &a, &b};
  assign_abbrlinks(posts, cfg);
  EXPECT_EQ(seed.abbrlink, "9b5415da");
  EXPECT_EQ(a.abbrlink, "ee884699");
  EXPECT_EQ(b.abbrlink, "ee88469a");
}

TEST_F(Posts, PermalinkVariables) {
  auto cfg = config("permalink: :year/:month/:day/:i_month/:i_day/:hour/:minute/:second/:title/:name/:post_title/\n");
  auto doc = load("_posts/notes/Hello World.md", "---\ntitle: Hello World!\ndate: 2024-01-05 08:09:07\n---\n", cfg);
  EXPECT_EQ(path_of(doc, cfg), "2024/01/05/1/5/08/09/07/notes/Hello World/Hello World/hello-world/");
}

TEST_F(Posts, PermalinkHashTimestampCategoryAndFrontMatterKeys) {
  auto cfg = config("permalink: :category/:hash/:timestamp/:abbrlink/:lang/\ncategory_map:\n  编程: programming\n");
  auto doc = load("_posts/hello-world.md",
                  "---\ntitle: Hello World\ndate: 2024-01-15 10:00:00\ncategories: [编程, 入门]\nabbrlink: 7\n---\n", cfg);
  EXPECT_EQ(path_of(doc, cfg), "programming/入门/e2daf9da536e/1705312800/7/undefined/");
  auto none = load("_posts/n.md", "---\ntitle: n\ndate: 2024-01-15 10:00:00\n---\n", cfg);
  EXPECT_TRUE(path_of(none, cfg).starts_with("uncategorized/"));
}

TEST_F(Posts, FrontMatterPermalinkOverrides) {
  auto on = config("post_asset_folder: true\n");
  EXPECT_EQ(path_of(load("_posts/a.md", "---\npermalink: custom/my-page/\n---\n", on), on), "custom/my-page/");
  EXPECT_EQ(path_of(load("_posts/b.md", "---\npermalink: custom/page.html\n---\n", on), on), "custom/page.html");
  EXPECT_EQ(path_of(load("_posts/c.md", "---\npermalink: /custom/noslash\n---\n", on), on), "custom/noslash/");
  auto off = config("post_asset_folder: false\n");
  EXPECT_EQ(path_of(load("_posts/d.md", "---\npermalink: /custom/noslash\n---\n", off), off), "custom/noslash");
}

TEST_F(Posts, PagePaths) {
  auto cfg = config();
  EXPECT_EQ(path_of(load("about/index.md", "---\ntitle: a\n---\n", cfg), cfg), "about/index.html");
  EXPECT_EQ(path_of(load("404.md", "---\ntitle: a\n---\n", cfg), cfg), "404.html");
  EXPECT_EQ(path_of(load("p.md", "---\npermalink: /perm-page/\n---\n", cfg), cfg), "perm-page/index.html");
  EXPECT_EQ(path_of(load("q.md", "---\npermalink: perm-page2\n---\n", cfg), cfg), "perm-page2.html");
}

TEST_F(Posts, DotDotInAPermalinkIsAnErrorAtTheKey) {
  auto cfg = config();
  auto doc = load("_posts/x.md", "---\ntitle: x\npermalink: a/../../b/\n---\n", cfg);
  auto p = compute_path(doc, cfg, {"UTC", "", 0});
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().where.line, 3u);
  EXPECT_EQ(p.error().where.path, "source/_posts/x.md");
}

TEST_F(Posts, RouteToFile) {
  EXPECT_EQ(route_to_file(""), "index.html");
  EXPECT_EQ(route_to_file("/a/b/"), "a/b/index.html");
  EXPECT_EQ(route_to_file("a/page.html?x=1"), "a/page.html");
  EXPECT_EQ(route_to_file("custom/noslash"), "custom/noslash");
}

TEST_F(Posts, TaxonomiesUseMapsAndNestCategories) {
  auto cfg = config("tag_map:\n  中文标签: zh-tag\ncategory_map:\n  编程: programming\nfilename_case: 1\n");
  auto a = load("_posts/a.md", "---\ntags: [中文标签, Hexo]\ncategories: [编程, 入门]\n---\n", cfg);
  auto b = load("_posts/b.md", "---\ntags: [hexo]\ncategories: [编程]\n---\n", cfg);
  auto t = build_taxonomies({&a, &b}, cfg);
  ASSERT_EQ(t.tags.size(), 3u);
  EXPECT_EQ(t.tags[0].path, "tags/zh-tag/");
  EXPECT_EQ(t.tags[0].name, "中文标签");
  EXPECT_EQ(t.tags[1].path, "tags/hexo/");  // filename_case: 1 lowers; "Hexo" and "hexo" share it
  EXPECT_EQ(t.tags[2].path, "tags/hexo/");
  ASSERT_EQ(t.categories.size(), 2u);
  EXPECT_EQ(t.categories[0].path, "categories/programming/");
  EXPECT_EQ(t.categories[1].path, "categories/programming/入门/");
  EXPECT_EQ(t.categories[0].posts, (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(t.categories[1].posts, (std::vector<uint32_t>{0}));
}

TEST(Glob, HexoStylePatterns) {
  EXPECT_TRUE(glob_match("static/**", "static/raw.html"));
  EXPECT_TRUE(glob_match("static/**", "static/a/b/c.js"));
  EXPECT_FALSE(glob_match("static/**", "statics/x"));
  EXPECT_TRUE(glob_match("*.md", "a.md"));
  EXPECT_FALSE(glob_match("*.md", "dir/a.md"));
  EXPECT_TRUE(glob_match("**/*.md", "dir/a.md"));
  EXPECT_TRUE(glob_match("**/*.md", "a.md"));
  EXPECT_TRUE(glob_match("{a,b}/*.txt", "b/x.txt"));
  EXPECT_TRUE(glob_match("file?.[ch]", "file1.c"));
}

// What discover_sources keeps of each kind of file, and their paths relative to source/ (cut
// from the walked paths' text: with and without a trailing slash on the folder).
TEST_F(Posts, DiscoverSourcesClassifiesEveryFile) {
  const auto cfg = config("");
  for (const char* rel : {"_posts/a.b.md", "_posts/n.markdown", "_posts/x.", "_posts/notes.txt", "_posts/.hidden.md",
                          "_posts/sub/deep.md", "_drafts/d.md", "_data/menu.yml", "_data/skip.txt", "about/index.md",
                          "README", ".htaccess", "css/site.css", "backup.md~", "page.html"}) {
    fs::path abs = m_dir / "source" / rel;
    fs::create_directories(abs.parent_path());
    std::ofstream(abs) << "x";
  }
  const std::vector<std::pair<std::string, SourceKind>> expected = {
      {"README", SourceKind::Asset},        {"_data/menu.yml", SourceKind::Data},  {"_drafts/d.md", SourceKind::Draft},
      {"_posts/a.b.md", SourceKind::Post},  {"_posts/n.markdown", SourceKind::Post}, {"_posts/sub/deep.md", SourceKind::Post},
      {"about/index.md", SourceKind::Page}, {"css/site.css", SourceKind::Asset},    {"page.html", SourceKind::Page}};
  for (const fs::path& dir : {m_dir / "source", fs::path((m_dir / "source").string() + "/")}) {
    std::vector<std::pair<std::string, SourceKind>> found;
    for (const auto& f : discover_sources(dir, cfg)) {
      found.emplace_back(f.rel, f.kind);
      EXPECT_EQ(f.abs, fs::path(dir.string() + (dir.string().ends_with('/') ? "" : "/") + f.rel));
    }
    EXPECT_EQ(found, expected) << dir;
  }
}

} // namespace
} // namespace haven::content
