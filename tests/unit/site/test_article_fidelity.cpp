// Article HTML fidelity: for every fixture post, Haven's `post.content` (as its search.xml
// prints it with `search.format: html`, like hexo-generator-searchdb) against Hexo's own
// search.xml, after normalising whitespace. Differences that remain are listed in
// k_allowed_differences, each with its reason; anything else fails.
#include <regex>

#include "site_test_util.hpp"
#include "text/html.hpp"

namespace haven::testing {
namespace {

const fs::path k_fixture = fs::path(HAVEN_SHARED_DIR) / "fixtures" / "hexo-basic";
const fs::path k_expected = fs::path(HAVEN_SHARED_DIR) / "fixtures" / "hexo-basic.expected";

// URL → <content> of each entry of a searchdb XML file.
std::map<std::string, std::string> entries(const std::string& xml) {
  std::map<std::string, std::string> out;
  static const std::regex k_entry(R"(<entry>\s*<title>[^<]*</title>\s*<url>([^<]*)</url>\s*<content><!\[CDATA\[([\s\S]*?)\]\]></content>)");
  for (auto it = std::sregex_iterator(xml.begin(), xml.end(), k_entry); it != std::sregex_iterator(); ++it) {
    std::string url = (*it)[1];
    // hexo-generator-searchdb joins root and a front-matter permalink starting with '/' into
    // "//custom/…" (spec §11.4); the post is the same.
    if (url.starts_with("//")) url.erase(0, 1);
    out[url] = (*it)[2];
  }
  return out;
}

std::string decode_mailto(const std::string& html) {
  static const std::regex k_mailto(R"re(href="(mailto:[^"]*)")re");
  std::string out;
  auto begin = std::sregex_iterator(html.begin(), html.end(), k_mailto);
  size_t pos = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    out += html.substr(pos, it->position(0) - pos);
    out += "href=\"" + text::unescape_html((*it)[1].str()) + "\"";
    pos = it->position(0) + it->length(0);
  }
  return out + html.substr(pos);
}

// Remaining differences, applied to both sides before comparing. Each is a normalisation with
// the reason the two outputs cannot or should not be made byte-identical.
struct AllowedDifference {
  const char* what;
  std::string (*normalise)(const std::string&);
  const char* reason;
};
const AllowedDifference k_allowed_differences[] = {
    // marked's `mangle` encodes each character of a mailto: href as a random mix of &#NN; and
    // &#xNN; that changes from build to build (spec §9.3), so no output can match it; Haven
    // writes the address plainly. Compared after decoding character references in mailto hrefs.
    {"mailto hrefs", decode_mailto, "marked's mangle is random per build"},
};


std::string normalise(const std::string& html) {
  std::string s = html;
  for (const AllowedDifference& d : k_allowed_differences) s = d.normalise(s);
  s = std::regex_replace(s, std::regex(R"(\s+)"), " ");
  s = std::regex_replace(s, std::regex(R"(> <)"), "><");
  size_t a = s.find_first_not_of(' ');
  size_t b = s.find_last_not_of(' ');
  return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

TEST(ArticleFidelity, EveryFixturePostMatchesHexo) {
  TempDir dir;
  copy_fixture(k_fixture, dir.path() / "site");
  site::BuildOptions o;
  o.site_dir = dir.path() / "site";
  o.output_dir = dir.path() / "public";
  o.process_zone = "UTC";
  auto report = site::build_site(o);
  ASSERT_TRUE(report.has_value()) << (report ? "" : describe(report.error()));

  auto hexo = entries(read_text(k_expected / "search.xml"));
  auto haven = entries(read_text(dir.path() / "public" / "search.xml"));
  ASSERT_GE(hexo.size(), 20u);
  size_t compared = 0, identical = 0;
  for (const auto& [url, expected] : hexo) {
    if (url.starts_with("/2026/11/24/")) continue;  // no-date.md: dated by the copy's creation time
    auto it = haven.find(url);
    ASSERT_NE(it, haven.end()) << "Haven's search.xml has no entry for " << url;
    ++compared;
    if (it->second == expected) ++identical;
    EXPECT_EQ(normalise(it->second), normalise(expected)) << "post " << url;
  }
  EXPECT_GE(compared, 19u);
  // All but the two posts with a mailto: link (hello-world, math-footnotes) are byte-identical,
  // not just equal after normalising.
  EXPECT_EQ(identical, compared - 2) << identical << " of " << compared << " identical";
}

} // namespace
} // namespace haven::testing
