// Bad input fails the build with file:line:col, and the previous output stays intact.
#include "site_test_util.hpp"

#include "site/output.hpp"

#include <fstream>
#include <functional>

namespace haven::testing {
namespace {

class BuildErrors : public ::testing::Test {
protected:
  void SetUp() override {
    write_text(site() / "_config.yml", "title: T\nurl: https://example.org\n");
    write_text(site() / "source/_posts/good.md", "---\ntitle: Good\ndate: 2024-01-01 10:00:00\n---\nHello\n");
    ASSERT_TRUE(build().has_value());
    m_before = list_files(out());
    m_good_html = read_text(out() / "2024/01/01/good/index.html");
    ASSERT_FALSE(m_good_html.empty());
  }
  fs::path site() const { return m_dir.path() / "site"; }
  fs::path out() const { return m_dir.path() / "site/public"; }
  std::expected<site::BuildReport, std::vector<base::Diagnostic>> build() {
    site::BuildOptions o;
    o.site_dir = site();
    o.process_zone = "UTC";
    return site::build_site(o);
  }
  void expect_output_untouched() {
    EXPECT_EQ(list_files(out()), m_before);
    EXPECT_EQ(read_text(out() / "2024/01/01/good/index.html"), m_good_html);
    // no staging folder left behind
    for (auto& e : fs::directory_iterator(site())) EXPECT_EQ(e.path().filename().string().find(".haven-"), std::string::npos);
  }
  TempDir m_dir;
  std::set<std::string> m_before;
  std::string m_good_html;
};

TEST_F(BuildErrors, BrokenYamlNamesTheFileLineAndColumn) {
  write_text(site() / "source/_posts/bad.md", "---\ntitle: ok\ntags:\n  - a\n - b\n---\nbody\n");
  auto r = build();
  ASSERT_FALSE(r.has_value());
  ASSERT_EQ(r.error().size(), 1u);
  const auto& d = r.error()[0];
  EXPECT_EQ(d.where.path, "source/_posts/bad.md");
  EXPECT_EQ(d.where.line, 5u);
  EXPECT_GT(d.where.column, 0u);
  std::string shown = text::format_diagnostic(d);
  EXPECT_NE(shown.find("source/_posts/bad.md:5:"), std::string::npos) << shown;
  EXPECT_NE(shown.find("^"), std::string::npos) << shown;
  expect_output_untouched();
}

TEST_F(BuildErrors, InvalidUtf8IsAnErrorAtTheByte) {
  write_text(site() / "source/_posts/bin.md", "---\ntitle: x\n---\nline one\nbad \xff\xfe here\n");
  auto r = build();
  ASSERT_FALSE(r.has_value());
  const auto& d = r.error()[0];
  EXPECT_EQ(d.where.path, "source/_posts/bin.md");
  EXPECT_EQ(d.where.line, 5u);
  EXPECT_EQ(d.where.column, 5u);
  EXPECT_NE(d.message.find("UTF-8"), std::string::npos);
  expect_output_untouched();
}

TEST_F(BuildErrors, PermalinkWithDotDotIsRefused) {
  write_text(site() / "source/_posts/escape.md", "---\ntitle: x\npermalink: ../../etc/evil/\n---\nbody\n");
  auto r = build();
  ASSERT_FALSE(r.has_value());
  const auto& d = r.error()[0];
  EXPECT_EQ(d.where.path, "source/_posts/escape.md");
  EXPECT_EQ(d.where.line, 3u);
  EXPECT_EQ(d.where.column, 1u);
  EXPECT_FALSE(fs::exists(m_dir.path() / "etc"));
  expect_output_untouched();
}

TEST_F(BuildErrors, TwoSourcesForOneOutputNameBothFiles) {
  write_text(site() / "source/_posts/a.md", "---\ntitle: A\npermalink: same/\n---\nA\n");
  write_text(site() / "source/_posts/b.md", "---\ntitle: B\npermalink: same/\n---\nB\n");
  auto r = build();
  ASSERT_FALSE(r.has_value());
  const auto& msg = r.error()[0].message;
  EXPECT_NE(msg.find("source/_posts/a.md"), std::string::npos) << msg;
  EXPECT_NE(msg.find("source/_posts/b.md"), std::string::npos) << msg;
  expect_output_untouched();
}

TEST_F(BuildErrors, UnchangedFilesAreNotRewritten) {
  auto before = fs::last_write_time(out() / "2024/01/01/good/index.html");
  auto r = build();
  ASSERT_TRUE(r.has_value()) << describe(r.error());
  EXPECT_EQ(r->stats.files_written, 0u);
  EXPECT_EQ(r->stats.files_unchanged, r->stats.files_total);
  EXPECT_EQ(fs::last_write_time(out() / "2024/01/01/good/index.html"), before);
}

TEST_F(BuildErrors, ChangedFilesAreWrittenNotCountedAsRemoved) {
  // without the search index, whose shard names follow their content
  write_text(site() / "_config.yml", "title: T\nurl: https://example.org\nhaven_search: false\n");
  ASSERT_TRUE(build().has_value());
  write_text(site() / "source/_posts/good.md", "---\ntitle: Good\ndate: 2024-01-01 10:00:00\n---\nHello again\n");
  auto r = build();
  ASSERT_TRUE(r.has_value()) << describe(r.error());
  EXPECT_GT(r->stats.files_written, 0u);
  EXPECT_EQ(r->stats.files_removed, 0u);
  fs::remove(site() / "source/_posts/good.md");
  r = build();
  ASSERT_TRUE(r.has_value()) << describe(r.error());
  EXPECT_GE(r->stats.files_removed, 1u);  // the post's page at least
  EXPECT_FALSE(fs::exists(out() / "2024/01/01/good/index.html"));
}

// The first build (no manifest yet) fingerprints its inputs from the bytes it read: a rewrite that
// keeps the file's size, inode and mtime (two saves in one clock tick) is still seen.
TEST_F(BuildErrors, SameSizeRewriteInOneClockTickIsRebuilt) {
  fs::path post = site() / "source/_posts/good.md";
  auto mtime = fs::last_write_time(post);
  {
    std::ofstream f(post, std::ios::in | std::ios::out | std::ios::binary);  // in place: same inode
    f.seekp(static_cast<std::streamoff>(std::string("---\ntitle: Good\ndate: 2024-01-01 10:00:00\n---\n").size()));
    f << "Jello";
  }
  fs::last_write_time(post, mtime);
  auto r = build();
  ASSERT_TRUE(r.has_value()) << describe(r.error());
  EXPECT_GT(r->stats.files_written, 0u);
  EXPECT_NE(read_text(out() / "2024/01/01/good/index.html").find("Jello"), std::string::npos);
}

// A first build's fingerprint describes the sources that build found and read: a post added or
// removed while it runs (here right after its load phase) makes the next build run again.
TEST_F(BuildErrors, SourcesAddedOrRemovedDuringAFirstBuildAreSeenByTheNext) {
  auto first_build_that_edits = [&](std::function<void()> edit) {
    fs::remove_all(out());
    fs::remove(site::manifest_path(out()));
    site::BuildOptions o;
    o.site_dir = site();
    o.process_zone = "UTC";
    o.on_phase = [&](std::string_view phase) { if (phase == "load") edit(); };
    auto r = site::build_site(o);
    ASSERT_TRUE(r.has_value()) << describe(r.error());
  };
  fs::path added = site() / "source/_posts/added.md";
  first_build_that_edits([&] { write_text(added, "---\ntitle: Added\ndate: 2024-02-01 10:00:00\n---\nNew\n"); });
  EXPECT_FALSE(fs::exists(out() / "2024/02/01/added/index.html"));
  auto r = build();
  ASSERT_TRUE(r.has_value()) << describe(r.error());
  EXPECT_GT(r->stats.files_written, 0u);
  EXPECT_TRUE(fs::exists(out() / "2024/02/01/added/index.html"));

  first_build_that_edits([&] { fs::remove(added); });
  EXPECT_TRUE(fs::exists(out() / "2024/02/01/added/index.html"));
  r = build();
  ASSERT_TRUE(r.has_value()) << describe(r.error());
  EXPECT_FALSE(fs::exists(out() / "2024/02/01/added/index.html"));
}

} // namespace
} // namespace haven::testing
