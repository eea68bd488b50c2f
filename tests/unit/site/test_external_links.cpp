// Hexo's external_link filter on whole pages (site/external_links.hpp).
#include <gtest/gtest.h>

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

TEST(ExternalLinks, HostOfUrl) {
  EXPECT_EQ(url_host("https://a.org:8080/x"), "a.org:8080");
  EXPECT_EQ(url_host("//cdn.org?q"), "cdn.org");
  EXPECT_EQ(url_host("/local"), "");
}

} // namespace
} // namespace haven::site
