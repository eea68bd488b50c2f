#include <gtest/gtest.h>

#include "text/titlecase.hpp"

namespace haven::text {
namespace {

// Expected outputs were produced by the npm package titlecase 1.1.3 (the one Hexo 8 calls) on
// these inputs.
TEST(Titlecase, AsHexosPackage) {
  struct Case {
    const char* input;
    const char* expected;
  };
  const Case cases[] = {
      {"the art of war", "The Art of War"},
      {"a guide to c++ and rust", "A Guide to C++ and Rust"},
      {"notes on the way: a summary", "Notes on the Way: A Summary"},
      {"notes on the way:  a summary", "Notes on the Way:  a Summary"},
      {"built with step-by-step care", "Built With Step-by-Step Care"},
      {"an in-depth look", "An In-Depth Look"},
      {"re-think the in-box", "Re-Think the In-Box"},
      {"what is it for", "What Is It For"},
      {"ends on of", "Ends on Of"},
      {"vs. the world", "Vs. the World"},
      {"me vs you v. them", "Me vs You v. Them"},
      {"iPhone and eBay go to del.icio.us", "iPhone and eBay Go to del.icio.us"},
      {"example.com is down", "example.com Is Down"},
      {"the 2nd try", "The 2nd Try"},
      {"über alles in der welt", "Über Alles in Der Welt"},
      {"ßtraße and ÿes", "SStraße and Ÿes"},
      {"élan vital of the ère", "Élan Vital of the Ère"},
      {"×times and ÷ by", "×times and ÷ By"},
      {"学习 c++ 的 the 方法", "学习 C++ 的 the 方法"},
      {"深入理解 the linux kernel", "深入理解 the Linux Kernel"},
      {"你好\u3000the world", "你好\u3000the World"},
      {"emoji 😀 the end", "Emoji 😀 the End"},
      {"😀a the", "😀A The"},
      {"\"quoted the\" word", "\"Quoted The\" Word"},
      {"(parenthesis of the) end", "(Parenthesis of The) End"},
      {"'tis the season", "'Tis the Season"},
      {"a", "A"},
      {"the", "The"},
      {"", ""},
      {"  leading the space", "  Leading the Space"},
      {"trailing the space  ", "Trailing the Space  "},
      {"tab\tthe\ttab", "Tab\tthe\tTab"},
      {"hello-the-world", "Hello-the-World"},
      {"word -the dash", "Word -the Dash"},
      {"x: y of z", "X: Y of Z"},
      {"A.B.C of d.e", "A.B.C of d.e"},
      {"the-end of", "The-End Of"},
      {"mid-of the", "Mid-of The"},
      {"via the via", "Via the Via"},
      {"per se per", "Per Se Per"},
      {"AND OR THE", "AND or THE"},
      {"and", "And"},
      {"nbsp\u00a0the\u00a0end", "Nbsp\u00a0the\u00a0End"},
      {"semi;the;colon", "Semi;the;colon"},
      {"all_lower under_score", "All_lower Under_score"},
      {"123abc the 456", "123abc the 456"},
      {"ǅemo the ŉ", "ǅEmo the ŉ"},
      {"über-cool to-do", "Über-Cool To-Do"},
      {"a:the b", "A:the B"},
      {"a :the b", "A :The B"},
      {"a: the b", "A: The B"},
      {"a:: the b", "A:: The B"},
  };
  for (const Case& c : cases) EXPECT_EQ(titlecase(c.input), c.expected) << c.input;
}

TEST(Titlecase, InvalidUtf8IsCopied) {
  EXPECT_EQ(titlecase("abc \xff the end"), "Abc \xff the End");
}

} // namespace
} // namespace haven::text
