#include "site/external_links.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <optional>
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

namespace {

// The filtered page, or nullopt when no tag changes. `offsets` (positions outside tags, in
// order), when given, are moved by what the edits before them inserted.
std::optional<std::string> marked(std::string_view html, std::string_view own_host, const std::vector<std::string>& exclude,
                                  std::vector<size_t>* offsets = nullptr) {
  // Only a tag holding an absolute href can need the attributes; its first href decides.
  std::vector<size_t> hits = absolute_hrefs(html);
  if (hits.empty()) return std::nullopt;
  std::string out;
  size_t copied = 0;    // html before this is in `out`
  size_t last_tag = npos;
  size_t next_offset = 0;
  for (size_t at : hits) {
    auto [start, end] = anchor_around(html, at);
    if (start == npos || start == last_tag) continue;
    last_tag = start;
    std::string_view tag(html.data() + start, end - start);
    if (!needs_new_tab(tag, own_host, exclude)) continue;
    if (out.empty()) out.reserve(html.size() + 256);
    if (offsets) {  // offsets up to this tag move by what was inserted before it
      for (; next_offset < offsets->size() && (*offsets)[next_offset] <= start; ++next_offset) {
        (*offsets)[next_offset] += out.size() - copied;
      }
    }
    out.append(html, copied, start - copied);
    out += with_new_tab(tag);
    copied = end;
  }
  if (copied == 0) return std::nullopt;
  if (offsets) {
    for (; next_offset < offsets->size(); ++next_offset) (*offsets)[next_offset] += out.size() - copied;
  }
  out.append(html, copied);
  return out;
}

// Whether `text` ends inside a tag (its last '<' after its last '>'); `before` when it has neither.
bool ends_in_tag(std::string_view text, bool before) {
  const void* lt = ::memrchr(text.data(), '<', text.size());
  const void* gt = ::memrchr(text.data(), '>', text.size());
  if (!lt && !gt) return before;
  return std::less<const void*>{}(gt, lt);
}

// The filtered `text` (a spliced string), from this thread's memo when it filtered the same
// string for the same config lately: most recently used first, four entries (a page has a few
// spliced strings, one of them on every page).
base::Value marked_shared(const base::Value& text, std::string_view own_host, const std::vector<std::string>& exclude,
                          uint64_t config_key) {
  struct Entry {
    base::Value in, out;  // `in` held: its bytes cannot be freed and reused while it is here
    uint64_t config_key = 0;
  };
  thread_local std::array<Entry, 4> memo;
  for (size_t i = 0; i < memo.size(); ++i) {
    const Entry& e = memo[i];
    if (e.in.identity() == text.identity() && e.in.as_string().size() == text.as_string().size() &&
        e.config_key == config_key && e.in.is_string()) {
      std::rotate(memo.begin(), memo.begin() + static_cast<std::ptrdiff_t>(i), memo.begin() + static_cast<std::ptrdiff_t>(i) + 1);
      return memo[0].out;
    }
  }
  auto changed = marked(text.as_string(), own_host, exclude);
  base::Value out = changed ? base::Value::safe(std::move(*changed)) : text;
  std::rotate(memo.rbegin(), memo.rbegin() + 1, memo.rend());  // the last entry goes first, replaced
  memo[0] = {text, out, config_key};
  return out;
}

} // namespace

void mark_external_links(std::string& html, std::string_view own_host, const std::vector<std::string>& exclude) {
  if (auto changed = marked(html, own_host, exclude)) html = std::move(*changed);
}

void mark_external_links(base::SplicedText& page, std::string_view own_host, const std::vector<std::string>& exclude,
                         uint64_t config_key) {
  bool in_tag = false;
  size_t from = 0;
  for (const auto& s : page.splices) {
    in_tag = ends_in_tag(std::string_view(page.own).substr(from, s.at - from), in_tag);
    if (!in_tag) in_tag = ends_in_tag(s.text.as_string(), in_tag);
    if (in_tag) break;
    from = s.at;
  }
  if (in_tag) {  // a tag spans two pieces
    page = base::SplicedText(std::move(page).flatten());
    mark_external_links(page.own, own_host, exclude);
    return;
  }
  // no tag spans a splice point: the page's own bytes are filtered as one text (what a tag scan
  // sees around a splice point is the same without the spliced string), the points moved along
  std::vector<size_t> offsets;
  offsets.reserve(page.splices.size());
  for (const auto& s : page.splices) offsets.push_back(s.at);
  if (auto changed = marked(page.own, own_host, exclude, &offsets)) {
    page.own = std::move(*changed);
    for (size_t i = 0; i < offsets.size(); ++i) page.splices[i].at = offsets[i];
  }
  for (auto& s : page.splices) s.text = marked_shared(s.text, own_host, exclude, config_key);
}

} // namespace haven::site
