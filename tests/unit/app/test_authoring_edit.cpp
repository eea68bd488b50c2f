// The front-matter edits and scaffolds behind `new`, `publish` and `abbrlink --write`, in process.
#include <gtest/gtest.h>

#include "config/config.hpp"
#include "content/front_matter.hpp"
#include "content/front_matter_edit.hpp"
#include "content/scaffold.hpp"

namespace {

using haven::content::front_matter_key_line;
using haven::content::set_front_matter_key;
using haven::content::yaml_scalar;

std::string set(std::string_view raw, std::string_view key, std::string_view yaml, std::string_view json = "0") {
  auto r = set_front_matter_key(raw, key, yaml, json, "x.md");
  EXPECT_TRUE(r.has_value());
  return r ? *r : std::string();
}

TEST(AuthoringEdit, ReplacesOnlyTheKeyLine) {
  EXPECT_EQ(set("---\ntitle: a\nabbrlink:\ntags: [x]\n---\nbody\n", "abbrlink", "5"),
            "---\ntitle: a\nabbrlink: 5\ntags: [x]\n---\nbody\n");
  // Continuation lines of the old value go with it; the next key stays.
  EXPECT_EQ(set("---\ndate:\n  - 1\n  - 2\ntitle: t\n---\n", "date", "2025-01-01 00:00:00"),
            "---\ndate: 2025-01-01 00:00:00\ntitle: t\n---\n");
  // A key that only starts like ours is another key.
  EXPECT_EQ(set("---\nabbrlinks: 1\n---\n", "abbrlink", "2"), "---\nabbrlinks: 1\nabbrlink: 2\n---\n");
}

TEST(AuthoringEdit, AddsWithTheFilesLineEndingsAndBom) {
  EXPECT_EQ(set("\xEF\xBB\xBF---\r\ntitle: a\r\n---\r\nb\r\n", "abbrlink", "7"),
            "\xEF\xBB\xBF---\r\ntitle: a\r\nabbrlink: 7\r\n---\r\nb\r\n");
  EXPECT_EQ(set("title: a\n---\nbody\n", "abbrlink", "7"), "title: a\nabbrlink: 7\n---\nbody\n");  // no leading ---
  EXPECT_EQ(set("just text\r\n", "abbrlink", "7"), "---\r\nabbrlink: 7\r\n---\r\njust text\r\n");
  EXPECT_EQ(set(";;;\n\"title\": \"a\"\n;;;\n", "abbrlink", "7", "7"), ";;;\n\"abbrlink\": 7,\n\"title\": \"a\"\n;;;\n");
  EXPECT_EQ(set(";;;\n\"abbrlink\": 1,\n\"title\": \"a\"\n;;;\n", "abbrlink", "7", "7"), ";;;\n\"abbrlink\": 7,\n\"title\": \"a\"\n;;;\n");
  // Broken YAML is an error, not a rewrite.
  EXPECT_FALSE(set_front_matter_key("---\ntitle: [oops\n---\n", "abbrlink", "1", "1", "x.md").has_value());
}

TEST(AuthoringEdit, EditedFilesParseBackToTheValue) {
  std::string out = set("---\ntitle: a\n---\nb\n", "title", yaml_scalar("C++: 入门 #1"));
  auto fm = haven::content::parse_front_matter(out, "x.md");
  ASSERT_TRUE(fm.has_value());
  EXPECT_EQ(fm->data.get("title").as_string(), "C++: 入门 #1");
  EXPECT_EQ(front_matter_key_line(out, "title"), 2u);
  EXPECT_EQ(front_matter_key_line(out, "date"), 0u);
}

TEST(AuthoringEdit, YamlScalarQuotesOnlyWhatYamlWouldMisread) {
  EXPECT_EQ(yaml_scalar("依恋：心之所向，安然归处"), "依恋：心之所向，安然归处");
  EXPECT_EQ(yaml_scalar("Hello, World"), "Hello, World");
  EXPECT_EQ(yaml_scalar("a: b"), "\"a: b\"");
  EXPECT_EQ(yaml_scalar("#tag"), "\"#tag\"");
  EXPECT_EQ(yaml_scalar("2024"), "\"2024\"");
  EXPECT_EQ(yaml_scalar("2024-01-01"), "\"2024-01-01\"");
  EXPECT_EQ(yaml_scalar("yes"), "\"yes\"");
  EXPECT_EQ(yaml_scalar("say \"hi\""), "say \"hi\"");
  EXPECT_EQ(yaml_scalar("\"hi\""), "\"\\\"hi\\\"\"");
  EXPECT_EQ(yaml_scalar(""), "\"\"");
}

TEST(AuthoringEdit, ScaffoldPlaceholdersAndQuotes) {
  using haven::content::render_scaffold;
  EXPECT_EQ(render_scaffold("---\ntitle: {{ title }}\ndate: {{date}}\nlayout: {{ layout }}\n---\n{{ title }} stays\n",
                            {{"title", "a: b"}, {"layout", "post"}}, {{"date", "2025-01-01 10:00:00"}}),
            "---\ntitle: \"a: b\"\ndate: 2025-01-01 10:00:00\nlayout: post\n---\n{{ title }} stays\n");
  EXPECT_EQ(render_scaffold("---\ntitle: \"{{ title }}\"\nx: '{{ title }}'\nmissing: {{ nope }}\n---\n",
                            {{"title", "it's \"q\""}}, {}),
            "---\ntitle: \"it's \\\"q\\\"\"\nx: 'it''s \"q\"'\nmissing: \n---\n");
  EXPECT_EQ(render_scaffold("no front matter\n", {{"title", "T"}}, {{"date", "D"}}),
            "---\ntitle: T\ndate: D\n---\nno front matter\n");
}

TEST(AuthoringEdit, NewPostNamePlaceholders) {
  haven::config::SiteConfig config;
  config.data = haven::config::hexo_defaults();
  haven::content::NewPostNameParts parts{"hello", 2025, 3, 7, 1741305600};
  EXPECT_EQ(haven::content::expand_new_post_name(":title.md", parts, config), "hello.md");
  EXPECT_EQ(haven::content::expand_new_post_name(":year-:month-:day-:title.md", parts, config), "2025-03-07-hello.md");
  EXPECT_EQ(haven::content::expand_new_post_name(":year/:i_month/:i_day/:title", parts, config), "2025/3/7/hello.md");
  EXPECT_EQ(haven::content::expand_new_post_name(":timestamp-:title.markdown", parts, config), "1741305600-hello.markdown");
}

} // namespace
