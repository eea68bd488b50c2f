// js-yaml 4 compatible YAML loading: scalar typing, structure, and diagnostics in file coordinates.
#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "config/yaml.hpp"

using haven::base::Value;
using haven::config::parse_yaml;
using haven::config::resolve_plain_scalar;
using haven::config::YamlSource;

namespace {

haven::base::Result<Value> load(std::string_view text) {
  YamlSource src;
  src.text = text;
  src.path = "test.yml";
  return parse_yaml(src);
}

Value load_ok(std::string_view text) {
  auto r = load(text);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
  return r ? *r : Value();
}

struct ScalarCase {
  const char* text;
  Value::Kind kind;
  double number; // numbers, bools (0/1) and dates (epoch ms)
  const char* string;
};

class PlainScalar : public testing::TestWithParam<ScalarCase> {};

TEST_P(PlainScalar, TypedLikeJsYamlDefaultSchema) {
  const ScalarCase& c = GetParam();
  Value v = resolve_plain_scalar(c.text);
  ASSERT_EQ(v.kind(), c.kind) << "input: '" << c.text << "'";
  switch (c.kind) {
  case Value::Kind::Number:
    if (std::isnan(c.number)) EXPECT_TRUE(std::isnan(v.as_number()));
    else EXPECT_DOUBLE_EQ(v.as_number(), c.number) << c.text;
    break;
  case Value::Kind::Bool: EXPECT_EQ(v.as_bool(), c.number != 0) << c.text; break;
  case Value::Kind::Date: EXPECT_DOUBLE_EQ(v.as_date_ms(), c.number) << c.text; break;
  case Value::Kind::String: EXPECT_EQ(v.as_string(), c.string) << c.text; break;
  default: break;
  }
}

constexpr auto N = Value::Kind::Number;
constexpr auto S = Value::Kind::String;
constexpr auto B = Value::Kind::Bool;
constexpr auto D = Value::Kind::Date;
constexpr auto Z = Value::Kind::Null;

INSTANTIATE_TEST_SUITE_P(
    JsYaml, PlainScalar,
    testing::Values(
        // null
        ScalarCase{"", Z, 0, ""}, ScalarCase{"~", Z, 0, ""}, ScalarCase{"null", Z, 0, ""},
        ScalarCase{"Null", Z, 0, ""}, ScalarCase{"NULL", Z, 0, ""}, ScalarCase{"nULL", S, 0, "nULL"},
        // bool: only the YAML 1.2 core spellings
        ScalarCase{"true", B, 1, ""}, ScalarCase{"True", B, 1, ""}, ScalarCase{"TRUE", B, 1, ""},
        ScalarCase{"false", B, 0, ""}, ScalarCase{"FALSE", B, 0, ""}, ScalarCase{"yes", S, 0, "yes"},
        ScalarCase{"no", S, 0, "no"}, ScalarCase{"on", S, 0, "on"}, ScalarCase{"off", S, 0, "off"},
        ScalarCase{"tRue", S, 0, "tRue"},
        // int
        ScalarCase{"10", N, 10, ""}, ScalarCase{"-3", N, -3, ""}, ScalarCase{"+5", N, 5, ""},
        ScalarCase{"0", N, 0, ""}, ScalarCase{"0x1F", N, 31, ""}, ScalarCase{"0o17", N, 15, ""},
        ScalarCase{"0b101", N, 5, ""}, ScalarCase{"1_000", N, 1000, ""}, ScalarCase{"0123", N, 123, ""},
        ScalarCase{"31466", N, 31466, ""}, ScalarCase{"1704276000000", N, 1704276000000.0, ""},
        ScalarCase{"12_", S, 0, "12_"}, ScalarCase{"0x", S, 0, "0x"}, ScalarCase{"0xZZ", S, 0, "0xZZ"},
        // float
        ScalarCase{"1.5", N, 1.5, ""}, ScalarCase{"1e3", N, 1000, ""}, ScalarCase{"-1.5e-2", N, -0.015, ""},
        ScalarCase{".5", N, 0.5, ""}, ScalarCase{"1.", N, 1, ""}, ScalarCase{".inf", N, INFINITY, ""},
        ScalarCase{"-.Inf", N, -INFINITY, ""}, ScalarCase{".NaN", N, NAN, ""}, ScalarCase{"-.5", S, 0, "-.5"},
        ScalarCase{"1.2.3", S, 0, "1.2.3"},
        // timestamps: naive → UTC, offsets applied, date-only needs two-digit month and day
        ScalarCase{"2023-12-31", D, 1703980800000.0, ""},
        ScalarCase{"2025-11-07 12:22:09", D, 1762518129000.0, ""},
        ScalarCase{"2024-06-01T12:00:00+08:00", D, 1717214400000.0, ""},
        ScalarCase{"2024-1-5 1:02:03", D, 1704416523000.0, ""},
        ScalarCase{"2024-01-15t10:00:00.5Z", D, 1705312800500.0, ""},
        ScalarCase{"2024-01-15 10:00:00.1234 Z", D, 1705312800123.0, ""},
        ScalarCase{"2024-01-15T10:00:00 -5", D, 1705330800000.0, ""},
        ScalarCase{"2023-02-30", D, 1677715200000.0, ""}, // Date.UTC rolls over to March 2
        ScalarCase{"0050-01-01", D, -631152000000.0, ""},  // Date.UTC maps years 0-99 to 1900-1999
        ScalarCase{"2024-1-5", S, 0, "2024-1-5"}, ScalarCase{"2024/01/05", S, 0, "2024/01/05"},
        ScalarCase{"2024-01-15 10:00", S, 0, "2024-01-15 10:00"}, ScalarCase{"12:30", S, 0, "12:30"},
        ScalarCase{"not a date", S, 0, "not a date"}));

TEST(Yaml, QuotedAndBlockScalarsAreStrings) {
  Value v = load_ok("a: '123'\nb: \"true\"\nc: |\n  2024-01-01\nd: !!str 10\ne: ! 5\n");
  EXPECT_EQ(v.get("a").as_string(), "123");
  EXPECT_EQ(v.get("b").as_string(), "true");
  EXPECT_EQ(v.get("c").as_string(), "2024-01-01\n");
  EXPECT_EQ(v.get("d").as_string(), "10");
  EXPECT_EQ(v.get("e").as_string(), "5");
}

TEST(Yaml, ExplicitCoreTagsConvert) {
  Value v = load_ok("a: !!int '42'\nb: !!float '1.5'\nc: !!bool 'true'\nd: !!null ''\n");
  EXPECT_DOUBLE_EQ(v.get("a").as_number(), 42);
  EXPECT_DOUBLE_EQ(v.get("b").as_number(), 1.5);
  EXPECT_TRUE(v.get("c").is_bool());
  EXPECT_TRUE(v.get("d").is_null());
  auto bad = load("a: !!int abc\n");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().where.line, 1u);
}

TEST(Yaml, KeysKeepDocumentOrder) {
  Value v = load_ok("zeta: 1\nalpha: 2\nmid: 3\n");
  const auto& entries = v.as_object().entries();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].first, "zeta");
  EXPECT_EQ(entries[1].first, "alpha");
  EXPECT_EQ(entries[2].first, "mid");
}

TEST(Yaml, NonStringKeysAreStringified) {
  Value v = load_ok("1: one\n1.5: x\ntrue: t\n~: n\n2024-01-01: d\n");
  EXPECT_EQ(v.get("1").as_string(), "one");
  EXPECT_EQ(v.get("1.5").as_string(), "x");
  EXPECT_EQ(v.get("true").as_string(), "t");
  EXPECT_EQ(v.get("null").as_string(), "n");
  EXPECT_EQ(v.as_object().size(), 5u);
}

TEST(Yaml, SequencesNestedMappingsAndFlowStyles) {
  Value v = load_ok("tags: [a, 2024, 'b']\ncategories:\n  - [Tech, C++]\n  - Life\nobj: {x: 1, y: [true]}\n");
  ASSERT_TRUE(v.get("tags").is_array());
  EXPECT_EQ(v.get("tags").at(0).as_string(), "a");
  EXPECT_DOUBLE_EQ(v.get("tags").at(1).as_number(), 2024);
  EXPECT_EQ(v.get("categories").at(0).at(1).as_string(), "C++");
  EXPECT_EQ(v.get("categories").at(1).as_string(), "Life");
  EXPECT_TRUE(v.get("obj").get("y").at(0).as_bool());
}

TEST(Yaml, EmptyValuesAreNull) {
  Value v = load_ok("tags:\ncategories:\nkeywords: ~\n");
  EXPECT_TRUE(v.get("tags").is_null());
  EXPECT_TRUE(v.get("categories").is_null());
  EXPECT_TRUE(v.get("keywords").is_null());
}

TEST(Yaml, FoldedDescriptionLikeTheSeed) {
  Value v = load_ok("description: >-\n  line one\n  line two\nabbrlink: 31466\n");
  EXPECT_EQ(v.get("description").as_string(), "line one line two");
  EXPECT_DOUBLE_EQ(v.get("abbrlink").as_number(), 31466);
}

TEST(Yaml, AnchorsAliasesAndMergeKeys) {
  Value v = load_ok(
      "base: &b {x: 1, y: 2}\n"
      "list: &l [1, 2]\n"
      "copy: *l\n"
      "derived:\n  <<: *b\n  y: 20\n  z: 3\n"
      "explicit_first:\n  y: 9\n  <<: *b\n"
      "multi:\n  <<: [{a: 1}, {a: 2, b: 2}]\n");
  EXPECT_DOUBLE_EQ(v.get("copy").at(1).as_number(), 2);
  Value d = v.get("derived");
  EXPECT_DOUBLE_EQ(d.get("x").as_number(), 1);
  EXPECT_DOUBLE_EQ(d.get("y").as_number(), 20); // explicit key after the merge overrides it
  EXPECT_DOUBLE_EQ(d.get("z").as_number(), 3);
  EXPECT_EQ(d.as_object().entries()[0].first, "x"); // merged keys sit where `<<` was
  EXPECT_DOUBLE_EQ(v.get("explicit_first").get("y").as_number(), 9);
  EXPECT_DOUBLE_EQ(v.get("multi").get("a").as_number(), 1); // earlier sources win
  EXPECT_DOUBLE_EQ(v.get("multi").get("b").as_number(), 2);
}

TEST(Yaml, MergeOfAScalarIsAnError) {
  auto r = load("a:\n  <<: 5\n");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message.find("merge"), std::string::npos);
}

TEST(Yaml, SelfReferencingAliasIsRejectedNotLooped) {
  auto r = load("a: &x\n  - *x\n");
  // libfyaml may refuse the recursive alias itself; either way it must be an error, not a hang.
  EXPECT_FALSE(r.has_value());
}

TEST(Yaml, EmptyStreamIsUndefinedAndScalarDocumentsAreScalars) {
  EXPECT_TRUE(load_ok("").is_undefined());
  EXPECT_TRUE(load_ok("# only a comment\n").is_undefined());
  EXPECT_EQ(load_ok("just text").as_string(), "just text");
  EXPECT_TRUE(load_ok("- a\n- b\n").is_array());
  EXPECT_TRUE(load_ok("---\ntitle: x\n").is_object()); // a leading document marker is fine
}

TEST(Yaml, DuplicateKeyIsAnErrorAtTheSecondKey) {
  auto r = load("title: a\ndate: 2024-01-01\ntitle: b\n");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "duplicated mapping key");
  EXPECT_EQ(r.error().where.path, "test.yml");
  EXPECT_EQ(r.error().where.line, 3u);
  EXPECT_EQ(r.error().where.column, 1u);
  EXPECT_EQ(r.error().where.line_text, "title: b");
}

TEST(Yaml, KeysEqualAsStringsAreDuplicates) {
  auto r = load("'1': a\n1: b\n");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().where.line, 2u);
}

TEST(Yaml, MoreThanOneDocumentIsAnError) {
  auto r = load("a: 1\n---\nb: 2\n");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().where.line, 2u);
}

struct ErrorCase {
  const char* yaml;
  uint32_t line;
  uint32_t column;
  const char* line_text;
};

class YamlSyntaxError : public testing::TestWithParam<ErrorCase> {};

TEST_P(YamlSyntaxError, ReportsLineColumnAndLineText) {
  const ErrorCase& c = GetParam();
  auto r = load(c.yaml);
  ASSERT_FALSE(r.has_value()) << c.yaml;
  EXPECT_FALSE(r.error().message.empty());
  EXPECT_EQ(r.error().where.line, c.line) << r.error().message;
  EXPECT_EQ(r.error().where.column, c.column) << r.error().message;
  EXPECT_EQ(r.error().where.line_text, c.line_text);
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, YamlSyntaxError,
    testing::Values(ErrorCase{"a: 1\nb:\n  - x\n - y\n", 4, 2, " - y"},
                    ErrorCase{"title: \"abc\ndate: 2025\n", 1, 8, "title: \"abc"},
                    ErrorCase{"a:\n\tb: 1\n", 2, 1, "\tb: 1"},
                    // columns count code points, not bytes
                    ErrorCase{"title: 依恋: 心之所向\n", 1, 10, "title: 依恋: 心之所向"},
                    ErrorCase{"k: *nope\n", 1, 4, "k: *nope"}));

TEST(Yaml, ErrorsAreShiftedIntoFileCoordinates) {
  std::string file = "---\ntitle: ok\ntags: [a\nx: 1\n---\nbody\n";
  std::string_view yaml = std::string_view(file).substr(4, file.find("\n---\n", 4) - 4);
  YamlSource src;
  src.text = yaml;
  src.path = "source/_posts/a.md";
  src.file_text = file;
  src.line_offset = 1;
  auto r = parse_yaml(src);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().where.path, "source/_posts/a.md");
  EXPECT_GE(r.error().where.line, 3u); // never a YAML-relative line 1 or 2
  EXPECT_LE(r.error().where.line, 4u);
}

TEST(Yaml, DeepNestingIsRejected) {
  std::string deep(600, '[');
  deep += std::string(600, ']');
  auto r = load(deep);
  EXPECT_FALSE(r.has_value());
}

} // namespace

namespace {

// Deep equality of two loaded values (Value's own == compares arrays and objects by identity).
bool same_value(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  if (a.is_array()) {
    const auto& x = a.as_array();
    const auto& y = b.as_array();
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!same_value(x[i], y[i])) return false;
    }
    return true;
  }
  if (a.is_object()) {
    const auto& x = a.as_object().entries();
    const auto& y = b.as_object().entries();
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (x[i].first != y[i].first || !same_value(x[i].second, y[i].second)) return false;
    }
    return true;
  }
  if (a.is_number() && std::isnan(a.as_number())) return std::isnan(b.as_number());
  return a == b;
}

// Whether libfyaml reads `text` as the simple front-matter parser did (`simple`).
::testing::AssertionResult libfyaml_agrees(std::string_view text, const Value& simple) {
  YamlSource src;
  src.text = text;
  src.path = "test.yml";
  auto full = haven::config::detail::parse_yaml_fully(src);
  if (!full) return ::testing::AssertionFailure() << "libfyaml: " << full.error().message << " in\n" << text;
  if (!same_value(simple, *full)) return ::testing::AssertionFailure() << "different values for\n" << text;
  return ::testing::AssertionSuccess();
}

// The simple front-matter parser must give what libfyaml gives wherever it answers.
void expect_simple_agrees(std::string_view text, bool expect_simple) {
  std::optional<Value> simple = haven::config::detail::parse_simple_yaml(text);
  EXPECT_EQ(simple.has_value(), expect_simple) << text;
  if (simple) {
    EXPECT_TRUE(libfyaml_agrees(text, *simple));
  }
}

} // namespace

TEST(Yaml, SimpleFrontMatterParserAgreesWithLibfyaml) {
  // taken by the simple parser
  for (std::string_view text : {
           "title: Notes on building 0\nabbrlink: 10000\ndate: 2015-01-01 07:35:53\ntags:\n  - tag-175\n  - 标签96\n"
           "  - tag-1\ncategories:\n  - 分类8\n  - 分类8 子类 B\n",
           "title: 依恋\ndate: 2025-11-07 12:22:09\nupdated: 2025-11-08\n",
           "a: 1\nb: 0x1F\nc: 1.5e3\nd: .inf\ne: ~\nf: null\ng: True\nh: yes\ni: off\nj: 1_000\n",
           "empty:\nnext: 2\n", "list:\n- a\n- b\nafter: x\n", "url: http://a.org/x?y=1&z=2\ntime: 07:35:53\n",
           "x: a, b [c] {d} e'f\"g\n", "n: 010\no: 0o17\np: +12\nq: 1e\nr: 2001-12-14t21:59:43.10-05:00\n",
           "s: 一二三 四\nt: ...\nu: a:b:c\n", "v:\n\n  - 1\n\n  - 2\n", "w: 12:30\nz: 190:20:30\n"}) {
    expect_simple_agrees(text, true);
  }
  // left to libfyaml (each is valid YAML the simple parser does not read)
  for (std::string_view text : {
           "title: 'quoted'\n", "title: \"quoted\"\n", "tags: [a, b]\n", "a: b # comment\n", "# c\na: 1\n",
           "a: &x 1\nb: *x\n", "a: !!str 1\n", "a: |\n  block\n", "a: >\n  folded\n", "a:\n  b: 1\n",
           "a: x\n  continued\n", "a:\n  - [p, q]\n", "a:\n  - b: 1\n", "a:\n  - x\n    - y\n", "? a\n: b\n",
           "a: 1\na: 2\n", "<<: {a: 1}\n", "---\na: 1\n", "a: 1\n---\nb: 2\n", "1: x\n", "null: x\n", "a:b\n",
           "a: -1\n", "a: x \n", "a:\t1\n", "a: @x\n", "a: %x\n", "a: `x\n", "a: x:\n", "a: ?x\n", "a:\n  - \n",
           "a: x\u2028y\n", "", "   \n"}) {
    expect_simple_agrees(text, false);
  }
}

// Random documents of simple-looking lines built from tricky plain scalars (numbers, dates, times,
// special floats, near-keywords): wherever the simple parser answers, libfyaml answers the same.
TEST(Yaml, SimpleFrontMatterParserAgreesOnRandomDocuments) {
  const std::vector<std::string> keys = {"title", "date", "tags", "b-c", "d_e", "Title", "x1", "updated", "abbrlink"};
  const std::vector<std::string> values = {
      "1", "-1", "0x1G", "0x1f", "1.", ".5", "+.inf", "-.Inf", ".NaN", "2015-01-01", "2015-1-1", "2015-01-01 7:35:53",
      "2015-01-01T07:35:53Z", "2015-01-01 07:35:53 +8", "2015-01-01 07:35:53.5 -05:30", "12:30:45", "1:20", "190:20:30",
      "0b101", "0o8", "08", "0.1e+3", "1e3", "1_0", "TRUE", "tRue", "Null", "NULL", "nULL", "~", "~x", "a~", "x:y",
      "a b", "é", "中文 字", "a,b", "a]b", "=", "<<", "..", "...", "a.", "0", "-0", "+0", "00", "1__2", "0x_1", "3.14.15",
      "yes", "No", "on", "OFF", "y", "n", "http://x.y/z?q#f", "a#b", "a #b", "-x", "x -", "a: b", "'a'", "[a]", "{a}",
      "*a", "&a", "!a", "|", ">", "%a", "@a", "`a", "a:", " a", "a ", ""};
  std::mt19937 rng(7);
  size_t answered = 0;
  for (int n = 0; n < 20000; ++n) {
    std::string doc;
    int lines = 1 + static_cast<int>(rng() % 6);
    for (int l = 0; l < lines; ++l) {
      const std::string& key = keys[rng() % keys.size()];
      if (rng() % 3 == 0) {
        doc += key + ":\n";
        std::string indent(rng() % 2 ? 2 : 0, ' ');
        for (int k = static_cast<int>(rng() % 3); k > 0; --k) doc += indent + "- " + values[rng() % values.size()] + "\n";
      } else {
        doc += key + ": " + values[rng() % values.size()] + "\n";
      }
    }
    std::optional<Value> simple = haven::config::detail::parse_simple_yaml(doc);
    if (!simple) continue;
    ++answered;
    ASSERT_TRUE(libfyaml_agrees(doc, *simple));
  }
  EXPECT_GT(answered, 2000u);
}

// libfyaml loops forever on a directive line that is not printable ASCII (found by fuzzing the
// front matter): such a line is an error before libfyaml sees it; real directives still parse.
TEST(Yaml, UnreadableDirectivesAreErrorsNotHangs) {
  for (std::string_view text : {std::string_view("%\x10\x01" "env]lE:\xa0\n"), std::string_view("%\xff<\ntitle: x\n"),
                                std::string_view("# c\n%--\x1a\xa0\na: 1\n")}) {
    auto r = load(text);
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().message.find("directive"), std::string::npos) << r.error().message;
  }
  auto r = load("%\xff<\ntitle: x\n");
  EXPECT_EQ(r.error().where.line, 1u);
  auto ok = load("%YAML 1.2\n---\na: 1\n");
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_EQ(ok->get("a").as_number(), 1);
}
