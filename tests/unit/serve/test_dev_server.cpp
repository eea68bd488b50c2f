// `haven serve`: pages from memory, incremental rebuilds with counters, live-reload events,
// the error overlay and recovery, and refusal of paths outside the site.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <fmt/format.h>

#include <future>
#include <regex>
#include <set>
#include <thread>

#include "serve/dev_server.hpp"

namespace haven::serve {
namespace {

namespace fs = std::filesystem;

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

class DevServerTest : public ::testing::Test {
protected:
  void SetUp() override {
    m_dir = fs::temp_directory_path() / ("haven-serve-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(m_dir);
    write(m_dir / "_config.yml", "title: Serve\nurl: http://127.0.0.1\nper_page: 2\n");
    for (int i = 1; i <= 5; ++i) {
      write(m_dir / fmt::format("source/_posts/p{}.md", i),
            fmt::format("---\ntitle: Post {}\ndate: 2024-01-0{} 10:00:00\ntags: [t{}]\n---\nIntro {}.\n<!-- more -->\nBody {}.\n", i, i, i % 2, i, i));
    }
    write(m_dir / "source/about/index.md", "---\ntitle: 关于\n---\n你好\n");
  }
  void TearDown() override {
    if (m_server) m_server->stop();
    if (m_thread.joinable()) m_thread.join();
    m_server.reset();
    fs::remove_all(m_dir);
  }
  void start(bool watch = false) {
    DevServerOptions o;
    o.build.site_dir = m_dir;
    o.build.process_zone = "UTC";
    o.port = 0;
    o.watch = watch;
    auto s = DevServer::create(std::move(o));
    ASSERT_TRUE(s.has_value());
    m_server = std::move(*s);
    std::promise<std::string> ready;
    auto url = ready.get_future();
    m_thread = std::thread([&] { m_server->run([&](const std::string& u) { ready.set_value(u); }); });
    std::smatch m;
    std::string u = url.get();
    ASSERT_TRUE(std::regex_search(u, m, std::regex(":(\\d+)/")));
    m_port = std::stoi(m[1]);
  }
  httplib::Result get(const std::string& path) {
    httplib::Client c("127.0.0.1", m_port);
    return c.Get(path);
  }
  fs::path m_dir;
  std::unique_ptr<DevServer> m_server;
  std::thread m_thread;
  int m_port = 0;
};

TEST_F(DevServerTest, ServesPagesWithPrettyUrlsAndCjkPaths) {
  start();
  auto home = get("/");
  ASSERT_TRUE(home);
  EXPECT_EQ(home->status, 200);
  EXPECT_NE(home->get_header_value("Content-Type").find("text/html"), std::string::npos);
  EXPECT_NE(home->body.find("/__haven/live.js"), std::string::npos);  // live reload injected
  auto about = get("/about");
  ASSERT_TRUE(about);
  EXPECT_EQ(about->status, 302);  // folder → trailing slash
  EXPECT_EQ(get("/about/")->status, 200);
  EXPECT_EQ(get("/tags/t1/")->status, 200);
  EXPECT_EQ(get("/css/haven.css")->get_header_value("Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(get("/nope/")->status, 404);
}

TEST_F(DevServerTest, RefusesTraversal) {
  write(m_dir / "secret.txt", "secret");
  start();
  for (const char* p : {"/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/css/..%2f..%2fsecret.txt"}) {
    auto r = get(p);
    ASSERT_TRUE(r) << p;
    EXPECT_NE(r->status, 200) << p;
    EXPECT_EQ(r->body.find("secret"), std::string::npos) << p;
  }
}

TEST_F(DevServerTest, SymlinkOutOfTheSiteIsRefused) {
  fs::path outside = m_dir.parent_path() / (m_dir.filename().string() + "-outside.txt");
  write(outside, "outside secret");
  fs::create_symlink(outside, m_dir / "source/leak.txt");
  start();
  auto r = get("/leak.txt");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  fs::remove(outside);
}

TEST_F(DevServerTest, EditingAPostBodyRendersOnlyItsPage) {
  start();
  write(m_dir / "source/_posts/p1.md", "---\ntitle: Post 1\ndate: 2024-01-01 10:00:00\ntags: [t1]\n---\nIntro 1.\n<!-- more -->\nBody EDITED.\n");
  BuildEvent e = m_server->rebuild({m_dir / "source/_posts/p1.md"});
  ASSERT_TRUE(e.ok) << e.summary;
  auto status = get("/__haven/status");
  ASSERT_TRUE(status);
  // only the post's own page: its excerpt (shown on lists) did not change
  EXPECT_NE(status->body.find("\"pages_rendered\":1,"), std::string::npos) << status->body;
  EXPECT_NE(status->body.find("\"bodies_rendered\":1,"), std::string::npos) << status->body;
  EXPECT_NE(get("/2024/01/01/p1/")->body.find("Body EDITED."), std::string::npos);
}

TEST_F(DevServerTest, ChangingATitleRendersTheListsThatShowIt) {
  start();
  write(m_dir / "source/_posts/p5.md", "---\ntitle: Renamed\ndate: 2024-01-05 10:00:00\ntags: [t1]\n---\nIntro 5.\n<!-- more -->\nBody 5.\n");
  BuildEvent e = m_server->rebuild({m_dir / "source/_posts/p5.md"});
  ASSERT_TRUE(e.ok) << e.summary;
  std::smatch m;
  std::string body = get("/__haven/status")->body;
  ASSERT_TRUE(std::regex_search(body, m, std::regex("\"pages_rendered\":(\\d+)")));
  int rendered = std::stoi(m[1]);
  // its page, its neighbour (prev/next title), the first index page, archives, its tag page …
  EXPECT_GE(rendered, 4);
  // … but not everything: there are 20+ pages
  EXPECT_LT(rendered, 14) << body;
  EXPECT_NE(get("/")->body.find("Renamed"), std::string::npos);
  EXPECT_NE(get("/2024/01/04/p4/")->body.find("Renamed"), std::string::npos);  // next-post link
}

TEST_F(DevServerTest, ReloadEventNamesTheChangedPage) {
  start();
  std::string stream;
  std::atomic<bool> got{false};
  std::thread listener([&] {
    httplib::Client c("127.0.0.1", m_port);
    c.set_read_timeout(5, 0);
    c.Get("/__haven/events", [&](const char* data, size_t len) {
      stream.append(data, len);
      if (stream.find("event: reload") != std::string::npos) {
        got = true;
        return false;
      }
      return true;
    });
  });
  // wait for the stream to open
  for (int i = 0; i < 100 && stream.find("hello") == std::string::npos; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  write(m_dir / "source/_posts/p2.md", "---\ntitle: Post 2\ndate: 2024-01-02 10:00:00\n---\nNew body.\n");
  m_server->rebuild({m_dir / "source/_posts/p2.md"});
  listener.join();
  EXPECT_TRUE(got);
  EXPECT_NE(stream.find("/2024/01/02/p2/index.html"), std::string::npos) << stream;
}

TEST_F(DevServerTest, BrokenYamlShowsAnOverlayAndTheLastGoodSiteStays) {
  start();
  write(m_dir / "source/_posts/p3.md", "---\ntitle: [unclosed\ndate: 2024-01-03\n---\nx\n");
  BuildEvent bad = m_server->rebuild({m_dir / "source/_posts/p3.md"});
  EXPECT_FALSE(bad.ok);
  EXPECT_NE(bad.summary.find("source/_posts/p3.md:"), std::string::npos) << bad.summary;
  std::string status = get("/__haven/status")->body;
  EXPECT_NE(status.find("source/_posts/p3.md:"), std::string::npos) << status;
  EXPECT_EQ(get("/2024/01/03/p3/")->status, 200);  // last good version still served
  write(m_dir / "source/_posts/p3.md", "---\ntitle: Fixed\ndate: 2024-01-03\n---\nx\n");
  BuildEvent good = m_server->rebuild({m_dir / "source/_posts/p3.md"});
  EXPECT_TRUE(good.ok) << good.summary;
  EXPECT_NE(get("/__haven/status")->body.find("\"error\":\"\""), std::string::npos);
  EXPECT_NE(get("/2024/01/03/p3/")->body.find("Fixed"), std::string::npos);
}

TEST_F(DevServerTest, WatcherPicksUpAnEditorSave) {
  start(/*watch=*/true);
  // vim-style save: write a temp file, then rename it over the post
  write(m_dir / "source/_posts/.p4.md.swp", "junk");
  write(m_dir / "source/_posts/p4.md.tmp-save", "---\ntitle: Saved By Editor\ndate: 2024-01-04 10:00:00\n---\nx\n");
  fs::rename(m_dir / "source/_posts/p4.md.tmp-save", m_dir / "source/_posts/p4.md");
  bool seen = false;
  for (int i = 0; i < 200 && !seen; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto r = get("/2024/01/04/p4/");
    seen = r && r->body.find("Saved By Editor") != std::string::npos;
  }
  EXPECT_TRUE(seen);
}

TEST(OutputPath, PrettyUrlsAndRefusals) {
  std::set<std::string> files{"index.html", "a/index.html", "b.html", "c", "x/y.css"};
  auto exists = [&](const std::string& p) { return files.count(p) > 0; };
  bool slash = false;
  EXPECT_EQ(output_path_for("/", exists), "index.html");
  EXPECT_EQ(output_path_for("/a/", exists), "a/index.html");
  EXPECT_EQ(output_path_for("/a", exists, &slash), "a/index.html");
  EXPECT_TRUE(slash);
  EXPECT_EQ(output_path_for("/b", exists), "b.html");
  EXPECT_EQ(output_path_for("/c", exists), "c");
  EXPECT_EQ(output_path_for("/../etc/passwd", exists), std::nullopt);
  EXPECT_EQ(output_path_for("/x/../x/y.css", exists), std::nullopt);
  EXPECT_EQ(output_path_for(std::string_view("/a\0b", 4), exists), std::nullopt);
}

} // namespace
} // namespace haven::serve
