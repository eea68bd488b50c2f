#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "markdown/markdown.hpp"

namespace haven::markdown {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string seed_body() {
  std::string md = read(HAVEN_SHARED_DIR "/fixtures/seed/000_f466e366f9a77db7.md");
  size_t end = md.find("\n---\n", 4);
  return end == std::string::npos ? std::string() : md.substr(end + 5);
}

// post.content of the seed page as real Hexo rendered it (landscape's article-entry block).
std::string expected_seed_content() {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(HAVEN_SHARED_DIR) / "fixtures/hexo-basic.expected/2025/11/07";
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::string page = read((entry.path() / "index.html").string());
    std::string marker = "itemprop=\"articleBody\">\n      \n        ";
    size_t start = page.find(marker);
    if (start == std::string::npos) return {};
    start += marker.size();
    size_t end = page.find("\n      \n    </div>", start);
    if (end == std::string::npos) return {};
    return page.substr(start, end - start);
  }
  return {};
}

TEST(Seed, MatchesHexoContentByteForByte) {
  std::string body = seed_body();
  std::string expected = expected_seed_content();
  ASSERT_FALSE(body.empty());
  ASSERT_FALSE(expected.empty());
  Rendered r = render(body, {});
  // Hexo's post.content has no trailing newline after the last </p>; ours ends with one.
  std::string html = r.html;
  while (!html.empty() && html.back() == '\n') html.pop_back();
  while (!expected.empty() && expected.back() == '\n') expected.pop_back();
  EXPECT_EQ(html, expected);
  ASSERT_EQ(r.headings.size(), 4u);
  EXPECT_EQ(r.headings[0].id, "依恋的本能：心底最深的安全港湾");
  EXPECT_EQ(r.headings[0].level, 3);
}

TEST(Seed, RenderThroughput) {
  std::string body = seed_body();
  constexpr int k_runs = 1000;  // enough for a stable per-document figure, under a second
  size_t total = 0;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < k_runs; ++i) total += render(body, {}).html.size();
  auto elapsed = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  EXPECT_GT(total, 0u);
  std::printf("seed post: %.4f ms per render (%d renders)\n", elapsed / k_runs, k_runs);
}

} // namespace
} // namespace haven::markdown
