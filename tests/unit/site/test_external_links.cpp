// Hexo's external_link filter on whole pages (site/external_links.hpp).
#include <gtest/gtest.h>

#include <algorithm>

#include "site/external_links.hpp"

namespace haven::site {
namespace {

std::string marked(std::string html, std::vector<std::string> exclude = {}) {
  mark_external_links(html, "blog.example.com", exclude);
  return html;
}

TEST(ExternalLinks, OtherHostsOpenInANewTab) {
  EXPECT_EQ(marked(R"(<p><a href="https://hexo.io/">Hexo</a> <a href="http://a.org/x?y">A</a></p>)"),
            R"(<p><a target="_blank" rel="noopener" href="https://hexo.io/">Hexo</a> )"
            R"(<a target="_blank" rel="noopener" href="http://a.org/x?y">A</a></p>)");
  EXPECT_EQ(marked(R"(<a class="c" href="//cdn.example.org/f">f</a>)"),
            R"(<a class="c" target="_blank" rel="noopener" href="//cdn.example.org/f">f</a>)");
}

TEST(ExternalLinks, OwnHostExcludedHostsRelativeLinksAndOtherTagsStay) {
  std::string page = R"(<head><link rel="canonical" href="https://x.org/p/"></head>)"
                     R"(<a href="/tags/a/">a</a><a href="https://blog.example.com/about/">about</a>)"
                     R"(<a href="https://friend.org/">friend</a><img src="https://x.org/i.png">)";
  EXPECT_EQ(marked(page, {"friend.org"}), page);
}

TEST(ExternalLinks, ExistingTargetKeptExistingRelExtended) {
  EXPECT_EQ(marked(R"(<a href="https://a.org/" target="_self">a</a>)"), R"(<a href="https://a.org/" target="_self">a</a>)");
  EXPECT_EQ(marked(R"(<a rel="me" href="https://a.org/">a</a>)"),
            R"(<a rel="me noopener" target="_blank" href="https://a.org/">a</a>)");
}

// A tag is `<a ` up to the next `>`, and its first `href="` decides, as Hexo's filter and
// Haven's earlier anchor-by-anchor scan read it.
TEST(ExternalLinks, TagBoundariesAsAnAnchorScanCutsThem) {
  std::string first_href_relative = R"(<a data-href="/x" href="https://a.org/">a</a>)";
  EXPECT_EQ(marked(first_href_relative), first_href_relative);
  std::string cut_at_gt = R"(<a title="1>0" href="https://a.org/">a</a>)";
  EXPECT_EQ(marked(cut_at_gt), cut_at_gt);
  std::string not_a_tag_start = "<a\nhref=\"https://a.org/\">a</a>";
  EXPECT_EQ(marked(not_a_tag_start), not_a_tag_start);
  EXPECT_EQ(marked(R"(<a href="https://a.org/" data-x="href=&quot;http">a</a>)"),
            R"(<a target="_blank" rel="noopener" href="https://a.org/" data-x="href=&quot;http">a</a>)");
  EXPECT_EQ(marked(R"(<a href="https://a.org/" data-y="href="//b.org">a</a><a href="https://c.org">c</a>)"),
            R"(<a target="_blank" rel="noopener" href="https://a.org/" data-y="href="//b.org">a</a>)"
            R"(<a target="_blank" rel="noopener" href="https://c.org">c</a>)");
  std::string unclosed = R"(<a href="https://a.org/")";
  EXPECT_EQ(marked(unclosed), unclosed);
  // an href inside an unclosed rel value (raw HTML in a post can be anything): no crash, both
  // attributes still go in (inserting noopener first used to lose the href and throw)
  EXPECT_EQ(marked(R"(<a rel="mhref="http://b.org/">b</a>)"),
            R"(<a rel="mtarget="_blank" href= noopener"http://b.org/">b</a>)");
  EXPECT_EQ(marked(R"(<a href="http://b.org/" rel="x>b</a>)"),
            R"(<a target="_blank" rel="noopener" href="http://b.org/" rel="x>b</a>)");
}

// The scan finds absolute hrefs by their "//": slashes elsewhere (scripts, text, paths, a URL's
// own path) must neither hide a link nor mark one.
TEST(ExternalLinks, DoubleSlashesOutsideHrefs) {
  EXPECT_EQ(marked(R"(<script>// x</script><p>a // b ///</p><a href="http://a.org//y///">a</a><a href="/p//q">q</a>)"),
            R"(<script>// x</script><p>a // b ///</p><a target="_blank" rel="noopener" href="http://a.org//y///">a</a>)"
            R"(<a href="/p//q">q</a>)");
  std::string no_host = R"(<a href="///a.org/">a</a><a href="https:/a.org/">b</a><a href="httpx://a.org/">c</a>)";
  EXPECT_EQ(marked(no_host), no_host);
}

// A page with strings spliced in gives exactly the bytes of the same page filtered whole, wherever
// the splice points fall (between tags, inside a tag, inside a link's href) and whatever the own
// text's edits before them; a spliced string filtered once per thread is the same for every page.
TEST(ExternalLinks, SplicedPagesAsTheWholePage) {
  const std::vector<std::string> fragments = {
      R"(<p>text // and </p>)", R"(<a href="https://hexo.io/">h</a>)", R"(<a href="/in/">in</a>)",
      R"(<a rel="me" href="//cdn.org/x">c</a>)", R"(<a href="https://blog.example.com/">own</a>)", "<a ", R"(href="https://)",
      R"(a.org/">a</a>)", "<", "a href=\"http://b.org/\">b</a>", ">", "plain", R"(<img src="https://x.org/i.png">)"};
  uint64_t state = 88172645463325252ull;
  auto next = [&](size_t n) {
    state ^= state << 13; state ^= state >> 7; state ^= state << 17;
    return static_cast<size_t>(state % n);
  };
  std::vector<base::Value> shared;  // the same values on many pages, as a cached sidebar is
  for (int k = 0; k < 6; ++k) {
    std::string text;
    for (size_t n = 1 + next(6); n > 0; --n) text += fragments[next(fragments.size())];
    shared.push_back(base::Value::safe(text));
  }
  for (int round = 0; round < 3000; ++round) {
    base::SplicedText page;
    for (size_t n = next(8); n > 0; --n) page.own += fragments[next(fragments.size())];
    for (size_t n = next(4); n > 0; --n) page.splices.push_back({next(page.own.size() + 1), shared[next(shared.size())]});
    std::stable_sort(page.splices.begin(), page.splices.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
    const std::vector<std::string> exclude = round % 2 ? std::vector<std::string>{"cdn.org"} : std::vector<std::string>{};
    base::SplicedText copy = page;
    std::string whole = std::move(copy).flatten();
    mark_external_links(whole, "blog.example.com", exclude);
    mark_external_links(page, "blog.example.com", exclude, round % 2);
    ASSERT_EQ(std::move(page).flatten(), whole) << round;
  }
}

TEST(ExternalLinks, HostOfUrl) {
  EXPECT_EQ(url_host("https://a.org:8080/x"), "a.org:8080");
  EXPECT_EQ(url_host("//cdn.org?q"), "cdn.org");
  EXPECT_EQ(url_host("/local"), "");
}

} // namespace
} // namespace haven::site
