// `haven list post|page|tag|category|route` on a temporary site with Chinese names.
#include <gtest/gtest.h>

#include <sstream>
#include <vector>

#include "test_authoring_util.hpp"
#include "text/utf8.hpp"

namespace {

using namespace haven_test;

fs::path make_list_site(const std::string& name) {
  fs::path site = temp_dir(name);
  write(site / "_config.yml", "title: t\ntimezone: UTC\npermalink: posts/:abbrlink/\n");
  write(site / "source/_posts/依恋.md",
        "---\ntitle: 依恋：心之所向，安然归处\ndate: 2025-11-07 12:22:09\ntags: [情感, 心理学]\ncategories: [生活, 心理]\n---\nx\n");
  write(site / "source/_posts/hello.md",
        "---\ntitle: Hello World\ndate: 2024-01-15 10:00:00\ntags: [心理学, C++]\ncategories: [Tech]\n---\ny\n");
  write(site / "source/_posts/hidden.md", "---\ntitle: Hidden\ndate: 2024-02-01 00:00:00\npublished: false\n---\nz\n");
  write(site / "source/_drafts/草稿.md", "---\ntitle: 草稿\ndate: 2024-03-01 00:00:00\n---\nd\n");
  write(site / "source/about/index.md", "---\ntitle: 关于\ndate: 2024-01-01 00:00:00\n---\na\n");
  return site;
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Display column where `needle` starts in `line` (CJK counts 2), npos when absent.
size_t column_of(const std::string& line, const std::string& needle) {
  size_t at = line.find(needle);
  return at == std::string::npos ? std::string::npos : haven::text::display_width(line.substr(0, at));
}

TEST(AuthoringList, PostsAreATableAlignedByDisplayWidth) {
  fs::path site = make_list_site("list-post");
  auto r = run("list post " + site.string(), "COLUMNS=200");
  ASSERT_EQ(r.status, 0) << r.out;
  auto lines = lines_of(r.out);
  ASSERT_GE(lines.size(), 6u) << r.out;
  EXPECT_TRUE(lines[0].starts_with("Date")) << r.out;
  // Published first, by date; then the unpublished post and the draft.
  size_t hello = r.out.find("Hello World"), seed = r.out.find("依恋：心之所向，安然归处"), hidden = r.out.find("Hidden");
  ASSERT_NE(hello, std::string::npos);
  ASSERT_NE(seed, std::string::npos);
  ASSERT_NE(hidden, std::string::npos);
  EXPECT_LT(hello, seed);
  EXPECT_LT(seed, hidden);
  EXPECT_TRUE(contains(r.out, "/posts/31466/")) << r.out;
  EXPECT_TRUE(contains(r.out, "/posts/16107/")) << r.out;
  EXPECT_TRUE(contains(r.out, "生活 > 心理")) << r.out;
  EXPECT_TRUE(contains(r.out, "draft")) << r.out;
  EXPECT_TRUE(contains(r.out, "4 posts (2 not published)")) << r.out;
  // The URL column starts at the same display column on every row, CJK titles included.
  size_t url_col = column_of(lines[0], "URL");
  ASSERT_NE(url_col, std::string::npos);
  EXPECT_EQ(column_of(lines[2], "/posts/16107/"), url_col) << r.out;
  EXPECT_EQ(column_of(lines[3], "/posts/31466/"), url_col) << r.out;
  fs::remove_all(site);
}

TEST(AuthoringList, NarrowTerminalCutsWideColumns) {
  fs::path site = make_list_site("list-narrow");
  auto r = run("list post " + site.string(), "COLUMNS=40");
  ASSERT_EQ(r.status, 0) << r.out;
  auto lines = lines_of(r.out);
  size_t checked = 0;
  for (const auto& line : lines) {
    if (line.empty()) continue;
    EXPECT_LE(haven::text::display_width(line), 40u) << line;
    ++checked;
  }
  EXPECT_GE(checked, 5u);
  EXPECT_TRUE(contains(r.out, "…")) << r.out;
  // Source, categories and tags go first, so titles and URLs stay.
  EXPECT_TRUE(lines[0].starts_with("Date")) << r.out;
  EXPECT_TRUE(contains(lines[0], "Title")) << r.out;
  EXPECT_FALSE(contains(lines[0], "Source")) << r.out;
  EXPECT_FALSE(contains(lines[0], "Tags")) << r.out;
  fs::remove_all(site);
}

TEST(AuthoringList, PagesTagsCategoriesAndRoutes) {
  fs::path site = make_list_site("list-other");
  auto pages = run("list page " + site.string(), "COLUMNS=200");
  ASSERT_EQ(pages.status, 0) << pages.out;
  EXPECT_TRUE(contains(pages.out, "关于")) << pages.out;
  EXPECT_TRUE(contains(pages.out, "/about/index.html")) << pages.out;
  EXPECT_TRUE(contains(pages.out, "1 page")) << pages.out;

  auto tags = run("list tag " + site.string(), "COLUMNS=200");
  ASSERT_EQ(tags.status, 0) << tags.out;
  auto tag_lines = lines_of(tags.out);
  ASSERT_GE(tag_lines.size(), 5u) << tags.out;
  EXPECT_TRUE(contains(tags.out, "/tags/%E5%BF%83%E7%90%86%E5%AD%A6/") || contains(tags.out, "/tags/心理学/")) << tags.out;
  // 心理学 has two posts; the unpublished post's tags are not counted.
  bool found = false;
  for (const auto& l : tag_lines) {
    if (l.starts_with("心理学")) {
      found = true;
      EXPECT_EQ(column_of(l, "2"), column_of(tag_lines[0], "Posts")) << tags.out;
    }
  }
  EXPECT_TRUE(found) << tags.out;
  EXPECT_TRUE(contains(tags.out, "3 tags")) << tags.out;

  auto cats = run("list category " + site.string(), "COLUMNS=200");
  ASSERT_EQ(cats.status, 0) << cats.out;
  EXPECT_TRUE(contains(cats.out, "\n生活")) << cats.out;
  EXPECT_TRUE(contains(cats.out, "\n  心理")) << cats.out;  // a child, indented under its parent
  EXPECT_TRUE(contains(cats.out, "/categories/生活/心理/")) << cats.out;

  auto routes = run("list route " + site.string());
  ASSERT_EQ(routes.status, 0) << routes.out;
  routes.out = "\n" + routes.out;
  EXPECT_TRUE(contains(routes.out, "\nindex.html\n")) << routes.out;
  EXPECT_TRUE(contains(routes.out, "\nposts/31466/index.html\n")) << routes.out;
  EXPECT_TRUE(contains(routes.out, "\nabout/index.html\n")) << routes.out;
  EXPECT_FALSE(contains(routes.out, "Hidden")) << routes.out;
  EXPECT_FALSE(fs::exists(site / "public"));  // listing routes writes nothing into the site

  EXPECT_EQ(run("list nonsense " + site.string()).status, 2);
  fs::remove_all(site);
}

} // namespace
