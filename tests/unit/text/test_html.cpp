#include <gtest/gtest.h>

#include "text/html.hpp"

namespace haven::text {
namespace {

TEST(Html, EscapeHexoUtil) {
  EXPECT_EQ(escape_html("& < > \" ' ` / ="), "&amp; &lt; &gt; &quot; &#39; &#96; &#x2F; &#x3D;");
  EXPECT_EQ(escape_html("依恋 plain"), "依恋 plain");
  EXPECT_EQ(escape_html(""), "");
}

// escape_html_changes says exactly whether escape_html would change the text.
TEST(Html, EscapeHtmlChanges) {
  for (std::string_view s : {"", "plain text 依恋", "a & b", "<p>", "x > y", "\"q\"", "it's", "`c`", "a/b", "k=v",
                             "50% off!", "tab\there"}) {
    EXPECT_EQ(escape_html_changes(s), escape_html(s) != s) << s;
  }
  // each special character (and bytes next to one: '%', '.', '0', '>' + 1...) at every position of
  // texts longer than the 16-byte blocks, and within the tail after the last block
  const std::string plain = "Haven 依恋 text, no specials here at all: 0123456789";
  for (char special : std::string("&<>\"'`/=%.;?0?")) {
    for (size_t at = 0; at < plain.size(); ++at) {
      std::string s = plain;
      s[at] = special;
      ASSERT_EQ(escape_html_changes(s), escape_html(s) != s) << at << " " << special;
      ASSERT_EQ(escape_html_changes(std::string_view(s).substr(at)), escape_html(s.substr(at)) != s.substr(at)) << at;
    }
  }
}

TEST(Html, EscapeMin) {
  EXPECT_EQ(escape_html_min("& \" ' < > / = `"), "&amp; &quot; &#39; &lt; &gt; / = `");
  EXPECT_EQ(escape_html_min("no specials"), "no specials");
  std::string out = "x:";
  append_escaped_min(out, "<b>");
  append_escaped_min(out, "");
  append_escaped_min(out, "a&b");
  EXPECT_EQ(out, "x:&lt;b&gt;a&amp;b");
}

TEST(Html, Unescape) {
  struct Case {
    const char* input;
    const char* output;
  };
  const Case cases[] = {
      {"&amp;&lt;&gt;&quot;&#39;", "&<>\"'"},
      {"a&nbsp;b", "a\u00A0b"},
      {"&#x2F;&#x3D;&#96;", "/=`"},
      {"&#20381;&#x604B;", "依恋"},
      {"&hellip;&mdash;&copy;", "…—©"},
      {"&unknown; & &amp", "&unknown; & &amp"},
      {"&#xZZ; &#; &#0;", "&#xZZ; &#; \uFFFD"},
      {"Hello 世界 &amp; Friends", "Hello 世界 & Friends"},
  };
  for (const Case& c : cases) EXPECT_EQ(unescape_html(c.input), c.output) << c.input;
}

TEST(Html, Strip) {
  struct Case {
    const char* input;
    const char* output;
  };
  const Case cases[] = {
      {"<p>Hello <strong>世界</strong></p>", "Hello 世界"},
      {"a<!-- comment -->b", "ab"},
      {"a<!-- x > y -->b", "ab"},
      {"<a title=\"x > y\">link</a>", "link"},
      {"1 < 2 and 3", "1 < 2 and 3"},
      {"a <<b>> c", "a  c"},
      {"&amp; kept", "&amp; kept"},
      {"<h2 id=\"x\"><a href=\"#x\" class=\"headerlink\" title=\"x\"></a>x</h2>", "x"},
      {"<!---->after", "after"},
      {"unterminated <b", "unterminated "},
  };
  for (const Case& c : cases) EXPECT_EQ(strip_html(c.input), c.output) << c.input;
}

} // namespace
} // namespace haven::text

#include "text/json_quote.hpp"

TEST(JsonQuote, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(haven::text::json_quote("依恋 \"a\\b\"\n\r\t\x01"), "\"依恋 \\\"a\\\\b\\\"\\n\\r\\t\\u0001\"");
  EXPECT_EQ(haven::text::json_quote(""), "\"\"");
}
