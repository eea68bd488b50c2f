#include "site/external_links.hpp"

#include <algorithm>
#include <cstring>

#include "base/bytes.hpp"

namespace haven::site {

namespace {

constexpr size_t npos = std::string_view::npos;

// Positions of the `href="` that start an absolute href (`href="http://`, `href="https://` or
// `href="//`) in `html`, in order. The scan looks for "//", rare in a page but for such URLs,
// instead of `href="`, which every link of every page has.
std::vector<size_t> absolute_hrefs(std::string_view html) {
  std::vector<size_t> hits;
  for (size_t at = base::find_bytes(html, "//"); at != npos; at = base::find_bytes(html, "//", at + 1)) {
    std::string_view before = html.substr(0, at);
    for (std::string_view opening : {"href=\"", "href=\"http:", "href=\"https:"}) {
      if (before.ends_with(opening)) {
        hits.push_back(at - opening.size());
        break;
      }
    }
  }
  return hits;
}

// The `<a ` tag around position `at`, as a tag scan from the start would have cut it: it starts
// at the first `<a ` after the last `>` before `at` (and before `at`), and ends at the next `>`.
// {npos, npos} when `at` is in no such tag.
std::pair<size_t, size_t> anchor_around(std::string_view html, size_t at) {
  const void* gt = ::memrchr(html.data(), '>', at);
  size_t from = gt ? static_cast<size_t>(static_cast<const char*>(gt) - html.data()) + 1 : 0;
  size_t start = base::find_bytes(html.substr(0, at), "<a ", from);
  if (start == npos) return {npos, npos};
  size_t end = html.find('>', at);
  if (end == npos) return {npos, npos};
  return {start, end};
}

bool needs_new_tab(std::string_view tag, std::string_view own_host, const std::vector<std::string>& exclude) {
  size_t href = tag.find("href=\"");
  if (href == npos || tag.find("target=") != npos) return false;
  std::string_view url = tag.substr(href + 6);
  url = url.substr(0, url.find('"'));
  if (!url.starts_with("http://") && !url.starts_with("https://") && !url.starts_with("//")) return false;
  std::string host = url_host(url);
  return !host.empty() && host != own_host && std::find(exclude.begin(), exclude.end(), host) == exclude.end();
}

// `tag` (which has an href="…") with target="_blank" before its href and noopener added to its
// rel, or rel="noopener" with the target when it has none (or an unclosed one). Positions are
// taken in the tag as it is and filled from the end, so a malformed tag (an href inside the
// rel's value) cannot move one out from under the other.
std::string with_new_tab(std::string_view tag) {
  std::string t(tag);
  const size_t href = t.find("href=\"");
  const size_t rel = t.find("rel=\"");
  const size_t rel_end = rel == std::string::npos ? std::string::npos : t.find('"', rel + 5);
  if (rel_end == std::string::npos) {
    t.insert(href, "target=\"_blank\" rel=\"noopener\" ");
  } else if (rel_end > href) {
    t.insert(rel_end, " noopener");
    t.insert(href, "target=\"_blank\" ");
  } else {
    t.insert(href, "target=\"_blank\" ");
    t.insert(rel_end, " noopener");
  }
  return t;
}

} // namespace

std::string url_host(std::string_view url) {
  auto p = url.find("//");
  if (p == npos) return {};
  url.remove_prefix(p + 2);
  return std::string(url.substr(0, url.find_first_of("/?#")));
}

void mark_external_links(std::string& html, std::string_view own_host, const std::vector<std::string>& exclude) {
  // Only a tag holding an absolute href can need the attributes; its first href decides.
  std::vector<size_t> hits = absolute_hrefs(html);
  if (hits.empty()) return;
  std::string out;
  size_t copied = 0;    // html before this is in `out`
  size_t last_tag = npos;
  for (size_t at : hits) {
    auto [start, end] = anchor_around(html, at);
    if (start == npos || start == last_tag) continue;
    last_tag = start;
    std::string_view tag(html.data() + start, end - start);
    if (!needs_new_tab(tag, own_host, exclude)) continue;
    if (out.empty()) out.reserve(html.size() + 256);
    out.append(html, copied, start - copied);
    out += with_new_tab(tag);
    copied = end;
  }
  if (copied == 0) return;
  out.append(html, copied);
  html = std::move(out);
}

} // namespace haven::site
