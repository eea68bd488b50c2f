// Site::rebuild after edits (what `haven serve` does on save): a body-only edit is patched into
// the kept plan, anything else takes the full path, and either way the output must be exactly
// what a fresh build of the same files gives.
#include <gtest/gtest.h>

#include <algorithm>

#include "site/site.hpp"
#include "site_test_util.hpp"

namespace haven::testing {
namespace {

using site::Site;

class IncrementalTest : public ::testing::Test {
protected:
  void SetUp() override {
    write_text(dir() / "_config.yml",
               "title: Incremental\nurl: https://blog.example.com\nper_page: 2\nhaven_search: false\n"
               "feed:\n  type: atom\nsitemap:\n  path: sitemap.xml\n");
    for (int i = 1; i <= 5; ++i) {
      std::string body = i % 2 ? fmt::format("开头 {}\n\n<!-- more -->\n\n正文 {}\n", i, i)   // with an excerpt
                               : fmt::format("## 标题 {}\n\n没有摘要的正文 {}\n", i, i);      // lists show the content
      write_text(post(i), fmt::format("---\ntitle: 文章 {}\ndate: 2024-01-0{} 10:00:00\ntags: [t{}, common]\n"
                                      "categories: [c{}]\n---\n{}",
                                      i, i, i % 2, i % 3, body));
    }
    write_text(dir() / "source/about/index.md", "---\ntitle: 关于\n---\n关于本站\n");
  }

  const fs::path& dir() const { return m_tmp.path(); }
  fs::path post(int i) const { return dir() / fmt::format("source/_posts/p{}.md", i); }
  site::BuildOptions options() const {
    site::BuildOptions o;
    o.site_dir = dir();
    o.process_zone = "Asia/Shanghai";
    o.now_ms = 1.8e12;  // fixed, so two builds agree
    return o;
  }

  static bool took_full_path(const site::BuildReport& r) {
    return std::any_of(r.stats.phases.begin(), r.stats.phases.end(), [](const auto& p) { return p.name == "discover"; });
  }

  // Every output file's bytes equal those of a fresh build of the site as it is on disk now.
  void expect_same_as_fresh_build(const Site& incremental) {
    Site fresh(options());
    auto r = fresh.build();
    ASSERT_TRUE(r) << describe(r.error());
    const auto& a = incremental.outputs();
    const auto& b = fresh.outputs();
    ASSERT_EQ(a.size(), b.size());
    for (const auto& [path, file] : b) {
      auto it = a.find(path);
      ASSERT_NE(it, a.end()) << path;
      if (file.copy_from.empty()) {
        EXPECT_EQ(it->second.bytes(), file.bytes()) << path;
      }
    }
  }

  void edit(const fs::path& file, std::string_view from, std::string_view to) {
    std::string text = read_text(file);
    auto at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    write_text(file, text);
  }

  TempDir m_tmp;
};

TEST_F(IncrementalTest, BodyEditIsPatchedAndMatchesAFreshBuild) {
  Site s(options());
  ASSERT_TRUE(s.build());
  edit(post(3), "正文 3", "改过的正文 3");
  auto r = s.rebuild({post(3)});
  ASSERT_TRUE(r) << describe(r.error());
  EXPECT_FALSE(took_full_path(*r));
  EXPECT_EQ(r->stats.bodies_rendered, 1u);
  EXPECT_EQ(r->stats.pages_rendered, 1u);  // the excerpt is unchanged: only the post's own page
  auto page = std::find(s.changed_outputs().begin(), s.changed_outputs().end(), "2024/01/03/p3/index.html");
  EXPECT_NE(page, s.changed_outputs().end());
  EXPECT_NE(s.outputs().at("2024/01/03/p3/index.html").bytes().find("改过的正文 3"), std::string::npos);
  expect_same_as_fresh_build(s);
}

TEST_F(IncrementalTest, BodyEditOfAPostWithoutExcerptRendersTheListsShowingIt) {
  Site s(options());
  ASSERT_TRUE(s.build());
  edit(post(4), "没有摘要的正文 4", "新的正文 4");
  auto r = s.rebuild({post(4)});
  ASSERT_TRUE(r) << describe(r.error());
  EXPECT_FALSE(took_full_path(*r));
  EXPECT_GT(r->stats.pages_rendered, 1u);  // its page, and the index/archive/tag/category pages
  EXPECT_NE(s.outputs().at("index.html").bytes().find("新的正文 4"), std::string::npos);
  expect_same_as_fresh_build(s);
  // a second patch on top of the first
  edit(post(4), "新的正文 4", "再改一次 4");
  ASSERT_TRUE(s.rebuild({post(4)}));
  expect_same_as_fresh_build(s);
}

TEST_F(IncrementalTest, TitleEditIsPatchedWithTheListsAndNeighboursShowingIt) {
  for (int i = 1; i <= 5; ++i) edit(post(i), "\n---\n", fmt::format("\nabbrlink: {}\n---\n", 100 + i));
  Site s(options());
  ASSERT_TRUE(s.build());
  edit(post(3), "title: 文章 3", "title: 改名的文章");
  auto r = s.rebuild({post(3)});
  ASSERT_TRUE(r) << describe(r.error());
  EXPECT_FALSE(took_full_path(*r));
  EXPECT_GT(r->stats.pages_rendered, 3u);  // its page, both neighbours (prev/next), the lists
  EXPECT_NE(s.outputs().at("2024/01/04/p4/index.html").bytes().find("改名的文章"), std::string::npos);
  expect_same_as_fresh_build(s);
}

TEST_F(IncrementalTest, TitleEditOfAPostLinkTargetRendersTheLinkingBody) {
  for (int i = 1; i <= 5; ++i) edit(post(i), "\n---\n", fmt::format("\nabbrlink: {}\n---\n", 100 + i));
  edit(post(1), "正文 1", "正文 1，见 {% post_link p2 %}");
  Site s(options());
  ASSERT_TRUE(s.build());
  edit(post(2), "title: 文章 2", "title: 链接的目标");
  auto r = s.rebuild({post(2)});
  ASSERT_TRUE(r) << describe(r.error());
  EXPECT_NE(s.outputs().at("2024/01/01/p1/index.html").bytes().find("链接的目标"), std::string::npos);
  expect_same_as_fresh_build(s);
}

TEST_F(IncrementalTest, TagOrTitleEditWithAComputedAbbrlinkTakesTheFullPath) {
  Site s(options());
  ASSERT_TRUE(s.build());
  edit(post(1), "tags: [t1, common]", "tags: [t1]");
  auto tags = s.rebuild({post(1)});
  ASSERT_TRUE(tags) << describe(tags.error());
  EXPECT_TRUE(took_full_path(*tags));
  expect_same_as_fresh_build(s);
  edit(post(2), "title: 文章 2", "title: 新标题");
  auto r = s.rebuild({post(2)});
  ASSERT_TRUE(r) << describe(r.error());
  EXPECT_TRUE(took_full_path(*r));
  expect_same_as_fresh_build(s);
  // and a body edit after a full rebuild is patched again
  edit(post(2), "没有摘要的正文 2", "正文已改 2");
  auto again = s.rebuild({post(2)});
  ASSERT_TRUE(again) << describe(again.error());
  EXPECT_FALSE(took_full_path(*again));
  expect_same_as_fresh_build(s);
}

TEST_F(IncrementalTest, NewFilesAndPagesOfOtherKindsTakeTheFullPath) {
  Site s(options());
  ASSERT_TRUE(s.build());
  write_text(dir() / "source/_posts/p6.md", "---\ntitle: 新文章\ndate: 2024-02-01 10:00:00\n---\n新的\n");
  auto r = s.rebuild({dir() / "source/_posts/p6.md"});
  ASSERT_TRUE(r) << describe(r.error());
  EXPECT_TRUE(took_full_path(*r));
  fs::remove(post(5));
  r = s.rebuild({post(5)});
  ASSERT_TRUE(r) << describe(r.error());
  EXPECT_TRUE(took_full_path(*r));
  expect_same_as_fresh_build(s);
}

TEST_F(IncrementalTest, SearchIndexIsPatchedWithTheEditedPosts) {
  edit(dir() / "_config.yml", "haven_search: false", "haven_search: true");
  for (int i = 1; i <= 5; ++i) edit(post(i), "\n---\n", fmt::format("\nabbrlink: {}\n---\n", 100 + i));
  Site s(options());
  ASSERT_TRUE(s.build());
  ASSERT_TRUE(s.outputs().count("search/index.json"));
  edit(post(3), "正文 3", "改过的正文 3 独一无二的词");
  auto r = s.rebuild({post(3)});
  ASSERT_TRUE(r) << describe(r.error());
  EXPECT_FALSE(took_full_path(*r));
  expect_same_as_fresh_build(s);  // the same index files, none left over from the previous index
  edit(post(3), "title: 文章 3", "title: 新的标题");
  r = s.rebuild({post(3)});
  ASSERT_TRUE(r) << describe(r.error());
  EXPECT_FALSE(took_full_path(*r));
  expect_same_as_fresh_build(s);
}

TEST_F(IncrementalTest, ChangedPathsAreFoundThroughASymlinkedSiteFolder) {
  // the watcher reports real paths; the site may have been opened through a link
  TempDir links;
  fs::create_directory_symlink(dir(), links.path() / "blog");
  site::BuildOptions o = options();
  o.site_dir = links.path() / "blog";
  Site s(o);
  ASSERT_TRUE(s.build());
  edit(post(3), "正文 3", "改过的正文 3");
  auto r = s.rebuild({fs::canonical(post(3))});
  ASSERT_TRUE(r) << describe(r.error());
  EXPECT_FALSE(took_full_path(*r));
  EXPECT_EQ(r->stats.bodies_rendered, 1u);
}

TEST_F(IncrementalTest, AFailedPatchKeepsTheLastGoodSiteAndRecovers) {
  Site s(options());
  ASSERT_TRUE(s.build());
  std::string before = s.outputs().at("2024/01/03/p3/index.html").bytes();
  edit(post(3), "正文 3", "{% post_link no-such-post %}");
  auto bad = s.rebuild({post(3)});
  ASSERT_FALSE(bad);
  EXPECT_NE(describe(bad.error()).find("p3.md"), std::string::npos) << describe(bad.error());
  EXPECT_EQ(s.outputs().at("2024/01/03/p3/index.html").bytes(), before);
  edit(post(3), "{% post_link no-such-post %}", "修好了 3，见 {% post_link p1 %}");
  auto good = s.rebuild({post(3)});
  ASSERT_TRUE(good) << describe(good.error());
  EXPECT_NE(s.outputs().at("2024/01/03/p3/index.html").bytes().find("修好了 3"), std::string::npos);
  expect_same_as_fresh_build(s);
}

}  // namespace
}  // namespace haven::testing
