#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "text/collate.hpp"

namespace haven::text {
namespace {

TEST(Collate, PinyinOrderHanBeforeLatin) {
  // deps.md §3(d), the observed "zh" order.
  std::vector<std::string> expected = {"阿里巴巴", "安然", "北京", "重庆", "连接", "情感", "心理成长",
                                       "依恋", "音乐", "银行", "长城", "治愈", "C++", "Hexo", "zebra"};
  std::vector<std::string> names = expected;
  std::reverse(names.begin(), names.end());
  std::sort(names.begin(), names.end(),
            [](const std::string& a, const std::string& b) { return compare_collated(a, b) < 0; });
  EXPECT_EQ(names, expected);
}

TEST(Collate, Signs) {
  EXPECT_LT(compare_collated("apple", "banana"), 0);
  EXPECT_GT(compare_collated("banana", "apple"), 0);
  EXPECT_EQ(compare_collated("依恋", "依恋"), 0);
  EXPECT_LT(compare_collated("", "a"), 0);
}

} // namespace
} // namespace haven::text
