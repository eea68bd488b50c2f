#include <gtest/gtest.h>

#include "text/url.hpp"

namespace haven::text {
namespace {

TEST(Url, EncodeUri) {
  EXPECT_EQ(encode_uri("/tags/依恋/"), "/tags/%E4%BE%9D%E6%81%8B/");
  EXPECT_EQ(encode_uri("a b?x=1&y=2#h"), "a%20b?x=1&y=2#h");
  EXPECT_EQ(encode_uri(";,/?:@&=+$-_.!~*'()#"), ";,/?:@&=+$-_.!~*'()#");
  EXPECT_EQ(encode_uri("100%"), "100%25");
  EXPECT_EQ(encode_uri("：\"<>"), "%EF%BC%9A%22%3C%3E");
}

TEST(Url, EncodeUriComponent) {
  EXPECT_EQ(encode_uri_component("a/b?c=d&e"), "a%2Fb%3Fc%3Dd%26e");
  EXPECT_EQ(encode_uri_component("-_.!~*'()"), "-_.!~*'()");
  EXPECT_EQ(encode_uri_component("依"), "%E4%BE%9D");
}

TEST(Url, DecodeUri) {
  EXPECT_EQ(decode_uri("%E4%BE%9D%E6%81%8B"), "依恋");
  EXPECT_EQ(decode_uri("a%20b"), "a b");
  EXPECT_EQ(decode_uri("%2F%3F%23%26"), "%2F%3F%23%26");  // reserved stay encoded
  EXPECT_EQ(decode_uri("100%"), "100%");                    // malformed kept
  EXPECT_EQ(decode_uri("%E4%BE"), "%E4%BE");                // truncated UTF-8 kept
  EXPECT_EQ(decode_uri("%zz%4"), "%zz%4");
  EXPECT_EQ(decode_uri_component("%2F%E4%BE%9D"), "/依");
}

TEST(Url, EncodeUrl) {
  struct Case {
    const char* input;
    const char* output;
  };
  const Case cases[] = {
      {"/tags/依恋/", "/tags/%E4%BE%9D%E6%81%8B/"},
      {"/2025/11/07/依恋：心之所向，安然归处/",
       "/2025/11/07/%E4%BE%9D%E6%81%8B%EF%BC%9A%E5%BF%83%E4%B9%8B%E6%89%80%E5%90%91%EF%BC%8C%E5%AE%89%E7%84%B6%E5%BD%92%E5%A4%84/"},
      {"/tags/%E4%BE%9D/", "/tags/%E4%BE%9D/"},  // already encoded: not double-encoded
      {"/a b/", "/a%20b/"},
      {"https://example.com", "https://example.com/"},
      {"https://Example.COM/路径?q=中#片", "https://example.com/%E8%B7%AF%E5%BE%84?q=%E4%B8%AD#%E7%89%87"},
      {"https://blog.example.com/tags/%E4%BE%9D/", "https://blog.example.com/tags/%E4%BE%9D/"},
      {"mailto:me@example.com", "mailto:me@example.com"},
      {"data:image/png;base64,AAA=", "data:image/png;base64,AAA="},
  };
  for (const Case& c : cases) EXPECT_EQ(encode_url(c.input), c.output) << c.input;
}

TEST(Url, UrlFor) {
  UrlOptions o;
  o.url = "https://blog.example.com";
  EXPECT_EQ(url_for("/about/", o), "/about/");
  EXPECT_EQ(url_for("about/", o), "/about/");
  EXPECT_EQ(url_for("tags/依恋/", o), "/tags/%E4%BE%9D%E6%81%8B/");
  EXPECT_EQ(url_for("#top", o), "#top");
  EXPECT_EQ(url_for("//cdn.example.com/x.js", o), "//cdn.example.com/x.js");
  EXPECT_EQ(url_for("https://hexo.io/", o), "https://hexo.io/");
  EXPECT_EQ(url_for("mailto:a@b.c", o), "mailto:a@b.c");
  EXPECT_EQ(url_for("", o), "/");
  // paths that look plain but are not: each goes through encoding (url_for skips it for plain ones)
  EXPECT_EQ(url_for("a b/", o), "/a%20b/");
  EXPECT_EQ(url_for("a%20b/", o), "/a%20b/");
  EXPECT_EQ(url_for("100%/", o), "/100%25/");
  EXPECT_EQ(url_for("a\\b", o), "/a%5Cb");
  EXPECT_EQ(url_for("x/?q=1&r=2#f", o), "/x/?q=1&r=2#f");
  EXPECT_EQ(url_for("posts/31466/", o), "/posts/31466/");
  o.root = "/blog/";
  EXPECT_EQ(url_for("/css/style.css", o), "/blog/css/style.css");
  EXPECT_EQ(url_for("a//b", o), "/blog/a/b");
  o.root = "/";
  o.trailing_index = false;
  EXPECT_EQ(url_for("archives/index.html", o), "/archives/");
  o.trailing_html = false;
  EXPECT_EQ(url_for("about/me.html", o), "/about/me");
  EXPECT_EQ(url_for("index.html", o), "/");
  o.trailing_index = true;
  EXPECT_EQ(url_for("archives/index.html", o), "/archives/index.html");
}

TEST(Url, FullUrlFor) {
  UrlOptions o;
  o.url = "https://blog.example.com";
  EXPECT_EQ(full_url_for("/about/", o), "https://blog.example.com/about/");
  EXPECT_EQ(full_url_for("tags/依恋/", o), "https://blog.example.com/tags/%E4%BE%9D%E6%81%8B/");
  EXPECT_EQ(full_url_for("", o), "https://blog.example.com/");
  EXPECT_EQ(full_url_for("https://hexo.io/", o), "https://hexo.io/");
  o.url = "https://blog.example.com/";
  EXPECT_EQ(full_url_for("/2025/11/07/x/index.html", o), "https://blog.example.com/2025/11/07/x/index.html");
  o.trailing_index = false;
  EXPECT_EQ(full_url_for("/2025/11/07/x/index.html", o), "https://blog.example.com/2025/11/07/x/");
}

} // namespace
} // namespace haven::text
