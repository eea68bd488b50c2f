// Hexo's list helpers with their markup (hexo/dist/plugins/helper/*): paginator, toc,
// list_categories, list_tags, list_archives, list_posts, tagcloud.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>

#include "site/helper_internal.hpp"
#include "site/render_tracking.hpp"
#include "text/collate.hpp"
#include "text/datetime.hpp"
#include "text/html.hpp"
#include "text/url.hpp"

namespace haven::site::helper {

using base::Value;
using tmpl::CallContext;
using tmpl::KwArgs;

namespace {

std::string esc(std::string_view s) { return text::escape_html(s); }

// --- paginator ------------------------------------------------------------------------------

// hexo-util htmlTag text escaping: escapeHTML when `escape`, else as is.
std::string tag_text(std::string_view s, bool escape) { return escape ? esc(s) : std::string(s); }

std::string paginator_html(CallContext& ctx, const SiteModel& site, const Options& o) {
  Value page = ctx.lookup("page");
  std::string base = o.has("base") ? o.str("base") : page.get("base").to_string();
  if (page.get("base").is_nullish() && !o.has("base")) base.clear();
  int current = static_cast<int>(o.num("current", page.get("current").is_number() ? page.get("current").as_number() : 0));
  int total = static_cast<int>(o.num("total", page.get("total").is_number() ? page.get("total").as_number() : 1));
  std::string format = o.str("format", site.config.str("pagination_dir", "page") + "/%d/");
  int end_size = static_cast<int>(o.has("end_size") ? o.get("end_size").as_number() : 1);
  int mid_size = static_cast<int>(o.has("mid_size") ? o.get("mid_size").as_number() : 2);
  std::string space = o.has("space") ? o.get("space").to_string() : "&hellip;";
  if (o.has("space") && !o.get("space").truthy()) space.clear();
  std::string next_text = o.str("next_text", "Next");
  std::string prev_text = o.str("prev_text", "Prev");
  bool prev_next = o.flag("prev_next", true);
  bool escape = o.flag("escape", true);
  std::string page_class = o.str("page_class", "page-number");
  std::string current_class = o.str("current_class", "current");
  std::string space_class = o.str("space_class", "space");
  std::string prev_class = o.str("prev_class", "extend prev");
  std::string next_class = o.str("next_class", "extend next");
  bool force_prev_next = o.flag("force_prev_next", false);
  if (!current) return {};

  auto link = [&](int i) {
    std::string p = i == 1 ? base : base + format;
    if (i != 1) {
      auto at = p.find("%d");
      if (at != std::string::npos) p.replace(at, 2, std::to_string(i));
    }
    return url_for(ctx, site, p);
  };
  auto page_tag = [&](int i) {
    if (i == current) {
      return fmt::format("<span class=\"{} {}\">{}</span>", esc(page_class), esc(current_class), i);
    }
    return fmt::format("<a class=\"{}\" href=\"{}\">{}</a>", esc(page_class), link(i), i);
  };
  std::string out;
  if (prev_next && current > 1) {
    out += fmt::format("<a class=\"{}\" rel=\"prev\" href=\"{}\">{}</a>", esc(prev_class), link(current - 1), tag_text(prev_text, escape));
  } else if (force_prev_next) {
    out += fmt::format("<span class=\"{}\" rel=\"prev\">{}</span>", esc(prev_class), tag_text(prev_text, escape));
  }
  if (o.flag("show_all", false)) {
    for (int i = 1; i <= total; ++i) out += page_tag(i);
  } else {
    int left_end = std::min(end_size, current - 1);
    int right_end = std::max(total - end_size + 1, current + 1);
    int left_mid = std::max(left_end + 1, current - mid_size);
    int right_mid = std::min(right_end - 1, current + mid_size);
    std::string space_html = fmt::format("<span class=\"{}\">{}</span>", esc(space_class), space);
    for (int i = 1; i <= left_end; ++i) out += page_tag(i);
    if (!space.empty() && left_mid - left_end > 1) out += space_html;
    for (int i = left_mid; i < current; ++i) out += page_tag(i);
    out += page_tag(current);
    for (int i = current + 1; i <= right_mid; ++i) out += page_tag(i);
    if (!space.empty() && right_end - right_mid > 1) out += space_html;
    for (int i = right_end; i <= total; ++i) out += page_tag(i);
  }
  if (prev_next && current < total) {
    out += fmt::format("<a class=\"{}\" rel=\"next\" href=\"{}\">{}</a>", esc(next_class), link(current + 1), tag_text(next_text, escape));
  } else if (force_prev_next) {
    out += fmt::format("<span class=\"{}\" rel=\"next\">{}</span>", esc(next_class), tag_text(next_text, escape));
  }
  return out;
}

// --- toc ------------------------------------------------------------------------------------

struct Heading {
  int level = 0;
  std::string id;    // decoded attribute value
  std::string text;  // escaped text
  bool unnumbered = false;
};

bool ascii_ieq(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// The value of attribute `name` in a start tag's attribute text; nullopt when absent.
std::optional<std::string> attribute(std::string_view attrs, std::string_view name) {
  size_t i = 0;
  while (i < attrs.size()) {
    while (i < attrs.size() && (std::isspace(static_cast<unsigned char>(attrs[i])) || attrs[i] == '/')) ++i;
    size_t start = i;
    while (i < attrs.size() && attrs[i] != '=' && !std::isspace(static_cast<unsigned char>(attrs[i])) && attrs[i] != '>') ++i;
    std::string_view key = attrs.substr(start, i - start);
    if (key.empty()) {
      ++i;
      continue;
    }
    while (i < attrs.size() && std::isspace(static_cast<unsigned char>(attrs[i]))) ++i;
    std::string value;
    bool has_value = false;
    if (i < attrs.size() && attrs[i] == '=') {
      has_value = true;
      ++i;
      while (i < attrs.size() && std::isspace(static_cast<unsigned char>(attrs[i]))) ++i;
      if (i < attrs.size() && (attrs[i] == '"' || attrs[i] == '\'')) {
        char q = attrs[i++];
        size_t end = attrs.find(q, i);
        if (end == std::string_view::npos) end = attrs.size();
        value = attrs.substr(i, end - i);
        i = end + 1;
      } else {
        size_t vs = i;
        while (i < attrs.size() && !std::isspace(static_cast<unsigned char>(attrs[i])) && attrs[i] != '>') ++i;
        value = attrs.substr(vs, i - vs);
      }
    }
    if (ascii_ieq(key, name)) return has_value ? text::unescape_html(value) : std::string();
  }
  return std::nullopt;
}

// hexo-util tocObj: the h1–h6 elements of `html` within [min_depth, max_depth].
std::vector<Heading> toc_headings(std::string_view html, int min_depth, int max_depth) {
  std::vector<Heading> out;
  size_t i = 0;
  while ((i = html.find('<', i)) != std::string_view::npos) {
    if (i + 3 > html.size()) break;
    char h = html[i + 1];
    char d = html[i + 2];
    char after = i + 3 < html.size() ? html[i + 3] : '>';
    if ((h != 'h' && h != 'H') || d < '1' || d > '6' || !(after == '>' || std::isspace(static_cast<unsigned char>(after)))) {
      ++i;
      continue;
    }
    int level = d - '0';
    size_t tag_end = html.find('>', i);
    if (tag_end == std::string_view::npos) break;
    std::string_view attrs = html.substr(i + 3, tag_end - i - 3);
    std::string close = fmt::format("</h{}", level);
    size_t close_at = tag_end + 1;
    while (true) {
      close_at = html.find("</", close_at);
      if (close_at == std::string_view::npos || ascii_ieq(html.substr(close_at, 4), close)) break;
      close_at += 2;
    }
    if (close_at == std::string_view::npos) close_at = html.size();
    if (level >= min_depth && level <= max_depth) {
      Heading hd;
      hd.level = level;
      hd.id = attribute(attrs, "id").value_or("");
      hd.unnumbered = attribute(attrs, "data-toc-unnumbered").has_value();
      hd.text = esc(text::unescape_html(text::strip_html(html.substr(tag_end + 1, close_at - tag_end - 1))));
      out.push_back(std::move(hd));
    }
    i = close_at;
  }
  return out;
}

// Hexo 7's max_items: keep the shallowest levels that fit, then cut to max_items.
void limit_headings(std::vector<Heading>& hs, size_t max_items) {
  if (hs.size() <= max_items) return;
  std::array<size_t, 7> per_level{};
  for (const auto& h : hs) per_level[static_cast<size_t>(h.level)]++;
  size_t count = 0;
  int keep_level = 0;
  for (int l = 1; l <= 6; ++l) {
    if (!per_level[static_cast<size_t>(l)]) continue;
    if (keep_level && count + per_level[static_cast<size_t>(l)] > max_items) break;
    count += per_level[static_cast<size_t>(l)];
    keep_level = l;
  }
  std::erase_if(hs, [&](const Heading& h) { return h.level > keep_level; });
  if (hs.size() > max_items) hs.resize(max_items);
}

std::string toc_html(std::vector<Heading> data, const Options& o) {
  if (o.has("max_items")) limit_headings(data, static_cast<size_t>(std::max(0.0, o.num("max_items", 1e9))));
  if (data.empty()) return {};
  std::string cls = o.str("class", "toc");
  std::string item = esc(o.str("class_item", cls + "-item"));
  std::string link = esc(o.str("class_link", cls + "-link"));
  std::string text_cls = esc(o.str("class_text", cls + "-text"));
  std::string child = esc(o.str("class_child", cls + "-child"));
  std::string number = esc(o.str("class_number", cls + "-number"));
  std::string level_cls = esc(o.str("class_level", cls + "-level"));
  bool list_number = o.flag("list_number", true);

  std::string result = fmt::format("<ol class=\"{}\">", esc(cls));
  std::array<int, 6> last_number{};
  int first_level = 0;
  // levels of the open lists, outermost first; Hexo's markup, kept balanced when levels skip
  std::vector<int> open;
  for (const auto& el : data) {
    int level = el.level;
    if (!el.unnumbered) last_number[static_cast<size_t>(level - 1)]++;
    for (int i = level; i <= 5; ++i) last_number[static_cast<size_t>(i)] = 0;
    if (first_level) {
      if (level > open.back()) {
        result += fmt::format("<ol class=\"{}\">", child);
        open.push_back(level);
      } else {
        result += "</li>";
        while (open.size() > 1 && open.back() > level) {
          open.pop_back();
          result += "</ol></li>";
        }
        if (level > open.back()) {  // back above a skipped level: a child list of its own
          result.erase(result.size() - 5);
          result += fmt::format("<ol class=\"{}\">", child);
          open.push_back(level);
        }
      }
    } else {
      first_level = level;
      open.push_back(level);
    }
    result += fmt::format("<li class=\"{} {}-{}\">", item, level_cls, level);
    if (!el.id.empty()) result += fmt::format("<a class=\"{}\" href=\"#{}\">", link, text::encode_url(el.id));
    else result += fmt::format("<a class=\"{}\">", link);
    if (list_number && !el.unnumbered) {
      result += fmt::format("<span class=\"{}\">", number);
      for (int i = first_level - 1; i < level; ++i) result += fmt::format("{}.", last_number[static_cast<size_t>(i)]);
      result += "</span> ";
    }
    result += fmt::format("<span class=\"{}\">{}</span></a>", text_cls, el.text);
  }
  for (size_t i = 0; i < open.size(); ++i) result += "</li></ol>";
  return result;
}

// --- taxonomies -----------------------------------------------------------------------------

struct Item {
  std::string name;
  std::string path;
  size_t length = 0;
  int parent = -1;               // index into the same list
  std::vector<uint32_t> posts;   // post numbers (for show_current)
};

// Orders items like warehouse's sort(orderby, order): name (collated, pinyin for Chinese), length
// or any other key falls back to name; order -1 / "desc" reverses.
void sort_items(std::vector<size_t>& idx, const std::vector<Item>& items, const Options& o) {
  std::string orderby = o.str("orderby", "name");
  bool desc = false;
  std::string order = o.str("order", "1");
  if (order == "-1" || order == "desc" || order == "descending") desc = true;
  if (orderby.starts_with('-')) {
    desc = !desc;
    orderby.erase(0, 1);
  }
  std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
    int c = 0;
    if (orderby == "length" || orderby == "count") c = items[a].length < items[b].length ? -1 : items[a].length > items[b].length ? 1 : 0;
    else c = text::compare_collated(items[a].name, items[b].name);
    return desc ? c > 0 : c < 0;
  });
}

std::vector<Item> tag_items(Args a, const SiteModel& site) {
  std::vector<Item> items;
  if (!a.empty() && a[0].is_array()) {
    for (const auto& t : a[0].as_array()) {
      items.push_back({t.get("name").to_string(), t.get("path").to_string(),
                       static_cast<size_t>(std::max(0.0, t.get("length").as_number())), -1, {}});
    }
    return items;
  }
  for (const auto& t : site.taxonomies.tags) items.push_back({t.name, t.path, t.posts.size(), -1, t.posts});
  return items;
}

std::vector<Item> category_items(Args a, const SiteModel& site) {
  std::vector<Item> items;
  if (!a.empty() && a[0].is_array()) {
    const auto& arr = a[0].as_array();
    for (const auto& c : arr) {
      items.push_back({c.get("name").to_string(), c.get("path").to_string(),
                       static_cast<size_t>(std::max(0.0, c.get("length").as_number())), -1, {}});
    }
    for (size_t i = 0; i < arr.size(); ++i) {
      Value parent = arr[i].get("parent");
      if (parent.is_nullish()) continue;
      // the parent's path is the child's path less its last segment
      std::string p = items[i].path;
      if (p.ends_with('/')) p.pop_back();
      p = p.substr(0, p.rfind('/') + 1);
      for (size_t j = 0; j < items.size(); ++j) {
        if (j != i && items[j].path == p) items[i].parent = static_cast<int>(j);
      }
    }
    return items;
  }
  for (const auto& c : site.taxonomies.categories) items.push_back({c.name, c.path, c.posts.size(), c.parent, c.posts});
  return items;
}

// The options argument of a list helper: list_tags(opts) or list_tags(tags, opts).
size_t options_index(Args a) { return !a.empty() && a[0].is_array() ? 1 : 0; }

// Hexo's `const { style = 'list' } = options`: the default only when absent; false or any
// non-string means the flat style.
std::string style_of(const Options& o) {
  if (!o.has("style") || o.get("style").is_undefined()) return "list";
  Value v = o.get("style");
  return std::string(v.as_string());
}

std::string list_categories_html(CallContext& ctx, const SiteModel& site, Args a, const KwArgs& kw) {
  std::vector<Item> items = category_items(a, site);
  if (items.empty()) return {};
  Options o(a, options_index(a), kw);
  std::string style = style_of(o);
  std::string separator = o.has("separator") ? o.get("separator").to_string() : ", ";
  std::string suffix = o.str("suffix");
  bool show_count = o.flag("show_count", true);
  std::string cls = esc(o.str("class", "category"));
  int depth = static_cast<int>(o.num("depth", 0));
  bool show_current = o.flag("show_current", false);
  std::string children_indicator = o.flag("children_indicator", false) ? o.get("children_indicator").to_string() : "";
  Value page = ctx.lookup("page");
  std::string page_path = page.get("path").to_string();
  std::string page_base = page.get("base").to_string();

  auto children_of = [&](int parent) {
    std::vector<size_t> idx;
    for (size_t i = 0; i < items.size(); ++i) {
      if (items[i].parent == parent && items[i].length) idx.push_back(i);
    }
    sort_items(idx, items, o);
    return idx;
  };
  auto is_current = [&](const Item& it) {
    if (!show_current) return false;
    if (!page_path.empty()) {
      for (uint32_t p : it.posts) {
        if (p < site.posts.size() && site.post(p).path == page_path) return true;
      }
    }
    return !page_base.empty() && page_base.starts_with(it.path);
  };
  std::function<std::string(int, int)> hierarchical = [&](int level, int parent) {
    std::string result;
    for (size_t i : children_of(parent)) {
      const Item& cat = items[i];
      std::string child;
      if (!depth || level + 1 < depth) child = hierarchical(level + 1, static_cast<int>(i));
      std::string extra = !child.empty() && !children_indicator.empty() ? " " + esc(children_indicator) : "";
      result += fmt::format("<li class=\"{}-list-item{}\">", cls, extra);
      result += fmt::format("<a class=\"{}-list-link{}\" href=\"{}{}\">{}</a>", cls, is_current(cat) ? " current" : "",
                            url_for(ctx, site, cat.path), suffix, esc(cat.name));
      if (show_count) result += fmt::format("<span class=\"{}-list-count\">{}</span>", cls, cat.length);
      if (!child.empty()) result += fmt::format("<ul class=\"{}-list-child\">{}</ul>", cls, child);
      result += "</li>";
    }
    return result;
  };
  std::function<std::string(int, int)> flat = [&](int level, int parent) {
    std::string result;
    size_t n = 0;
    for (size_t i : children_of(parent)) {
      const Item& cat = items[i];
      if (n++ || level) result += separator;
      result += fmt::format("<a class=\"{}-link\" href=\"{}{}\">{}", cls, url_for(ctx, site, cat.path), suffix, esc(cat.name));
      if (show_count) result += fmt::format("<span class=\"{}-count\">{}</span>", cls, cat.length);
      result += "</a>";
      if (!depth || level + 1 < depth) result += flat(level + 1, static_cast<int>(i));
    }
    return result;
  };
  if (style == "list") return fmt::format("<ul class=\"{}-list\">{}</ul>", cls, hierarchical(0, -1));
  return flat(0, -1);
}

std::string list_tags_html(CallContext& ctx, const SiteModel& site, Args a, const KwArgs& kw) {
  std::vector<Item> items = tag_items(a, site);
  if (items.empty()) return {};
  Options o(a, options_index(a), kw);
  std::string style = style_of(o);
  std::string separator = o.has("separator") ? o.get("separator").to_string() : ", ";
  std::string suffix = o.str("suffix");
  bool show_count = o.flag("show_count", true);
  std::string class_style = style.empty() ? "" : "-" + style;
  std::string name = "tag";
  Value cls = o.get("class");
  std::string ul, li, link, count;
  if (cls.is_object()) {
    ul = cls.get("ul").is_string() ? cls.get("ul").as_string() : "";
    li = cls.get("li").is_string() ? cls.get("li").as_string() : "";
    link = cls.get("a").is_string() ? cls.get("a").as_string() : "";
    count = cls.get("count").is_string() ? cls.get("count").as_string() : "";
  } else if (cls.is_string() && !cls.as_string().empty()) {
    name = cls.as_string();
  }
  if (ul.empty()) ul = name + class_style;
  if (li.empty()) li = name + class_style + "-item";
  if (link.empty()) link = name + class_style + "-link";
  if (count.empty()) count = name + class_style + "-count";
  ul = esc(ul), li = esc(li), link = esc(link), count = esc(count);

  std::vector<size_t> idx;
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].length) idx.push_back(i);
  }
  sort_items(idx, items, o);
  if (double amount = o.num("amount", 0); amount > 0 && idx.size() > amount) idx.resize(static_cast<size_t>(amount));

  std::string result;
  if (style == "list") {
    result += fmt::format("<ul class=\"{}\" itemprop=\"keywords\">", ul);
    for (size_t i : idx) {
      result += fmt::format("<li class=\"{}\"><a class=\"{}\" href=\"{}{}\" rel=\"tag\">{}</a>", li, link,
                            url_for(ctx, site, items[i].path), suffix, esc(items[i].name));
      if (show_count) result += fmt::format("<span class=\"{}\">{}</span>", count, items[i].length);
      result += "</li>";
    }
    result += "</ul>";
  } else {
    size_t n = 0;
    for (size_t i : idx) {
      if (n++) result += separator;
      result += fmt::format("<a class=\"{}\" href=\"{}{}\" rel=\"tag\">{}", link, url_for(ctx, site, items[i].path), suffix,
                            esc(items[i].name));
      if (show_count) result += fmt::format("<span class=\"{}\">{}</span>", count, items[i].length);
      result += "</a>";
    }
  }
  return result;
}

// "#rgb" / "#rrggbb" → components; false for anything else.
bool parse_hex_color(std::string s, std::array<double, 3>& rgb) {
  if (s.starts_with('#')) s.erase(0, 1);
  if (s.size() == 3) s = {s[0], s[0], s[1], s[1], s[2], s[2]};
  if (s.size() != 6 || s.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) return false;
  for (size_t i = 0; i < 3; ++i) rgb[i] = static_cast<double>(std::stoi(s.substr(i * 2, 2), nullptr, 16));
  return true;
}

std::string tagcloud_html(CallContext& ctx, const SiteModel& site, Args a, const KwArgs& kw) {
  std::vector<Item> items = tag_items(a, site);
  if (items.empty()) return {};
  Options o(a, options_index(a), kw);
  double min = o.num("min_font", 10);
  double max = o.num("max_font", 20);
  std::string unit = o.str("unit", "px");
  bool color = o.flag("color", false);
  std::string cls = o.str("class");
  double level = o.num("level", 10);
  std::string separator = o.str("separator", " ");
  std::array<double, 3> start{}, end{};
  if (color && !(parse_hex_color(o.str("start_color"), start) && parse_hex_color(o.str("end_color"), end))) color = false;

  std::vector<size_t> idx;
  for (size_t i = 0; i < items.size(); ++i) idx.push_back(i);
  std::string orderby = o.str("orderby", "name");
  if (orderby != "random" && orderby != "rand") sort_items(idx, items, o);
  if (double amount = o.num("amount", 0); amount > 0 && idx.size() > amount) idx.resize(static_cast<size_t>(amount));
  std::vector<size_t> sizes;
  for (size_t i : idx) sizes.push_back(items[i].length);
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  double span = static_cast<double>(sizes.size()) - 1;

  std::string result;
  size_t n = 0;
  for (size_t i : idx) {
    const Item& tag = items[i];
    double pos = static_cast<double>(std::find(sizes.begin(), sizes.end(), tag.length) - sizes.begin());
    double ratio = span > 0 ? pos / span : 0;
    double size = min + (max - min) * ratio;
    std::string style = fmt::format("font-size: {}{};", base::format_number(std::round(size * 100) / 100), unit);
    std::string attr = cls.empty() ? "" : fmt::format(" class=\"{}-{}\"", esc(cls), static_cast<int>(std::round(ratio * level)));
    if (color) {
      auto mix = [&](size_t c) { return static_cast<int>(std::round(start[c] + (end[c] - start[c]) * ratio)); };
      style += fmt::format(" color: #{:02x}{:02x}{:02x}", mix(0), mix(1), mix(2));
    }
    if (n++) result += separator;
    result += fmt::format("<a href=\"{}\" style=\"{}\"{}>{}</a>", url_for(ctx, site, tag.path), style, attr, esc(tag.name));
  }
  return result;
}

std::string list_archives_html(CallContext& ctx, const SiteModel& site, const Options& o) {
  if (site.posts.empty()) return {};
  std::string type = o.str("type", "monthly");
  bool monthly = type == "monthly";
  std::string format = o.str("format", monthly ? "MMMM YYYY" : "YYYY");
  std::string style = style_of(o);
  std::string separator = o.has("separator") ? o.get("separator").to_string() : ", ";
  bool show_count = o.flag("show_count", true);
  std::string cls = esc(o.str("class", "archive"));
  std::string order = o.str("order", "-1");
  bool ascending = order == "1" || order == "asc";
  std::string zone = display_zone(site);
  std::string lang = page_language(ctx, site);
  std::string archive_dir = site.config.str("archive_dir", "archives");

  struct Entry {
    std::string name;
    int year, month;
    size_t count;
  };
  std::vector<size_t> order_idx(site.posts.size());
  for (size_t i = 0; i < order_idx.size(); ++i) order_idx[i] = i;
  std::stable_sort(order_idx.begin(), order_idx.end(), [&](size_t x, size_t y) {
    return ascending ? site.post(x).date_ms < site.post(y).date_ms : site.post(x).date_ms > site.post(y).date_ms;
  });
  std::vector<Entry> data;
  for (size_t p : order_idx) {
    double ms = site.post(p).date_ms;
    if (std::isnan(ms)) continue;
    text::Civil c = text::civil_in_zone(ms, zone);
    if (!data.empty() && data.back().year == c.year && (!monthly || data.back().month == c.month)) {
      data.back().count++;
      continue;
    }
    data.push_back({text::format_moment(ms, format, zone, lang), c.year, c.month, 1});
  }
  auto link = [&](const Entry& e) {
    std::string u = archive_dir + "/" + std::to_string(e.year) + "/";
    if (monthly) u += fmt::format("{:02}/", e.month);
    return url_for(ctx, site, u);
  };
  std::string result;
  if (style == "list") {
    result += fmt::format("<ul class=\"{}-list\">", cls);
    for (const auto& e : data) {
      result += fmt::format("<li class=\"{}-list-item\"><a class=\"{}-list-link\" href=\"{}\">{}</a>", cls, cls, link(e), esc(e.name));
      if (show_count) result += fmt::format("<span class=\"{}-list-count\">{}</span>", cls, e.count);
      result += "</li>";
    }
    result += "</ul>";
  } else {
    for (size_t i = 0; i < data.size(); ++i) {
      if (i) result += separator;
      result += fmt::format("<a class=\"{}-link\" href=\"{}\">{}", cls, link(data[i]), esc(data[i].name));
      if (show_count) result += fmt::format("<span class=\"{}-count\">{}</span>", cls, data[i].count);
      result += "</a>";
    }
  }
  return result;
}

// hexo/dist/plugins/helper/list_posts.js: the newest `amount` posts (default 6) as a list, or
// joined by `separator` when `style` is not "list". Only date order (the default) is supported.
std::string list_posts_html(CallContext& ctx, const SiteModel& site, const Options& o) {
  if (site.posts.empty()) return {};
  std::string style = style_of(o);
  std::string separator = o.has("separator") ? o.get("separator").to_string() : ", ";
  std::string cls = esc(o.str("class", "post"));
  bool ascending = o.str("order", "-1") == "1";
  size_t amount = static_cast<size_t>(std::max(0.0, o.num("amount", 6)));
  size_t n = std::min(amount, site.posts.size());
  // site.posts is newest first (ties in source order)
  auto at = [&](size_t k) -> const content::Document& { return site.post(ascending ? site.posts.size() - 1 - k : k); };
  std::string result;
  if (style == "list") result += fmt::format("<ul class=\"{}-list\">", cls);
  for (size_t k = 0; k < n; ++k) {
    const auto& post = at(k);
    const std::string& title = post.title.empty() ? post.slug : post.title;
    if (style == "list") {
      result += fmt::format("<li class=\"{}-list-item\"><a class=\"{}-list-link\" href=\"{}\">{}</a></li>", cls, cls,
                            url_for(ctx, site, post.path), esc(title));
    } else {
      if (k) result += separator;
      result += fmt::format("<a class=\"{}-link\" href=\"{}\">{}</a>", cls, url_for(ctx, site, post.path), esc(title));
    }
  }
  if (style == "list") result += "</ul>";
  return result;
}

} // namespace

void register_list_helpers(tmpl::Engine& engine, const SiteModel& site) {
  auto fn = [&](std::string name, tmpl::FunctionFn f) { engine.add_global(name, tmpl::make_function(name, std::move(f))); };
  const SiteModel* s = &site;
  fn("paginator", [s](CallContext& ctx, Args a, const KwArgs& kw) -> base::Result<Value> {
    return html(paginator_html(ctx, *s, Options(a, 0, kw)));
  });
  fn("toc", [](CallContext&, Args a, const KwArgs& kw) -> base::Result<Value> {
    Options o(a, 1, kw);
    int min_depth = static_cast<int>(o.num("min_depth", 1));
    int max_depth = static_cast<int>(o.num("max_depth", 6));
    std::vector<Heading> headings;
    if (!a.empty() && a[0].is_array()) {  // a list of {level, id, text}
      for (const auto& h : a[0].as_array()) {
        int level = static_cast<int>(h.get("level").as_number());
        if (level < min_depth || level > max_depth || level < 1 || level > 6) continue;
        headings.push_back({level, h.get("id").to_string(), esc(h.get("text").to_string()), false});
      }
    } else {
      headings = toc_headings(content_of(a.empty() ? Value() : a[0]), min_depth, max_depth);
    }
    return html(toc_html(std::move(headings), o));
  });
  // Without a list argument these read the site's lists: the page depends on them (serve).
  auto reads_site = [](Args a) { if (a.empty() || !a[0].is_array()) note_site_read(); };
  fn("list_categories", [s, reads_site](CallContext& ctx, Args a, const KwArgs& kw) -> base::Result<Value> {
    reads_site(a);
    return html(list_categories_html(ctx, *s, a, kw));
  });
  fn("list_tags", [s, reads_site](CallContext& ctx, Args a, const KwArgs& kw) -> base::Result<Value> {
    reads_site(a);
    return html(list_tags_html(ctx, *s, a, kw));
  });
  fn("tagcloud", [s, reads_site](CallContext& ctx, Args a, const KwArgs& kw) -> base::Result<Value> {
    reads_site(a);
    return html(tagcloud_html(ctx, *s, a, kw));
  });
  fn("list_archives", [s](CallContext& ctx, Args a, const KwArgs& kw) -> base::Result<Value> {
    note_site_read();
    return html(list_archives_html(ctx, *s, Options(a, 0, kw)));
  });
  fn("list_posts", [s](CallContext& ctx, Args a, const KwArgs& kw) -> base::Result<Value> {
    note_site_read();
    return html(list_posts_html(ctx, *s, Options(a, !a.empty() && a[0].is_array() ? 1 : 0, kw)));
  });
}

} // namespace haven::site::helper
