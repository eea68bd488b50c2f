#include <gtest/gtest.h>

#include "text/diagnostic_format.hpp"

namespace haven::text {
namespace {

base::Diagnostic at(std::string path, uint32_t line, uint32_t column, std::string text, uint32_t length,
                    std::string message, base::Severity severity = base::Severity::Error) {
  base::Diagnostic d;
  d.severity = severity;
  d.message = std::move(message);
  d.where.path = std::move(path);
  d.where.line = line;
  d.where.column = column;
  d.where.line_text = std::move(text);
  d.where.length = length;
  return d;
}

TEST(DiagnosticFormat, AsciiExcerpt) {
  auto d = at("path", 3, 5, "the source line", 6, "message");
  EXPECT_EQ(format_diagnostic(d),
            "path:3:5: error: message\n"
            "   3 | the source line\n"
            "     |     ^^^^^^\n");
}

TEST(DiagnosticFormat, CjkCaretUsesDisplayWidth) {
  // Column 4 is the 4th code point, "心"; the three CJK characters before it take 6 columns.
  auto d = at("_posts/依恋.md", 12, 4, "依恋：心之所向", 2, "unknown tag", base::Severity::Warning);
  EXPECT_EQ(format_diagnostic(d),
            "_posts/依恋.md:12:4: warning: unknown tag\n"
            "  12 | 依恋：心之所向\n"
            "     |       ^^^^\n");
}

TEST(DiagnosticFormat, TabsExpandToFour) {
  auto d = at("a.yml", 2, 2, "\tkey: value", 3, "tab indentation");
  EXPECT_EQ(format_diagnostic(d),
            "a.yml:2:2: error: tab indentation\n"
            "   2 |     key: value\n"
            "     |     ^^^\n");
}

TEST(DiagnosticFormat, CaretPastEndOfLine) {
  auto d = at("t.njk", 1, 7, "{% if", 1, "unexpected end of template");
  EXPECT_EQ(format_diagnostic(d),
            "t.njk:1:7: error: unexpected end of template\n"
            "   1 | {% if\n"
            "     |      ^\n");
}

TEST(DiagnosticFormat, NoPositionOrPath) {
  base::Diagnostic d;
  d.message = "cannot read config";
  d.where.path = "_config.yml";
  EXPECT_EQ(format_diagnostic(d), "_config.yml: error: cannot read config\n");
  base::Diagnostic bare;
  bare.message = "nothing to build";
  EXPECT_EQ(format_diagnostic(bare), "error: nothing to build\n");
}

TEST(DiagnosticFormat, NotesFollow) {
  auto d = at("layout.njk", 9, 10, "{% block title %}", 5, "block defined twice");
  d.notes.push_back(at("layout.njk", 2, 10, "{% block title %}", 5, "first defined here"));
  EXPECT_EQ(format_diagnostic(d),
            "layout.njk:9:10: error: block defined twice\n"
            "   9 | {% block title %}\n"
            "     |          ^^^^^\n"
            "layout.njk:2:10: note: first defined here\n"
            "   2 | {% block title %}\n"
            "     |          ^^^^^\n");
}

TEST(DiagnosticFormat, WideLineNumbersAndColor) {
  auto d = at("big.md", 12345, 1, "x", 1, "m");
  EXPECT_EQ(format_diagnostic(d),
            "big.md:12345:1: error: m\n"
            "12345 | x\n"
            "      | ^\n");
  std::string colored = format_diagnostic(d, true);
  EXPECT_NE(colored.find("\x1b[1;31merror"), std::string::npos);
  EXPECT_NE(colored.find("\x1b[0m"), std::string::npos);
}

} // namespace
} // namespace haven::text
