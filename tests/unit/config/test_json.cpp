// Strict JSON parsing into Value.
#include <gtest/gtest.h>

#include <string>

#include "config/json.hpp"

using haven::base::Value;
using haven::config::parse_json;

TEST(Json, ParsesAllValueKindsKeepingKeyOrder) {
  auto r = parse_json(R"({"z": 1, "a": [true, false, null, -1.5e2, "s"], "o": {}})", "x.json");
  ASSERT_TRUE(r.has_value());
  const auto& entries = r->as_object().entries();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].first, "z");
  EXPECT_EQ(entries[1].first, "a");
  Value a = r->get("a");
  EXPECT_TRUE(a.at(0).as_bool());
  EXPECT_FALSE(a.at(1).as_bool());
  EXPECT_TRUE(a.at(2).is_null());
  EXPECT_DOUBLE_EQ(a.at(3).as_number(), -150);
  EXPECT_EQ(a.at(4).as_string(), "s");
  EXPECT_TRUE(r->get("o").is_object());
}

TEST(Json, StringEscapesAndUnicode) {
  auto r = parse_json(R"(["a\"b\\c\/d\n\t", "\u4e2d\u6587", "\ud83d\ude00", "中文"])", "x.json");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->at(0).as_string(), "a\"b\\c/d\n\t");
  EXPECT_EQ(r->at(1).as_string(), "中文");
  EXPECT_EQ(r->at(2).as_string(), "\xF0\x9F\x98\x80");
  EXPECT_EQ(r->at(3).as_string(), "中文");
}

TEST(Json, RepeatedKeyKeepsFirstPositionAndLastValue) {
  auto r = parse_json(R"({"a": 1, "b": 2, "a": 3})", "x.json");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->as_object().entries()[0].first, "a");
  EXPECT_DOUBLE_EQ(r->get("a").as_number(), 3);
}

struct BadJson {
  const char* text;
  uint32_t line;
  uint32_t column;
};

class JsonError : public testing::TestWithParam<BadJson> {};

TEST_P(JsonError, IsRejectedWithPosition) {
  auto r = parse_json(GetParam().text, "bad.json");
  ASSERT_FALSE(r.has_value()) << GetParam().text;
  EXPECT_EQ(r.error().where.path, "bad.json");
  EXPECT_EQ(r.error().where.line, GetParam().line) << GetParam().text;
  EXPECT_EQ(r.error().where.column, GetParam().column) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(Strict, JsonError,
                         testing::Values(BadJson{"{\"a\": 1,}", 1, 9}, BadJson{"[1, 2", 1, 6},
                                         BadJson{"{'a': 1}", 1, 2}, BadJson{"01", 1, 2},
                                         BadJson{"{\"a\":\n  tru}", 2, 3}, BadJson{"\"x\ny\"", 1, 3},
                                         BadJson{"NaN", 1, 1}, BadJson{"1 2", 1, 3}, BadJson{"", 1, 1},
                                         BadJson{"[.5]", 1, 2}, BadJson{"{\"中\": x}", 1, 7}));

TEST(Json, ErrorLinesAreInFileCoordinates) {
  std::string file = ";;;\n{\"title\": \"x\",\n\"tags\": [1,]}\n;;;\nbody\n";
  std::string_view json = std::string_view(file).substr(4, file.find("\n;;;", 4) - 4);
  auto r = parse_json(json, "post.md", file, 1);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().where.line, 3u);
  EXPECT_EQ(r.error().where.column, 12u);
  EXPECT_EQ(r.error().where.line_text, "\"tags\": [1,]}");
}

TEST(Json, NestingLimitStopsRunawayInput) {
  std::string ok(500, '[');
  ok += std::string(500, ']');
  EXPECT_TRUE(parse_json(ok, "x.json").has_value());
  std::string deep(10000, '[');
  deep += std::string(10000, ']');
  EXPECT_FALSE(parse_json(deep, "x.json").has_value());
}
