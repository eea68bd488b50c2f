// `haven init`, `new`, `publish` and `abbrlink` end to end on fresh temporary sites.
#include <gtest/gtest.h>

#include <regex>

#include "test_authoring_util.hpp"

namespace {

using namespace haven_test;

// A minimal site: config lines `extra` appended, Hexo's three scaffolds.
fs::path make_site(const std::string& name, const std::string& extra = "") {
  fs::path site = temp_dir(name);
  write(site / "_config.yml", "title: t\ntimezone: UTC\n" + extra);
  write(site / "scaffolds/post.md", "---\ntitle: {{ title }}\ndate: {{ date }}\ntags:\n---\n");
  write(site / "scaffolds/page.md", "---\ntitle: {{ title }}\ndate: {{ date }}\n---\n");
  write(site / "scaffolds/draft.md", "---\ntitle: {{ title }}\ntags:\n---\n");
  return site;
}

const std::regex k_date_line(R"(\ndate: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\n)");

TEST(AuthoringInit, CreatesASiteThatBuildsAndChecksClean) {
  fs::path root = temp_dir("init");
  fs::path site = root / "blog";
  auto r = run("init " + site.string());
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "Created a Haven site")) << r.out;
  for (const char* f : {"_config.yml", "scaffolds/post.md", "scaffolds/page.md", "scaffolds/draft.md",
                        "source/_posts/hello-haven.md", "source/about/index.md"}) {
    EXPECT_TRUE(fs::is_regular_file(site / f)) << f;
  }
  std::string config = read(site / "_config.yml");
  EXPECT_TRUE(contains(config, "theme: haven"));
  EXPECT_TRUE(contains(config, "# Where a post is published."));  // keys are explained
  EXPECT_FALSE(fs::exists(site / "themes"));                       // the theme is built in

  auto built = run("build " + site.string() + " -o " + (root / "out").string());
  ASSERT_EQ(built.status, 0) << built.out;
  EXPECT_TRUE(fs::is_regular_file(root / "out/2025/01/01/hello-haven/index.html"));
  EXPECT_TRUE(fs::is_regular_file(root / "out/about/index.html"));
  EXPECT_TRUE(fs::is_regular_file(root / "out/css/haven.css"));

  auto checked = run("check " + site.string());
  EXPECT_EQ(checked.status, 0) << checked.out;
  EXPECT_TRUE(contains(checked.out, "check: no problems")) << checked.out;
  fs::remove_all(root);
}

TEST(AuthoringInit, RefusesANonEmptyFolderAndCanEjectTheTheme) {
  fs::path root = temp_dir("init-busy");
  write(root / "busy/notes.txt", "mine");
  auto r = run("init " + (root / "busy").string());
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_TRUE(contains(r.out, "not an empty folder")) << r.out;
  EXPECT_EQ(read(root / "busy/notes.txt"), "mine");
  EXPECT_FALSE(fs::exists(root / "busy/_config.yml"));

  auto ejected = run("init " + (root / "ejected").string() + " --eject-theme");
  ASSERT_EQ(ejected.status, 0) << ejected.out;
  EXPECT_TRUE(fs::is_regular_file(root / "ejected/themes/haven/layout/post.njk"));
  auto built = run("build " + (root / "ejected").string() + " -o " + (root / "out").string());
  EXPECT_EQ(built.status, 0) << built.out;
  EXPECT_EQ(run("init").status, 2);
  fs::remove_all(root);
}

TEST(AuthoringNew, ChineseTitleKeepsItsCharactersAndFillsTheScaffold) {
  fs::path site = make_site("new-zh");
  auto r = run("new --site " + site.string() + " " + q("依恋：心之所向，安然归处"));
  ASSERT_EQ(r.status, 0) << r.out;
  fs::path file = site / "source/_posts/依恋：心之所向，安然归处.md";
  ASSERT_TRUE(fs::is_regular_file(file)) << r.out;
  EXPECT_TRUE(contains(r.out, "source/_posts/依恋：心之所向，安然归处.md")) << r.out;
  std::string text = read(file);
  EXPECT_TRUE(text.starts_with("---\ntitle: 依恋：心之所向，安然归处\n")) << text;
  EXPECT_TRUE(std::regex_search(text, k_date_line)) << text;
  EXPECT_FALSE(contains(text, "abbrlink")) << text;  // the permalink does not use one

  auto pinyin = run("new --site " + site.string() + " --slug pinyin " + q("你好，世界"));
  ASSERT_EQ(pinyin.status, 0) << pinyin.out;
  EXPECT_TRUE(fs::is_regular_file(site / "source/_posts/ni-hao-shi-jie.md")) << pinyin.out;
  EXPECT_TRUE(read(site / "source/_posts/ni-hao-shi-jie.md").starts_with("---\ntitle: 你好，世界\n"));

  // A title that YAML would misread is quoted; a colon-space title still round-trips.
  auto colon = run("new --site " + site.string() + " " + q("C++: 入门 #1"));
  ASSERT_EQ(colon.status, 0) << colon.out;
  EXPECT_TRUE(read(site / "source/_posts/C-入门-1.md").starts_with("---\ntitle: \"C++: 入门 #1\"\n"));

  // The build reads what `new` wrote: title and date as written.
  auto built = run("build " + site.string() + " -o " + (site / "out").string());
  ASSERT_EQ(built.status, 0) << built.out;
  EXPECT_TRUE(contains(built.out, "Built ")) << built.out;
  fs::remove_all(site);
}

TEST(AuthoringNew, RefusesToOverwriteUnlessReplace) {
  fs::path site = make_site("new-exists");
  write(site / "source/_posts/Hello-World.md", "---\ntitle: mine\n---\nkeep me\n");
  auto r = run("new --site " + site.string() + " " + q("Hello World"));
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_TRUE(contains(r.out, "source/_posts/Hello-World.md already exists")) << r.out;
  EXPECT_EQ(read(site / "source/_posts/Hello-World.md"), "---\ntitle: mine\n---\nkeep me\n");

  auto replaced = run("new --site " + site.string() + " --replace " + q("Hello World"));
  ASSERT_EQ(replaced.status, 0) << replaced.out;
  EXPECT_TRUE(read(site / "source/_posts/Hello-World.md").starts_with("---\ntitle: Hello World\n"));

  fs::path elsewhere = temp_dir("not-a-site");
  auto outside = run("new --site " + elsewhere.string() + " " + q("x"));
  EXPECT_EQ(outside.status, 1) << outside.out;
  EXPECT_TRUE(contains(outside.out, "not a site folder")) << outside.out;
  EXPECT_TRUE(fs::is_empty(elsewhere));
  fs::remove_all(elsewhere);

  EXPECT_EQ(run("new --site " + site.string() + " a b c").status, 2);
  EXPECT_EQ(run("new --site " + site.string()).status, 2);
  EXPECT_EQ(run("new --site " + site.string() + " " + q("!!!")).status, 2);  // empty file name
  fs::remove_all(site);
}

TEST(AuthoringNew, PageDraftPathAndNewPostName) {
  fs::path site = make_site("new-layouts", "new_post_name: :year/:title.md\n");
  ASSERT_EQ(run("new --site " + site.string() + " page " + q("关于 我")).status, 0);
  std::string page = read(site / "source/关于-我/index.md");
  EXPECT_TRUE(page.starts_with("---\ntitle: 关于 我\ndate: ")) << page;

  ASSERT_EQ(run("new --site " + site.string() + " draft " + q("Half an idea")).status, 0);
  EXPECT_EQ(read(site / "source/_drafts/Half-an-idea.md"), "---\ntitle: Half an idea\ntags:\n---\n");

  auto dated = run("new --site " + site.string() + " " + q("Dated"));
  ASSERT_EQ(dated.status, 0) << dated.out;
  EXPECT_TRUE(std::regex_search(dated.out, std::regex(R"(source/_posts/\d{4}/Dated\.md)"))) << dated.out;

  auto at_path = run("new --site " + site.string() + " --path notes/x " + q("By path"));
  ASSERT_EQ(at_path.status, 0) << at_path.out;
  EXPECT_TRUE(read(site / "source/_posts/notes/x.md").starts_with("---\ntitle: By path\n"));
  EXPECT_EQ(run("new --site " + site.string() + " --path ../../escape " + q("x")).status, 2);
  EXPECT_FALSE(fs::exists(site / "escape.md"));

  // A layout without a scaffold falls back to Hexo's built-in "normal" scaffold.
  ASSERT_EQ(run("new --site " + site.string() + " photo " + q("Sunset")).status, 0);
  std::string photo;
  for (const auto& e : fs::recursive_directory_iterator(site / "source/_posts")) {
    if (e.path().filename() == "Sunset.md") photo = read(e.path());
  }
  EXPECT_TRUE(photo.starts_with("---\nlayout: photo\ntitle: Sunset\ndate: ")) << photo;
  fs::remove_all(site);
}

TEST(AuthoringNew, AssignsAbbrlinksAsTheBuildDoesAndMakesTheAssetFolder) {
  fs::path site = make_site("new-abbrlink", "permalink: posts/:abbrlink/\npost_asset_folder: true\n");
  // An existing post stores 16107 (the CRC of "Hello World"); another computes 52890 unstored.
  write(site / "source/_posts/old.md", "---\ntitle: Old\nabbrlink: 16107\n---\nx\n");
  write(site / "source/_posts/unstored.md", "---\ntitle: 摘要优先级\n---\ny\n");

  auto seed = run("new --site " + site.string() + " " + q("依恋：心之所向，安然归处"));
  ASSERT_EQ(seed.status, 0) << seed.out;
  EXPECT_TRUE(contains(read(site / "source/_posts/依恋：心之所向，安然归处.md"), "\nabbrlink: 31466\n"));
  EXPECT_TRUE(fs::is_directory(site / "source/_posts/依恋：心之所向，安然归处")) << seed.out;

  auto hello = run("new --site " + site.string() + " " + q("Hello World"));
  ASSERT_EQ(hello.status, 0) << hello.out;
  EXPECT_TRUE(contains(hello.out, "abbrlink: 16108")) << hello.out;
  EXPECT_TRUE(contains(read(site / "source/_posts/Hello-World.md"), "\nabbrlink: 16108\n"));

  // A title whose CRC is what an unstored post computes does not take that post's URL.
  auto same = run("new --site " + site.string() + " --slug other " + q("摘要优先级"));
  ASSERT_EQ(same.status, 0) << same.out;
  EXPECT_TRUE(contains(read(site / "source/_posts/other.md"), "\nabbrlink: 52891\n"));

  // Drafts get theirs when published; pages never.
  ASSERT_EQ(run("new --site " + site.string() + " draft " + q("Later")).status, 0);
  EXPECT_FALSE(contains(read(site / "source/_drafts/Later.md"), "abbrlink"));

  auto built = run("build " + site.string() + " -o " + (site / "out").string());
  ASSERT_EQ(built.status, 0) << built.out;
  for (const char* p : {"out/posts/31466/index.html", "out/posts/16107/index.html", "out/posts/16108/index.html",
                        "out/posts/52890/index.html", "out/posts/52891/index.html"}) {
    EXPECT_TRUE(fs::is_regular_file(site / p)) << p;
  }
  fs::remove_all(site);
}

TEST(AuthoringPublish, MovesADraftWithItsAssetFolderAndDatesIt) {
  fs::path site = make_site("publish", "permalink: posts/:abbrlink/\npost_asset_folder: true\n");
  write(site / "source/_drafts/草稿.md", "---\r\ntitle: Tag Plugins\r\ntags: [a]\r\n---\r\nbody ![](x.png)\r\n");
  write(site / "source/_drafts/草稿/x.png", "PNG");

  auto r = run("publish --site " + site.string() + " 草稿");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_FALSE(fs::exists(site / "source/_drafts/草稿.md"));
  EXPECT_FALSE(fs::exists(site / "source/_drafts/草稿"));
  EXPECT_EQ(read(site / "source/_posts/草稿/x.png"), "PNG");
  std::string text = read(site / "source/_posts/草稿.md");
  // Only lines were added (CRLF kept); the rest is byte for byte the draft.
  EXPECT_TRUE(std::regex_match(text, std::regex("---\r\ntitle: Tag Plugins\r\ntags: \\[a\\]\r\n"
                                                 "date: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\r\nabbrlink: 12220\r\n"
                                                 "---\r\nbody !\\[\\]\\(x.png\\)\r\n")))
      << text;

  auto built = run("build " + site.string() + " -o " + (site / "out").string());
  ASSERT_EQ(built.status, 0) << built.out;
  EXPECT_TRUE(fs::is_regular_file(site / "out/posts/12220/index.html"));
  EXPECT_EQ(read(site / "out/posts/12220/x.png"), "PNG");
  fs::remove_all(site);
}

TEST(AuthoringPublish, MissingDraftAndExistingPostFailWithoutTouchingAnything) {
  fs::path site = make_site("publish-fail");
  write(site / "source/_drafts/a.md", "---\ntitle: A\ndate: 2024-01-01 00:00:00\n---\nx\n");
  write(site / "source/_posts/a.md", "---\ntitle: existing\n---\n");
  auto missing = run("publish --site " + site.string() + " nope");
  EXPECT_EQ(missing.status, 1) << missing.out;
  EXPECT_TRUE(contains(missing.out, "no draft \"nope\"")) << missing.out;
  EXPECT_TRUE(contains(missing.out, "drafts: a")) << missing.out;

  auto exists = run("publish --site " + site.string() + " a");
  EXPECT_EQ(exists.status, 1) << exists.out;
  EXPECT_TRUE(contains(exists.out, "already exists")) << exists.out;
  EXPECT_TRUE(fs::exists(site / "source/_drafts/a.md"));
  EXPECT_EQ(read(site / "source/_posts/a.md"), "---\ntitle: existing\n---\n");

  // --replace overwrites; --keep-date keeps the draft's own date (Hexo's behaviour).
  auto kept = run("publish --site " + site.string() + " --replace --keep-date a.md");
  ASSERT_EQ(kept.status, 0) << kept.out;
  EXPECT_EQ(read(site / "source/_posts/a.md"), "---\ntitle: A\ndate: 2024-01-01 00:00:00\n---\nx\n");
  EXPECT_EQ(run("publish --site " + site.string()).status, 2);
  fs::remove_all(site);
}

TEST(AuthoringAbbrlink, WriteChangesOnlyTheAbbrlinkLine) {
  fs::path site = make_site("abbrlink", "permalink: posts/:abbrlink/\n");
  const std::string crlf = "---\r\n# my comment\r\ntitle: Hello World\r\ntags: [x, y]\r\ndate: 2024-01-15 10:00:00\r\n---\r\nBody\r\n";
  const std::string zero = "---\ntitle: CRLF Line Endings\nabbrlink: 0\nlayout: post\n---\nz\n";
  const std::string bare = "no front matter\n";
  const std::string json = ";;;\n\"title\": \"Tag Plugins\"\n;;;\nj\n";
  const std::string stored = "---\ntitle: Kept\nabbrlink: 777\n---\nk\n";
  write(site / "source/_posts/crlf.md", crlf);
  write(site / "source/_posts/zero.md", zero);
  write(site / "source/_posts/bare.md", bare);
  write(site / "source/_posts/json.md", json);
  write(site / "source/_posts/stored.md", stored);

  auto dry = run("abbrlink " + site.string());
  ASSERT_EQ(dry.status, 0) << dry.out;
  EXPECT_TRUE(contains(dry.out, "source/_posts/crlf.md  abbrlink: 16107")) << dry.out;
  EXPECT_TRUE(contains(dry.out, "4 posts without a stored abbrlink")) << dry.out;
  EXPECT_EQ(read(site / "source/_posts/crlf.md"), crlf);  // nothing written without --write

  fs::path out = site / "out";
  ASSERT_EQ(run("build " + site.string() + " -o " + out.string()).status, 0);
  auto before = fs::directory_iterator(out / "posts");
  size_t routes_before = static_cast<size_t>(std::distance(before, fs::directory_iterator()));

  auto w = run("abbrlink --write " + site.string());
  ASSERT_EQ(w.status, 0) << w.out;
  EXPECT_EQ(read(site / "source/_posts/crlf.md"),
            "---\r\n# my comment\r\ntitle: Hello World\r\ntags: [x, y]\r\ndate: 2024-01-15 10:00:00\r\nabbrlink: 16107\r\n---\r\nBody\r\n");
  EXPECT_EQ(read(site / "source/_posts/zero.md"), "---\ntitle: CRLF Line Endings\nabbrlink: 3908\nlayout: post\n---\nz\n");
  EXPECT_EQ(read(site / "source/_posts/bare.md"), "---\nabbrlink: 0\n---\nno front matter\n");
  EXPECT_EQ(read(site / "source/_posts/json.md"), ";;;\n\"abbrlink\": 12220,\n\"title\": \"Tag Plugins\"\n;;;\nj\n");
  EXPECT_EQ(read(site / "source/_posts/stored.md"), stored);

  // The same URLs as before the write.
  for (const char* p : {"posts/16107/index.html", "posts/3908/index.html", "posts/12220/index.html", "posts/777/index.html"}) {
    EXPECT_TRUE(fs::is_regular_file(out / p)) << p;
  }
  ASSERT_EQ(run("build " + site.string() + " -o " + out.string()).status, 0);
  for (const char* p : {"posts/16107/index.html", "posts/3908/index.html", "posts/12220/index.html", "posts/777/index.html"}) {
    EXPECT_TRUE(fs::is_regular_file(out / p)) << p;
  }
  auto after = fs::directory_iterator(out / "posts");
  EXPECT_EQ(static_cast<size_t>(std::distance(after, fs::directory_iterator())), routes_before);
  fs::remove_all(site);
}

} // namespace
