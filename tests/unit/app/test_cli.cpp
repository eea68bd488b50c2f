// The `haven` binary end to end: exit codes, messages, and the example blog.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;

struct Run {
  int status;
  std::string out;  // stdout and stderr together
};

Run run(const std::string& args) {
  std::string cmd = std::string(HAVEN_BINARY) + " " + args + " 2>&1";
  Run r{0, {}};
  FILE* p = ::popen(cmd.c_str(), "r");
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = ::pclose(p);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

fs::path temp_dir(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("haven-cli-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

TEST(Cli, VersionAndHelp) {
  auto v = run("version");
  EXPECT_EQ(v.status, 0);
  EXPECT_NE(v.out.find("haven "), std::string::npos);
  auto h = run("--help");
  EXPECT_EQ(h.status, 0);
  EXPECT_NE(h.out.find("build"), std::string::npos);
  EXPECT_NE(h.out.find("serve"), std::string::npos);
}

TEST(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(run("frobnicate").status, 2);
  EXPECT_EQ(run("build --no-such-flag").status, 2);
  EXPECT_EQ(run("build /definitely/not/here").status, 2);
}

TEST(Cli, BuildsTheExampleBlogWithTheSeedPostAtItsAbbrlink) {
  fs::path out = temp_dir("example");
  auto r = run("build " + std::string(HAVEN_SOURCE_DIR) + "/examples/blog -o " + out.string());
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("Built "), std::string::npos) << r.out;
  std::ifstream in(out / "posts/31466/index.html");
  std::string html((std::istreambuf_iterator<char>(in)), {});
  EXPECT_NE(html.find("依恋：心之所向，安然归处"), std::string::npos);
  EXPECT_TRUE(fs::exists(out / "index.html"));
  EXPECT_TRUE(fs::exists(out / "atom.xml"));
  fs::remove_all(out);
}

TEST(Cli, MetricsListEveryPhaseWithWallAndCpuTimeAndTheCounts) {
  fs::path site = temp_dir("metrics");
  write(site / "_config.yml", "title: t\n");
  write(site / "source/_posts/a.md", "---\ntitle: 一\n---\n正文\n");
  write(site / "source/_posts/b.md", "---\ntitle: two\n---\nbody\n");
  auto r = run("build " + site.string() + " --metrics");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("phase"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cores busy"), std::string::npos) << r.out;
  for (const char* phase : {"config", "discover", "load", "markdown", "render", "write"}) {
    // "  NAME   12.3 ms   45.6 ms  1.23": the phase, its wall time, its CPU time and the ratio
    size_t at = r.out.find(std::string("\n  ") + phase + " ");
    ASSERT_NE(at, std::string::npos) << phase << "\n" << r.out;
    std::string line = r.out.substr(at + 1, r.out.find('\n', at + 1) - at - 1);
    double wall = -1, cpu = -1, busy = -1;
    char name[32];
    ASSERT_EQ(std::sscanf(line.c_str(), " %31s %lf ms %lf ms %lf", name, &wall, &cpu, &busy), 4) << line;
    EXPECT_GE(wall, 0) << line;
    EXPECT_GE(cpu, 0) << line;
  }
  EXPECT_NE(r.out.find("counts: 2 posts, 0 pages, 2 bodies rendered"), std::string::npos) << r.out;
  fs::remove_all(site);
}

TEST(Cli, BrokenFrontMatterExitsOneWithFileLineColumn) {
  fs::path site = temp_dir("broken");
  write(site / "_config.yml", "title: t\n");
  write(site / "source/_posts/坏.md", "---\ntitle: 标题: 依恋: x\n---\nbody\n");
  auto r = run("build " + site.string());
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("source/_posts/坏.md:2:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("^"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(site / "public"));
  fs::remove_all(site);
}

} // namespace
