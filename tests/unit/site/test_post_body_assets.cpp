// The KaTeX and mermaid files embedded from npm (src/assets) and the tags pages with math or
// diagrams get. Needs scripts/install-assets to have run before cmake.
#include <gtest/gtest.h>

#include <algorithm>

#include "assets/assets.hpp"

namespace haven::assets {
namespace {

bool has(const std::vector<Asset>& list, std::string_view route) {
  return std::any_of(list.begin(), list.end(), [&](const Asset& a) { return a.route == route && !a.bytes.empty(); });
}

TEST(ContentAssets, OnlyWhatIsUsed) {
  ASSERT_TRUE(available(true, true)) << "run scripts/install-assets, then cmake again";
  EXPECT_TRUE(content_assets(false, false).empty());
  auto math = content_assets(true, false);
  EXPECT_TRUE(has(math, "lib/katex/katex.min.css"));
  EXPECT_TRUE(has(math, "lib/katex/katex.min.js"));
  EXPECT_TRUE(has(math, "lib/katex/contrib/auto-render.min.js"));
  EXPECT_TRUE(has(math, "lib/katex/fonts/KaTeX_Main-Regular.woff2"));
  EXPECT_TRUE(has(math, "lib/katex/haven-math.js"));
  EXPECT_FALSE(has(math, "lib/mermaid/mermaid.min.js"));
  auto diagrams = content_assets(false, true);
  EXPECT_TRUE(has(diagrams, "lib/mermaid/mermaid.min.js"));
  EXPECT_TRUE(has(diagrams, "lib/mermaid/haven-mermaid.js"));
  EXPECT_FALSE(has(diagrams, "lib/katex/katex.min.js"));
  // the embedded bytes are the npm files themselves
  auto css = std::find_if(math.begin(), math.end(), [](const Asset& a) { return a.route == "lib/katex/katex.min.css"; });
  EXPECT_NE(css->bytes.find(".katex"), std::string_view::npos);
  for (const Asset& a : math) EXPECT_EQ(a.route.find(".woff\""), std::string_view::npos);
}

TEST(ContentAssets, HeadTagsFollowRoot) {
  text::UrlOptions urls;
  urls.root = "/blog/";
  EXPECT_EQ(head_tags(false, false, urls), "");
  EXPECT_EQ(head_tags(true, false, urls),
            "<link rel=\"stylesheet\" href=\"/blog/lib/katex/katex.min.css\"><script defer "
            "src=\"/blog/lib/katex/katex.min.js\"></script><script defer src=\"/blog/lib/katex/haven-math.js\"></script>");
  EXPECT_EQ(head_tags(false, true, urls),
            "<script defer src=\"/blog/lib/mermaid/mermaid.min.js\"></script><script defer "
            "src=\"/blog/lib/mermaid/haven-mermaid.js\"></script>");
}

} // namespace
} // namespace haven::assets
