#include <gtest/gtest.h>

#include "text/slug.hpp"

namespace haven::text {
namespace {

// Every row of spec §7.1.
TEST(Slugize, SpecTable) {
  struct Case {
    const char* input;
    const char* slug;
  };
  const Case cases[] = {
      {"Hello World", "Hello-World"},
      {"C++", "C"},
      {"C#", "C"},
      {"Node.js", "Node-js"},
      {"Déjà vu", "Deja-vu"},
      {"100%", "100"},
      {"a/b", "a-b"},
      {"  spaced  out  ", "spaced-out"},
      {"UPPER Case Tag", "UPPER-Case-Tag"},
      {"foo_bar", "foo-bar"},
      {"依恋", "依恋"},
      {"你好，世界", "你好，世界"},
      {"API 参考（v2）", "API-参考（v2）"},
      {"ÆØÅ straße", "AEOA-strase"},
      {"tab\there", "tabhere"},
      {"emoji 🚀 tag", "emoji-🚀-tag"},
      {"it's \"quoted\"", "it-s-quoted"},
      {"~`!@#$%^&*()-_+=[]{}|\\;:\"'<>,.?/", ""},
  };
  for (const Case& c : cases) EXPECT_EQ(slugize(c.input), c.slug) << c.input;
}

TEST(Slugize, MoreFolding) {
  struct Case {
    const char* input;
    const char* slug;
  };
  const Case cases[] = {
      {"Ａｂｃ", "Abc"},                // full-width Latin
      {"Crème Brûlée", "Creme-Brulee"},
      {"Łódź", "Lodz"},
      {"Œuvre", "OEuvre"},
      {"中文：标点", "中文：标点"},      // full-width colon kept
      {"a\u00A0b\u3000c", "a-b-c"},     // NBSP and ideographic space are \s
      {"a\nb", "ab"},                   // newline is a control character: deleted
      {"--a--b--", "a-b"},
      {"한국어 제목", "한국어-제목"},    // Hangul is not decomposed
      {"", ""},
  };
  for (const Case& c : cases) EXPECT_EQ(slugize(c.input), c.slug) << c.input;
}

TEST(Slugize, Transform) {
  EXPECT_EQ(slugize("UPPER Case Tag", 1), "upper-case-tag");
  EXPECT_EQ(slugize("Quick Start", 1), "quick-start");
  EXPECT_EQ(slugize("Hexo", 2), "HEXO");
  EXPECT_EQ(slugize("Déjà Vu", 1), "deja-vu");
  EXPECT_EQ(slugize("Ünïcode Ωmega", 1), "unicode-ωmega");
  EXPECT_EQ(slugize("依恋 Tag", 2), "依恋-TAG");
}

TEST(PinyinSlug, Titles) {
  EXPECT_EQ(pinyin_slug("依恋：心之所向，安然归处"), "yi-lian-xin-zhi-suo-xiang-an-ran-gui-chu");
  EXPECT_EQ(pinyin_slug("C++ 静态博客 v2.0"), "c-jing-tai-bo-ke-v2-0");
  EXPECT_EQ(pinyin_slug("Hello World"), "hello-world");
  EXPECT_EQ(pinyin_slug("！！！"), "");
}

} // namespace
} // namespace haven::text
