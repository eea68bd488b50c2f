// Build-time spacing between CJK and Latin text (src/site/typography.cpp).
#include <gtest/gtest.h>

#include "site/typography.hpp"

namespace haven::site {
namespace {

TEST(SpaceCjkLatin, BothDirections) {
  EXPECT_EQ(space_cjk_latin("<p>中文English混排</p>"), "<p>中文 English 混排</p>");
  EXPECT_EQ(space_cjk_latin("用Haven构建2025年"), "用 Haven 构建 2025 年");
  EXPECT_EQ(space_cjk_latin("ひらがなとABCとカタカナ"), "ひらがなと ABC とカタカナ");
  EXPECT_EQ(space_cjk_latin("Café在这里"), "Café 在这里");
}

TEST(SpaceCjkLatin, LeavesPunctuationAndExistingSpaces) {
  EXPECT_EQ(space_cjk_latin("中文 English 混排"), "中文 English 混排");
  EXPECT_EQ(space_cjk_latin("“Hexo”与（C++）"), "“Hexo”与（C++）");
  EXPECT_EQ(space_cjk_latin("版本：v1。"), "版本：v1。");
  EXPECT_EQ(space_cjk_latin("a&amp;中"), "a&amp;中");
  EXPECT_EQ(space_cjk_latin("中&nbsp;A"), "中&nbsp;A");
}

TEST(SpaceCjkLatin, NeverTouchesCodeScriptsOrAttributes) {
  EXPECT_EQ(space_cjk_latin("<pre><code>中文abc</code></pre>"), "<pre><code>中文abc</code></pre>");
  EXPECT_EQ(space_cjk_latin("<p>用<code>std::vector容器</code>吧</p>"), "<p>用<code>std::vector容器</code>吧</p>");
  EXPECT_EQ(space_cjk_latin("<script>var s='中文abc';</script>"), "<script>var s='中文abc';</script>");
  EXPECT_EQ(space_cjk_latin("<style>.a::before{content:'中a'}</style>"), "<style>.a::before{content:'中a'}</style>");
  EXPECT_EQ(space_cjk_latin("<a title=\"中文abc\" href=\"/标签a/\">链接b</a>"), "<a title=\"中文abc\" href=\"/标签a/\">链接 b</a>");
  EXPECT_EQ(space_cjk_latin("<!-- 中文abc -->"), "<!-- 中文abc -->");
  EXPECT_EQ(space_cjk_latin("<PRE>中a</PRE>中a"), "<PRE>中a</PRE>中 a");
  EXPECT_EQ(space_cjk_latin("<textarea>中a</textarea>"), "<textarea>中a</textarea>");
}

TEST(SpaceCjkLatin, AcrossInlineElements) {
  EXPECT_EQ(space_cjk_latin("中文<a href=\"#\">Link</a>"), "中文 <a href=\"#\">Link</a>");
  EXPECT_EQ(space_cjk_latin("<em>强调</em>English"), "<em>强调</em> English");
  EXPECT_EQ(space_cjk_latin("中文<strong><em>Bold</em></strong>"), "中文 <strong><em>Bold</em></strong>");
  EXPECT_EQ(space_cjk_latin("<b>A</b></p><p>中"), "<b>A</b></p><p>中");
  EXPECT_EQ(space_cjk_latin("中<br>A"), "中<br>A");
}

TEST(SpaceCjkLatin, Idempotent) {
  std::string once = space_cjk_latin("<p>中文English<a>链接Link</a>2025年</p>");
  EXPECT_EQ(once, "<p>中文 English <a>链接 Link</a>2025 年</p>");
  EXPECT_EQ(space_cjk_latin(once), once);
}

} // namespace
} // namespace haven::site
