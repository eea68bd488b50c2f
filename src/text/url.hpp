// URL encoding as JavaScript and hexo-util do it, and Hexo's url_for / full_url_for helpers.
#pragma once

#include <string>
#include <string_view>

namespace haven::text {

// JavaScript encodeURI: percent-encodes UTF-8 bytes of everything except A–Z a–z 0–9
// ; , / ? : @ & = + $ - _ . ! ~ * ' ( ) #. Invalid UTF-8 bytes are encoded byte-wise.
std::string encode_uri(std::string_view s);

// JavaScript encodeURIComponent: keeps only A–Z a–z 0–9 - _ . ! ~ * ' ( ).
std::string encode_uri_component(std::string_view s);

// JavaScript decodeURI, leniently: %XX runs that form valid UTF-8 are decoded, except those
// that decode to a reserved character (; / ? : @ & = + $ , #), which stay encoded. Malformed
// escapes and invalid byte sequences are kept as written instead of throwing.
std::string decode_uri(std::string_view s);

// Decodes every %XX (valid UTF-8 or not), like decode_uri but also reserved characters; for
// turning an encoded URL path back into a file path. Malformed escapes stay as written.
std::string decode_uri_component(std::string_view s);

// hexo-util encodeURL. Absolute http(s)/ftp/ws(s) URLs: lower-cased host kept in Unicode, "/"
// added to a bare host, path/query/fragment re-encoded as encode_uri(decode_uri(part)).
// Other schemes (mailto:, data:) unchanged. Relative strings: encode_uri(decode_uri(s)).
std::string encode_url(std::string_view s);

struct UrlOptions {
  std::string url;         // site url, e.g. "https://blog.example.com" (a trailing '/' is ignored)
  std::string root = "/";  // site root path, starting and ending with '/'
  bool trailing_index = true;  // false: "a/index.html" → "a/"
  bool trailing_html = true;   // false: "a.html" → "a" (not for index.html)
  // config relative_link: the url_for helper makes site paths relative to the page (the
  // helper's business; url_for below ignores it). Kept here so the helper reads no config.
  bool relative_link = false;
};

// Hexo's url_for: "#…", "//…", "http(s):…" and other-scheme URLs are returned unchanged;
// otherwise encode_url of root + path with repeated slashes collapsed, then pretty_urls.
std::string url_for(std::string_view path, const UrlOptions& o);

// Hexo's full_url_for: encode_url(url + ("/" + path) with repeated slashes collapsed), then
// pretty_urls; "//…" and "http(s):…" are returned unchanged.
std::string full_url_for(std::string_view path, const UrlOptions& o);

} // namespace haven::text
