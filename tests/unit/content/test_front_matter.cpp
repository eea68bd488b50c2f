// hexo-front-matter compatible splitting/parsing (spec §2) and Hexo's date resolution (spec §3.2).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "content/front_matter.hpp"
#include "text/datetime.hpp"

namespace fs = std::filesystem;
using haven::base::Value;
using namespace haven::content;

namespace {

const fs::path k_posts = fs::path(HAVEN_SHARED_DIR) / "fixtures" / "hexo-basic" / "source" / "_posts";

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Parsed {
  std::string text;
  FrontMatter fm;
  std::string body() const { return text.substr(fm.body_offset); }
};

Parsed parse_ok(std::string_view raw, std::string_view path = "source/_posts/t.md") {
  Parsed p;
  p.text = normalize_source(raw);
  auto r = parse_front_matter(p.text, path);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
  if (r) p.fm = *r;
  return p;
}

Parsed parse_fixture(const std::string& name) { return parse_ok(read(k_posts / name), "source/_posts/" + name); }

} // namespace

TEST(NormalizeSource, StripsBomAndConvertsLineEndings) {
  EXPECT_EQ(normalize_source("\xEF\xBB\xBF---\r\na: 1\r\n---\r\nx\ry\n"), "---\na: 1\n---\nx\ny\n");
  EXPECT_EQ(normalize_source("plain"), "plain");
  EXPECT_EQ(normalize_source("a\r"), "a\n");
  EXPECT_EQ(normalize_source("a\r\r\nb\r\n"), "a\n\nb\n");
  EXPECT_EQ(normalize_source("a\r\r\nb"), "a\n\nb");
  EXPECT_EQ(normalize_source(""), "");
  for (std::string text : {"\xEF\xBB\xBF" "a\r\nb", "plain\n", "a\r", ""}) {
    std::string expected = normalize_source(text);
    normalize_source_in_place(text);
    EXPECT_EQ(text, expected);
  }
}

struct FixtureCase {
  const char* file;
  FrontMatterFormat format;
  const char* title; // nullptr = no title key
  uint32_t body_line;
  const char* body_start;
};

class FixturePost : public testing::TestWithParam<FixtureCase> {};

TEST_P(FixturePost, SplitsAndParses) {
  const FixtureCase& c = GetParam();
  Parsed p = parse_fixture(c.file);
  EXPECT_EQ(p.fm.format, c.format) << c.file;
  ASSERT_TRUE(p.fm.data.is_object()) << c.file;
  if (c.title) EXPECT_EQ(p.fm.data.get("title").as_string(), c.title) << c.file;
  else EXPECT_TRUE(p.fm.data.get("title").is_undefined()) << c.file;
  EXPECT_EQ(p.fm.body_line, c.body_line) << c.file;
  EXPECT_TRUE(p.body().starts_with(c.body_start)) << c.file << ": " << p.body().substr(0, 40);
}

INSTANTIATE_TEST_SUITE_P(
    HexoBasic, FixturePost,
    testing::Values(
        FixtureCase{"crlf.md", FrontMatterFormat::Yaml, "CRLF Line Endings", 6, "This file uses CRLF line endings.\nSecond"},
        FixtureCase{"date-formats.md", FrontMatterFormat::Yaml, "Date Only And Empty Fields", 7, "Date-only value"},
        FixtureCase{"dup-title-a.md", FrontMatterFormat::Yaml, "Duplicate Title", 6, "First post"},
        FixtureCase{"dup-title-b.md", FrontMatterFormat::Yaml, "Duplicate Title", 6, "Second post"},
        FixtureCase{"english-special.md", FrontMatterFormat::Yaml, "Hello, World: A C++ & Node.js Story!", 19, "English post"},
        FixtureCase{"excerpt-fm.md", FrontMatterFormat::Yaml, "摘要优先级", 8, "第一段。"},
        FixtureCase{"hello-world.md", FrontMatterFormat::Yaml, "Hello World", 12, "Welcome to the lab blog."},
        FixtureCase{"json-fm.md", FrontMatterFormat::Json, "JSON Front Matter", 6, "Body of a post whose front matter is JSON"},
        FixtureCase{"layout-false.md", FrontMatterFormat::Yaml, nullptr, 7, "**No title**"},
        FixtureCase{"math-footnotes.md", FrontMatterFormat::Yaml, "Math, Footnotes, Tables and Raw HTML", 7, "Inline math:"},
        FixtureCase{"multi-category.md", FrontMatterFormat::Yaml, "Mixed Category Forms", 11, "Categories mix"},
        FixtureCase{"no-date.md", FrontMatterFormat::Yaml, "Post Without Date", 5, "No `date`"},
        FixtureCase{"no-leading-dashes.md", FrontMatterFormat::Yaml, "No Leading Dashes", 5, "Front matter without"},
        FixtureCase{"permalink-html.md", FrontMatterFormat::Yaml, "Permalink Override HTML", 7, "Front matter `permalink: custom/page.html`"},
        FixtureCase{"permalink-noslash.md", FrontMatterFormat::Yaml, "Permalink Override No Slash", 7, "Front matter"},
        FixtureCase{"permalink-override.md", FrontMatterFormat::Yaml, "Permalink Override Slash", 7, "Front matter"},
        FixtureCase{"tag-plugins.md", FrontMatterFormat::Yaml, "Tag Plugins", 8, "Asset image:"},
        FixtureCase{"unpublished.md", FrontMatterFormat::Yaml, "Unpublished Post", 8, "This must not"},
        FixtureCase{"中文标题测试.md", FrontMatterFormat::Yaml, "中文标题测试", 12, "这是中文"},
        FixtureCase{"依恋：心之所向，安然归处.md", FrontMatterFormat::Yaml, "依恋：心之所向，安然归处", 17, "\n"},
        FixtureCase{"notes/sub-dir-post.md", FrontMatterFormat::Yaml, "Post In A Subdirectory", 6, "Lives at"}));

TEST(FixturePostValues, EveryMarkdownPostParses) {
  int count = 0;
  for (const auto& entry : fs::recursive_directory_iterator(k_posts)) {
    if (entry.path().extension() != ".md") continue;
    std::string text = normalize_source(read(entry.path()));
    auto r = parse_front_matter(text, entry.path().string());
    ASSERT_TRUE(r.has_value()) << entry.path() << ": " << r.error().message;
    EXPECT_NE(r->format, FrontMatterFormat::None) << entry.path();
    EXPECT_FALSE(r->data.as_object().empty()) << entry.path();
    ++count;
  }
  EXPECT_GE(count, 21);
}

TEST(FixturePostValues, SeedPost) {
  Parsed p = parse_fixture("依恋：心之所向，安然归处.md");
  const Value& d = p.fm.data;
  ASSERT_TRUE(d.get("tags").is_array());
  EXPECT_EQ(d.get("tags").as_array().size(), 5u);
  EXPECT_EQ(d.get("tags").at(0).as_string(), "依恋");
  EXPECT_EQ(d.get("categories").at(1).as_string(), "心理探索");
  EXPECT_DOUBLE_EQ(d.get("abbrlink").as_number(), 31466);
  ASSERT_TRUE(d.get("date").is_date());
  EXPECT_DOUBLE_EQ(d.get("date").as_date_ms(), 1762518129000.0); // naive → UTC, as js-yaml
  std::string_view desc = d.get("description").as_string();
  EXPECT_EQ(desc.find('\n'), std::string::npos); // folded `>-`
  EXPECT_TRUE(desc.starts_with("依恋，是人类最深层的本能"));
}

TEST(FixturePostValues, TypedFields) {
  Parsed es = parse_fixture("english-special.md");
  EXPECT_DOUBLE_EQ(es.fm.data.get("date").as_date_ms(), 1717214400000.0);
  Value tags = es.fm.data.get("tags");
  ASSERT_EQ(tags.as_array().size(), 10u);
  EXPECT_TRUE(tags.at(6).is_number()); // `- 2024`
  EXPECT_EQ(tags.at(8).as_string(), "  spaced  out  ");
  EXPECT_EQ(es.fm.data.get("categories").at(0).at(1).as_string(), "C++");

  Parsed df = parse_fixture("date-formats.md");
  EXPECT_DOUBLE_EQ(df.fm.data.get("date").as_date_ms(), 1703980800000.0);
  EXPECT_TRUE(df.fm.data.get("tags").is_null());

  Parsed mc = parse_fixture("multi-category.md");
  EXPECT_EQ(mc.fm.data.get("date").as_string(), "2024/06/15 08:00"); // not a YAML timestamp
  EXPECT_EQ(mc.fm.data.get("tags").as_string(), "single-string-tag");
  EXPECT_EQ(mc.fm.data.get("custom_field").as_string(), "hello custom");

  Parsed ph = parse_fixture("permalink-html.md");
  EXPECT_EQ(ph.fm.data.get("date").as_string(), "2024-07-02 10:00:00"); // quoted → string

  Parsed lf = parse_fixture("layout-false.md");
  EXPECT_FALSE(lf.fm.data.get("layout").as_bool());
  EXPECT_TRUE(lf.fm.data.get("layout").is_bool());

  Parsed js = parse_fixture("json-fm.md");
  EXPECT_EQ(js.fm.data.get("date").as_string(), "2024-11-11 11:11:11");
  EXPECT_EQ(js.fm.data.get("tags").at(1).as_string(), "Hexo");

  Parsed crlf = parse_fixture("crlf.md");
  EXPECT_DOUBLE_EQ(crlf.fm.data.get("date").as_date_ms(), 1738663200000.0);
  EXPECT_EQ(crlf.text.find('\r'), std::string::npos);
}

struct SplitCase {
  const char* name;
  const char* text;
  FrontMatterFormat format;
  const char* title; // nullptr: no front matter expected
  const char* body;
};

class SplitRule : public testing::TestWithParam<SplitCase> {};

TEST_P(SplitRule, MatchesHexoFrontMatter) {
  const SplitCase& c = GetParam();
  Parsed p = parse_ok(c.text);
  EXPECT_EQ(p.fm.format, c.format) << c.name;
  ASSERT_TRUE(p.fm.data.is_object()) << c.name;
  if (c.title) EXPECT_EQ(p.fm.data.get("title").as_string(), c.title) << c.name;
  else EXPECT_TRUE(p.fm.data.as_object().empty()) << c.name;
  EXPECT_EQ(p.body(), c.body) << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    Spec2, SplitRule,
    testing::Values(
        SplitCase{"classic", "---\ntitle: a\n---\nbody\n", FrontMatterFormat::Yaml, "a", "body\n"},
        SplitCase{"bom", "\xEF\xBB\xBF---\ntitle: a\n---\nbody", FrontMatterFormat::Yaml, "a", "body"},
        SplitCase{"no closing fence", "---\ntitle: a\nbody\n", FrontMatterFormat::None, nullptr, "---\ntitle: a\nbody\n"},
        SplitCase{"closing fence is a prefix", "---\ntitle: a\n----\nbody", FrontMatterFormat::Yaml, "a", "-\nbody"},
        SplitCase{"four dashes both ends", "----\ntitle: a\n----\nbody", FrontMatterFormat::Yaml, "a", "body"},
        SplitCase{"longer opening than closing", "----\ntitle: a\n---\nbody", FrontMatterFormat::None, nullptr,
                  "----\ntitle: a\n---\nbody"},
        SplitCase{"no newline after closing", "---\ntitle: a\n---", FrontMatterFormat::Yaml, "a", ""},
        SplitCase{"blank line kept after closing", "---\ntitle: a\n---\n\nbody", FrontMatterFormat::Yaml, "a", "\nbody"},
        SplitCase{"empty front matter", "---\n---\nbody", FrontMatterFormat::None, nullptr, "---\n---\nbody"},
        SplitCase{"no leading separator", "title: a\ndate: 2024-12-12\n---\nbody", FrontMatterFormat::Yaml, "a", "body"},
        SplitCase{"no leading separator, glued body", "title: a\n---body", FrontMatterFormat::Yaml, "a", "body"},
        SplitCase{"blank line before opening", "\n---\ntitle: a\n---\nbody", FrontMatterFormat::Yaml, "a", "body"},
        SplitCase{"yaml lines without separator", "title: a\ndate: 2024\n", FrontMatterFormat::None, nullptr,
                  "title: a\ndate: 2024\n"},
        SplitCase{"non-mapping yaml", "---\njust text\n---\nbody", FrontMatterFormat::None, nullptr,
                  "---\njust text\n---\nbody"},
        SplitCase{"list yaml", "---\n- a\n- b\n---\nbody", FrontMatterFormat::None, nullptr, "---\n- a\n- b\n---\nbody"},
        SplitCase{"horizontal rule in plain text", "Some text\n---\nmore", FrontMatterFormat::None, nullptr,
                  "Some text\n---\nmore"},
        SplitCase{"json members", ";;;\n\"title\": \"a\",\n\"n\": 1\n;;;\nbody", FrontMatterFormat::Json, "a", "body"},
        SplitCase{"invalid json", ";;;\n\"title\": a\n;;;\nbody", FrontMatterFormat::None, nullptr,
                  ";;;\n\"title\": a\n;;;\nbody"},
        SplitCase{"json with braces is invalid", ";;;\n{\"title\": \"a\"}\n;;;\nbody", FrontMatterFormat::None, nullptr,
                  ";;;\n{\"title\": \"a\"}\n;;;\nbody"},
        SplitCase{"crlf", "---\r\ntitle: a\r\n---\r\nbody\r\n", FrontMatterFormat::Yaml, "a", "body\n"},
        SplitCase{"tab-indented list", "---\ntitle: a\ntags:\n\t- x\n\t- y\n---\nbody", FrontMatterFormat::Yaml, "a", "body"}));

TEST(FrontMatterSplit, BodyOffsetAndLineOfNoLeadingForm) {
  Parsed p = parse_ok("title: a\nx: 1\n---\nline4\n");
  EXPECT_EQ(p.fm.body_offset, 18u);
  EXPECT_EQ(p.fm.body_line, 4u);
}

TEST(FrontMatterSplit, TabIndentedListBecomesAList) {
  Parsed p = parse_ok("---\ntags:\n\t- x\n\t\t- y\n---\n");
  Value tags = p.fm.data.get("tags");
  ASSERT_TRUE(tags.is_array()) << static_cast<int>(tags.kind());
  EXPECT_EQ(tags.at(0).as_string(), "x - y"); // "    - y" continues the plain scalar, as js-yaml
}

TEST(FrontMatterErrors, DuplicateKeyReportsFileLine) {
  std::string text = "---\ntitle: a\ndate: 2024-01-01\ntitle: b\n---\nbody\n";
  auto r = parse_front_matter(text, "source/_posts/dup.md");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().where.path, "source/_posts/dup.md");
  EXPECT_EQ(r.error().where.line, 4u);
  EXPECT_EQ(r.error().where.column, 1u);
  EXPECT_EQ(r.error().where.line_text, "title: b");
}

TEST(FrontMatterErrors, SyntaxErrorOnFileLineFourIsLineFour) {
  std::string text = "---\ntitle: ok\ndate: 2024-01-01\nbad: a: b\n---\nbody\n";
  auto r = parse_front_matter(text, "p.md");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().where.line, 4u); // YAML line 3, file line 4
  EXPECT_EQ(r.error().where.column, 7u);
  EXPECT_EQ(r.error().where.line_text, "bad: a: b");
}

TEST(FrontMatterErrors, NoLeadingSeparatorFormHasNoLineShift) {
  std::string text = "title: ok\nbad: a: b\n---\nbody\n";
  auto r = parse_front_matter(text, "p.md");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().where.line, 2u);
}

TEST(FrontMatterErrors, CjkLineAndCodePointColumn) {
  std::string text = "---\ntitle: 依恋: 心之所向\n---\n";
  auto r = parse_front_matter(text, "source/_posts/cjk.md");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().where.line, 2u);
  EXPECT_EQ(r.error().where.column, 10u);
  EXPECT_EQ(r.error().where.line_text, "title: 依恋: 心之所向");
}

TEST(FrontMatterErrors, ColumnMapsBackThroughWidenedTabs) {
  // The second line's tab becomes two spaces before parsing; the caret must still point into the file line.
  std::string text = "---\nk:\n\tv: a: b\n---\n";
  auto r = parse_front_matter(text, "t.md");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().where.line, 3u);
  EXPECT_EQ(r.error().where.line_text, "\tv: a: b");
  EXPECT_EQ(r.error().where.column, 6u); // the second ':' in the file line (tab = one column)
}

// ---- dates (spec §3.2) ----

namespace {

constexpr double k_seed_yaml = 1762518129000.0;      // `date: 2025-11-07 12:22:09` as js-yaml gives it
constexpr double k_english_yaml = 1717214400000.0;   // `2024-06-01T12:00:00+08:00`
constexpr double k_date_only_yaml = 1703980800000.0; // `2023-12-31`

struct ZoneRow {
  const char* process_zone;
  const char* timezone;
  double seed, english, date_only;                         // resolved instants
  const char* seed_path, *english_path, *date_only_path;   // YYYY/MM/DD in the process zone
};

class HexoDateTable : public testing::TestWithParam<ZoneRow> {};

} // namespace

TEST_P(HexoDateTable, ResolvesLikeHexo) {
  const ZoneRow& row = GetParam();
  auto check = [&](double yaml_ms, double expected, const char* path) {
    auto t = resolve_hexo_date(Value::date(yaml_ms), row.process_zone, row.timezone);
    ASSERT_TRUE(t.has_value());
    EXPECT_DOUBLE_EQ(*t, expected) << row.process_zone << " / '" << row.timezone << "'";
    EXPECT_EQ(haven::text::format_moment(*t, "YYYY/MM/DD", row.process_zone), path);
  };
  check(k_seed_yaml, row.seed, row.seed_path);
  check(k_english_yaml, row.english, row.english_path);
  check(k_date_only_yaml, row.date_only, row.date_only_path);
}

INSTANTIATE_TEST_SUITE_P(
    Spec32, HexoDateTable,
    testing::Values(
        // The four observed rows of the spec table.
        ZoneRow{"UTC", "", 1762518129000.0, 1717214400000.0, 1703980800000.0, "2025/11/07", "2024/06/01", "2023/12/31"},
        ZoneRow{"UTC", "Asia/Shanghai", 1762489329000.0, 1717185600000.0, 1703952000000.0, "2025/11/07", "2024/05/31",
                "2023/12/30"},
        ZoneRow{"Asia/Shanghai", "", 1762489329000.0, 1717185600000.0, 1703952000000.0, "2025/11/07", "2024/06/01",
                "2023/12/31"},
        ZoneRow{"Asia/Shanghai", "America/New_York", 1762536129000.0, 1717228800000.0, 1703998800000.0, "2025/11/08",
                "2024/06/01", "2023/12/31"},
        // Further combinations of the same algorithm.
        ZoneRow{"UTC", "America/New_York", 1762536129000.0, 1717228800000.0, 1703998800000.0, "2025/11/07",
                "2024/06/01", "2023/12/31"},
        ZoneRow{"Asia/Shanghai", "Asia/Shanghai", 1762489329000.0, 1717185600000.0, 1703952000000.0, "2025/11/07",
                "2024/06/01", "2023/12/31"}));

TEST(ResolveHexoDate, StringsGoThroughJavaScriptDateParsing) {
  EXPECT_EQ(resolve_hexo_date(Value("2024-07-02 10:00:00"), "UTC", ""), 1719914400000.0);
  EXPECT_EQ(resolve_hexo_date(Value("2024-07-02 10:00:00"), "Asia/Shanghai", ""), 1719885600000.0);
  // A date-only string is UTC midnight whatever the process zone…
  EXPECT_EQ(resolve_hexo_date(Value("2023-12-31"), "Asia/Shanghai", ""), 1703980800000.0);
  // …and `timezone` then re-zones its process-zone wall clock.
  EXPECT_EQ(resolve_hexo_date(Value("2023-12-31"), "UTC", "Asia/Shanghai"), 1703952000000.0);
  EXPECT_EQ(resolve_hexo_date(Value("2024-06-01T12:00:00+08:00"), "UTC", ""), 1717214400000.0);
  EXPECT_EQ(resolve_hexo_date(Value("2024/06/15 08:00"), "UTC", ""), 1718438400000.0);
}

TEST(ResolveHexoDate, NumbersAreEpochMilliseconds) {
  EXPECT_EQ(resolve_hexo_date(Value(1704276000000.0), "UTC", ""), 1704276000000.0);
  EXPECT_EQ(resolve_hexo_date(Value(1704276000000.0), "UTC", "Asia/Shanghai"), 1704276000000.0 - 8 * 3600000.0);
}

TEST(ResolveHexoDate, MissingOrUnparseableIsNullopt) {
  EXPECT_FALSE(resolve_hexo_date(Value(), "UTC", "").has_value());
  EXPECT_FALSE(resolve_hexo_date(Value::null(), "UTC", "").has_value());
  EXPECT_FALSE(resolve_hexo_date(Value("not a date"), "UTC", "").has_value());
  EXPECT_FALSE(resolve_hexo_date(Value(""), "UTC", "").has_value());
  EXPECT_FALSE(resolve_hexo_date(Value(0), "UTC", "").has_value()); // falsy in Hexo's toDate
  EXPECT_FALSE(resolve_hexo_date(Value(haven::base::Array{}), "UTC", "").has_value());
}

TEST(YamlDateAsLocal, ReReadsUtcWallClockInProcessZone) {
  EXPECT_EQ(yaml_date_as_local(k_seed_yaml, "UTC"), k_seed_yaml);
  EXPECT_EQ(yaml_date_as_local(k_seed_yaml, "Asia/Shanghai"), k_seed_yaml - 8 * 3600000.0);
  EXPECT_EQ(yaml_date_as_local(k_seed_yaml, "America/New_York"), k_seed_yaml + 5 * 3600000.0);
}
