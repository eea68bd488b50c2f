#include "text/url.hpp"

#include <algorithm>
#include <array>

#include "text/utf8.hpp"

namespace haven::text {

namespace {

constexpr char k_hex[] = "0123456789ABCDEF";

constexpr bool is_alnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

constexpr std::array<bool, 256> make_keep(std::string_view extra) {
  std::array<bool, 256> t{};
  for (int c = 0; c < 128; ++c) t[static_cast<size_t>(c)] = is_alnum(static_cast<char>(c));
  for (char c : extra) t[static_cast<unsigned char>(c)] = true;
  return t;
}
constexpr auto k_uri_keep = make_keep(";,/?:@&=+$-_.!~*'()#");
constexpr auto k_component_keep = make_keep("-_.!~*'()");

bool is_uri_reserved(unsigned char c) {
  return std::string_view(";/?:@&=+$,#").find(static_cast<char>(c)) != std::string_view::npos;
}

std::string encode_with(std::string_view s, const std::array<bool, 256>& keep) {
  std::string out;
  out.reserve(s.size() + s.size() / 2);
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (keep[c]) {
      out += ch;
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 15];
    }
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX at `i` into `byte`; false when `i` does not start a well-formed escape.
bool escape_at(std::string_view s, size_t i, unsigned char& byte) {
  if (i + 2 >= s.size() || s[i] != '%') return false;
  int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
  if (hi < 0 || lo < 0) return false;
  byte = static_cast<unsigned char>(hi * 16 + lo);
  return true;
}

std::string decode_impl(std::string_view s, bool keep_reserved) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    unsigned char b0;
    if (s[i] != '%' || !escape_at(s, i, b0)) {
      out += s[i++];
      continue;
    }
    if (b0 < 0x80) {
      if (keep_reserved && is_uri_reserved(b0)) out.append(s.substr(i, 3));
      else out += static_cast<char>(b0);
      i += 3;
      continue;
    }
    // Gather the escapes of one multi-byte sequence and decode them only if well-formed.
    size_t need = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 0;
    std::string bytes(1, static_cast<char>(b0));
    size_t j = i + 3;
    for (size_t k = 1; k < need; ++k, j += 3) {
      unsigned char b;
      if (!escape_at(s, j, b)) break;
      bytes += static_cast<char>(b);
    }
    if (need != 0 && bytes.size() == need && !find_invalid_utf8(bytes)) {
      out += bytes;
      i = j;
    } else if (!keep_reserved) {
      out += static_cast<char>(b0);  // component decoding is byte-wise when it is not UTF-8
      i += 3;
    } else {
      out.append(s.substr(i, 3));
      i += 3;
    }
  }
  return out;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char a = s[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a + 32);
    if (a != prefix[i]) return false;
  }
  return true;
}

// The scheme of an absolute URL ("http"), lower-cased, or empty.
std::string scheme_of(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && (is_alnum(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')) ++i;
  if (i == 0 || i >= s.size() || s[i] != ':') return {};
  if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'))) return {};
  std::string scheme(s.substr(0, i));
  for (char& c : scheme) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return scheme;
}

std::string collapse_slashes(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '/' && !out.empty() && out.back() == '/') continue;
    out += c;
  }
  return out;
}

// Whether encode_url(collapse_slashes(s)) is `s` itself: a path from the root ('/', so no
// scheme) without a doubled slash, without '%' (nothing to decode) and with only characters
// encodeURI keeps.
bool is_plain_path(std::string_view s) {
  if (s.empty() || s.front() != '/') return false;
  char previous = 0;
  for (char c : s) {
    if (!k_uri_keep[static_cast<unsigned char>(c)] || (c == '/' && previous == '/')) return false;
    previous = c;
  }
  return true;
}

bool ends_with_ci(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  return starts_with_ci(s.substr(s.size() - suffix.size()), suffix);
}

std::string pretty_urls(std::string url, const UrlOptions& o) {
  if (!o.trailing_index && ends_with_ci(url, "/index.html")) {
    url.erase(url.size() - std::string_view("index.html").size());
  }
  if (!o.trailing_html && !ends_with_ci(url, "/index.html") && ends_with_ci(url, ".html")) {
    url.erase(url.size() - std::string_view(".html").size());
  }
  return url;
}

std::string_view site_url(const UrlOptions& o) {
  std::string_view url = o.url;
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  return url;
}

} // namespace

std::string encode_uri(std::string_view s) { return encode_with(s, k_uri_keep); }

std::string encode_uri_component(std::string_view s) { return encode_with(s, k_component_keep); }

std::string decode_uri(std::string_view s) { return decode_impl(s, true); }

std::string decode_uri_component(std::string_view s) { return decode_impl(s, false); }

std::string encode_url(std::string_view s) {
  std::string scheme = scheme_of(s);
  if (scheme.empty()) return encode_uri(decode_uri(s));
  static constexpr std::string_view k_special[] = {"http", "https", "ftp", "ws", "wss"};
  if (std::find(std::begin(k_special), std::end(k_special), scheme) == std::end(k_special)) {
    return std::string(s);  // opaque URLs (mailto:, data:, javascript:) have no path to encode
  }
  std::string_view rest = s.substr(scheme.size() + 1);
  while (!rest.empty() && (rest.front() == '/' || rest.front() == '\\')) rest.remove_prefix(1);
  size_t authority_end = rest.find_first_of("/?#\\");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view tail = authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);

  std::string out = scheme + "://";
  // WHATWG lower-cases ASCII hosts; IDN hosts stay in Unicode (format(..., {unicode: true})).
  for (char c : authority) out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  size_t query = tail.find_first_of("?#");
  std::string_view path = tail.substr(0, query);
  std::string_view after = query == std::string_view::npos ? std::string_view{} : tail.substr(query);
  if (path.empty()) out += '/';
  else {
    std::string p(path);
    std::replace(p.begin(), p.end(), '\\', '/');
    out += encode_uri(decode_uri(p));
  }
  out += encode_uri(decode_uri(after));
  return out;
}

std::string url_for(std::string_view path, const UrlOptions& o) {
  if (path.empty()) path = "/";
  if (path.front() == '#' || path.starts_with("//") || starts_with_ci(path, "http:") ||
      starts_with_ci(path, "https:")) {
    return std::string(path);
  }
  if (!scheme_of(path).empty()) return std::string(path);  // mailto:, data:… resolve elsewhere
  std::string joined;
  joined.reserve(o.root.size() + path.size());
  joined.append(o.root).append(path);
  if (is_plain_path(joined)) return pretty_urls(std::move(joined), o);  // most calls: nothing to encode
  return pretty_urls(encode_url(collapse_slashes(joined)), o);
}

std::string full_url_for(std::string_view path, const UrlOptions& o) {
  if (path.starts_with("//") || starts_with_ci(path, "http:") || starts_with_ci(path, "https:")) {
    return std::string(path);
  }
  std::string_view url = site_url(o);
  std::string joined = std::string(url) + collapse_slashes("/" + std::string(path));
  return pretty_urls(encode_url(joined), o);
}

} // namespace haven::text
