// `haven check`: broken links, missing images, missing post_link targets, duplicate abbrlinks and
// unreadable dates, each at file:line; `--external` only ever against a server on 127.0.0.1.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <thread>

#include "test_authoring_util.hpp"

namespace {

using namespace haven_test;

fs::path make_broken_site(const std::string& name) {
  fs::path site = temp_dir(name);
  write(site / "_config.yml",
        "title: t\ntimezone: UTC\npost_asset_folder: true\n"
        "theme_config:\n  menu:\n    home: /\n    friends: /friends/\n");
  write(site / "source/_posts/坏链接.md",
        "---\ntitle: 坏链接\ndate: 2025-02-01 10:00:00\n---\n"
        "第一行。\n"                                   // line 5
        "\n"
        "见 [不存在的页面](/no/such/page/)。\n"          // line 7: broken link
        "\n"
        "![一张图](/images/nope.png)\n"                 // line 9: missing image
        "\n"
        "还有 {% post_link no-such-post %}。\n"          // line 11: missing post_link target
        "\n"
        "```\n{% post_link inside-code-is-fine %} [x](/also/fine/in/code/)\n```\n"
        "[好的链接](/about/) [编码的](/tags/%E5%85%A5%E9%97%A8/) {% post_link good %}\n");
  write(site / "source/_posts/good.md", "---\ntitle: Good\ndate: 2025-01-01 10:00:00\ntags: [入门]\n---\nfine\n");
  write(site / "source/about/index.md", "---\ntitle: About\n---\nabout\n");
  return site;
}

TEST(AuthoringCheck, FindsEachKindOfBrokenLinkAtFileAndLine) {
  fs::path site = make_broken_site("check-broken");
  auto r = run("check " + site.string());
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_TRUE(contains(r.out, "source/_posts/坏链接.md:7:")) << r.out;
  EXPECT_TRUE(contains(r.out, "link \"/no/such/page/\" points to nothing")) << r.out;
  EXPECT_TRUE(contains(r.out, "source/_posts/坏链接.md:9:")) << r.out;
  EXPECT_TRUE(contains(r.out, "image \"/images/nope.png\" points to nothing")) << r.out;
  EXPECT_TRUE(contains(r.out, "source/_posts/坏链接.md:11:4:")) << r.out;  // column in code points
  EXPECT_TRUE(contains(r.out, "post_link target \"no-such-post\" does not exist")) << r.out;
  // The theme's menu link is traced to the config line that holds it.
  EXPECT_TRUE(contains(r.out, "_config.yml:7:")) << r.out;
  EXPECT_TRUE(contains(r.out, "link \"/friends/\"")) << r.out;
  // Code blocks, encoded links to existing pages and a good post_link are fine.
  EXPECT_FALSE(contains(r.out, "inside-code-is-fine")) << r.out;
  EXPECT_FALSE(contains(r.out, "/also/fine/in/code/")) << r.out;
  EXPECT_FALSE(contains(r.out, "%E5%85%A5")) << r.out;
  EXPECT_FALSE(contains(r.out, "\"/about/\"")) << r.out;
  EXPECT_TRUE(contains(r.out, "^")) << r.out;  // carets under the spot
  EXPECT_TRUE(contains(r.out, "check: 4 problems in 2 files (2 broken links, 1 missing image, 1 missing post_link target)")) << r.out;
  EXPECT_FALSE(fs::exists(site / "public"));  // the check build goes to a temporary folder
  fs::remove_all(site);
}

TEST(AuthoringCheck, DuplicateAbbrlinksAndUnreadableDates) {
  fs::path site = temp_dir("check-front");
  write(site / "_config.yml", "title: t\npermalink: posts/:abbrlink/\n");
  write(site / "source/_posts/a.md", "---\ntitle: A\ndate: not a date\nabbrlink: 123\n---\n[ok](/posts/123/)\n");
  write(site / "source/_posts/b.md", "---\ntitle: B\ndate: 2025-03-01\nabbrlink: 123\n---\n[gone](/posts/999/)\n");
  auto r = run("check " + site.string());
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_TRUE(contains(r.out, "source/_posts/a.md:3:7: error: date \"not a date\" cannot be read")) << r.out;
  EXPECT_TRUE(contains(r.out, "source/_posts/b.md:4:1: error: abbrlink 123 is also the abbrlink of source/_posts/a.md")) << r.out;
  EXPECT_TRUE(contains(r.out, "source/_posts/a.md:4:1: note: first used here")) << r.out;
  // The duplicate makes the real build fail; links are still checked on a scratch copy.
  EXPECT_TRUE(contains(r.out, "source/_posts/b.md:6:")) << r.out;
  EXPECT_TRUE(contains(r.out, "link \"/posts/999/\"")) << r.out;
  EXPECT_EQ(read(site / "source/_posts/b.md"), "---\ntitle: B\ndate: 2025-03-01\nabbrlink: 123\n---\n[gone](/posts/999/)\n");
  fs::remove_all(site);
}

TEST(AuthoringCheck, RelativeImageInTheAssetFolderGetsAHint) {
  fs::path site = temp_dir("check-asset");
  write(site / "_config.yml", "title: t\npost_asset_folder: true\n");
  write(site / "source/_posts/p.md", "---\ntitle: P\ndate: 2025-01-01\n---\n![](x.png)\n\n{% asset_img x.png %}\n");
  write(site / "source/_posts/p/x.png", "PNG");
  auto r = run("check " + site.string());
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_TRUE(contains(r.out, "source/_posts/p.md:5:5:")) << r.out;
  EXPECT_TRUE(contains(r.out, "x.png is in the post's asset folder")) << r.out;
  EXPECT_TRUE(contains(r.out, "1 problem in 1 file")) << r.out;  // the asset_img one resolves
  fs::remove_all(site);
}

TEST(AuthoringCheck, ExternalLinksOnlyAgainstLoopback) {
  httplib::Server server;
  // cpp-httplib answers HEAD with the GET handler, without the body.
  server.Get("/ok", [](const httplib::Request&, httplib::Response& res) { res.set_content("ok", "text/plain"); });
  server.Get("/gone", [](const httplib::Request&, httplib::Response& res) { res.status = 404; });
  int port = server.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  std::thread thread([&] { server.listen_after_bind(); });
  for (int i = 0; i < 200 && !server.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_TRUE(server.is_running());

  fs::path site = temp_dir("check-external");
  std::string base = "http://127.0.0.1:" + std::to_string(port);
  write(site / "_config.yml", "title: t\n");
  write(site / "source/_posts/ext.md",
        "---\ntitle: E\ndate: 2025-01-01\n---\n[ok](" + base + "/ok)\n\n[gone](" + base + "/gone)\n");
  auto without = run("check " + site.string());
  EXPECT_EQ(without.status, 0) << without.out;  // no network without --external

  auto r = run("check --external --host-interval 0 --timeout 2 " + site.string());
  server.stop();
  thread.join();
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_TRUE(contains(r.out, "source/_posts/ext.md:7:")) << r.out;
  EXPECT_TRUE(contains(r.out, "/gone\" answers HTTP 404")) << r.out;
  EXPECT_FALSE(contains(r.out, "/ok\" answers")) << r.out;
  fs::remove_all(site);
}

} // namespace
