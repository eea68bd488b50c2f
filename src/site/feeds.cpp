#include "site/feeds.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iterator>
#include <set>

#include "base/hash.hpp"
#include "text/datetime.hpp"
#include "text/html.hpp"
#include "text/json_quote.hpp"

namespace haven::site {

namespace {

using content::Document;

std::string iso(double ms) { return base::format_iso_utc(ms); }

// Feed CDATA: every control character (newlines included) removed, as hexo-generator-feed does,
// and "]]>" split so it cannot end the section early.
std::string cdata(std::string_view html) {
  std::string out;
  out.reserve(html.size());
  for (unsigned char c : html) {
    if (c < 0x20 || c == 0x7f) continue;
    out += static_cast<char>(c);
  }
  size_t pos = 0;
  while ((pos = out.find("]]>", pos)) != std::string::npos) {
    out.replace(pos, 3, "]]]]><![CDATA[>");
    pos += 15;
  }
  return "<![CDATA[" + out + "]]>";
}

std::string esc(std::string_view s) { return text::escape_html_min(s); }

// Feed summary precedence: description, intro, excerpt, then the first content_limit characters
// of the content (JavaScript substring counts UTF-16 units; close enough with code points).
std::string summary_of(const Document& doc, const RenderedBody& body, size_t limit) {
  if (auto d = doc.front.get("description"); d.truthy()) return d.to_string();
  if (auto d = doc.front.get("intro"); d.truthy()) return d.to_string();
  if (!body.excerpt().empty()) return std::string(body.excerpt());
  std::string_view c = body.content;
  size_t units = 0, i = 0;
  while (i < c.size() && units < limit) {
    unsigned char ch = static_cast<unsigned char>(c[i]);
    size_t len = ch < 0x80 ? 1 : ch < 0xE0 ? 2 : ch < 0xF0 ? 3 : 4;
    units += len == 4 ? 2 : 1;
    i += len;
  }
  return std::string(c.substr(0, i));
}

std::vector<size_t> feed_posts(const SiteModel& site, size_t limit) {
  std::vector<size_t> out;
  for (size_t i = 0; i < site.posts.size(); ++i) {
    if (limit && out.size() >= limit) break;
    out.push_back(i);
  }
  return out;
}

std::string feed_icon(const SiteModel& site) {
  std::string icon = site.config.str("feed.icon");
  if (!icon.empty()) return site.full_url(icon);
  std::string email = site.config.str("email");
  if (email.empty()) return {};
  std::string lower = email;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return "https://www.gravatar.com/avatar/" + base::md5_hex(lower);
}

std::string atom(const SiteModel& site, const std::string& path, const std::vector<size_t>& items) {
  const auto& cfg = site.config;
  const std::string home = site.full_url("");
  std::string o = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n";
  o += fmt::format("  <title>{}</title>\n", esc(cfg.str("title")));
  if (auto icon = feed_icon(site); !icon.empty()) o += fmt::format("  <icon>{}</icon>\n", icon);
  if (auto sub = cfg.str("subtitle"); !sub.empty()) o += fmt::format("  <subtitle>{}</subtitle>\n", esc(sub));
  o += fmt::format("  <link href=\"{}\" rel=\"self\"/>\n", site.full_url(path));
  if (auto hub = cfg.str("feed.hub"); !hub.empty()) o += fmt::format("  <link href=\"{}\" rel=\"hub\"/>\n", hub);
  o += fmt::format("  <link href=\"{}\"/>\n", home);
  if (!items.empty()) {
    const Document& first = site.post(items[0]);
    double updated = std::isnan(first.updated_ms) ? first.date_ms : first.updated_ms;
    o += fmt::format("  <updated>{}</updated>\n", iso(updated));
  }
  o += fmt::format("  <id>{}</id>\n", home);
  if (auto author = cfg.str("author"); !author.empty()) {
    o += fmt::format("  <author>\n    <name>{}</name>\n", esc(author));
    if (auto email = cfg.str("email"); !email.empty()) o += fmt::format("    <email>{}</email>\n", esc(email));
    o += "  </author>\n";
  }
  o += "  <generator uri=\"https://hexo.io/\">Hexo</generator>\n";
  const bool with_content = cfg.flag("feed.content", true);
  const size_t limit = static_cast<size_t>(cfg.num("feed.content_limit", 140));
  for (size_t i : items) {
    const Document& doc = site.post(i);
    const RenderedBody& body = site.post_body(i);
    const std::string& link = site.permalink(site.posts[i]);
    o += "  <entry>\n";
    o += fmt::format("    <title>{}</title>\n", esc(doc.title));
    o += fmt::format("    <link href=\"{}\"/>\n", link);
    o += fmt::format("    <id>{}</id>\n", link);
    o += fmt::format("    <published>{}</published>\n", iso(doc.date_ms));
    o += fmt::format("    <updated>{}</updated>\n", iso(std::isnan(doc.updated_ms) ? doc.date_ms : doc.updated_ms));
    if (with_content && !body.content.empty()) {
      o += fmt::format("    <content type=\"html\">{}</content>\n", cdata(body.content));
    }
    std::string summary = summary_of(doc, body, limit);
    if (!summary.empty()) o += fmt::format("    <summary type=\"html\">{}</summary>\n", esc(summary));
    if (auto image = doc.front.get("image"); image.is_string()) {
      o += fmt::format("    <content src=\"{}\" type=\"image\"/>\n", site.full_url(image.as_string()));
    }
    for (uint32_t c : site.taxonomies.post_categories[i]) {
      const auto& cat = site.taxonomies.categories[c];
      o += fmt::format("    <category term=\"{}\" scheme=\"{}\"/>\n", esc(cat.name), site.full_url(cat.path));
    }
    for (uint32_t t : site.taxonomies.post_tags[i]) {
      const auto& tag = site.taxonomies.tags[t];
      o += fmt::format("    <category term=\"{}\" scheme=\"{}\"/>\n", esc(tag.name), site.full_url(tag.path));
    }
    o += "  </entry>\n";
  }
  o += "</feed>\n";
  return o;
}

std::string rss2(const SiteModel& site, const std::string& path, const std::vector<size_t>& items) {
  const auto& cfg = site.config;
  const std::string home = site.full_url("");
  std::string o = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"\n"
                  "  xmlns:atom=\"http://www.w3.org/2005/Atom\"\n"
                  "  xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">\n  <channel>\n";
  o += fmt::format("    <title>{}</title>\n    <link>{}</link>\n", esc(cfg.str("title")), home);
  if (auto icon = feed_icon(site); !icon.empty()) {
    o += fmt::format("    <image>\n      <url>{}</url>\n      <title>{}</title>\n      <link>{}</link>\n    </image>\n",
                     icon, esc(cfg.str("title")), home);
  }
  o += fmt::format("    <atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>\n", site.full_url(path));
  o += fmt::format("    <description>{}</description>\n", esc(cfg.str("description")));
  if (!items.empty()) {
    const Document& first = site.post(items[0]);
    double updated = std::isnan(first.updated_ms) ? first.date_ms : first.updated_ms;
    o += fmt::format("    <pubDate>{}</pubDate>\n", text::format_rfc1123(updated));
  }
  o += "    <generator>http://hexo.io/</generator>\n";
  const bool with_content = cfg.flag("feed.content", true);
  const size_t limit = static_cast<size_t>(cfg.num("feed.content_limit", 140));
  for (size_t i : items) {
    const Document& doc = site.post(i);
    const RenderedBody& body = site.post_body(i);
    const std::string& link = site.permalink(site.posts[i]);
    o += "    <item>\n";
    o += fmt::format("      <title>{}</title>\n      <link>{}</link>\n      <guid>{}</guid>\n", esc(doc.title), link, link);
    o += fmt::format("      <pubDate>{}</pubDate>\n", text::format_rfc1123(doc.date_ms));
    std::string summary = summary_of(doc, body, limit);
    if (!summary.empty()) o += fmt::format("      <description>{}</description>\n", esc(summary));
    if (with_content && !body.content.empty()) {
      o += fmt::format("      <content:encoded>{}</content:encoded>\n", cdata(body.content));
    }
    if (auto image = doc.front.get("image"); image.is_string()) {
      o += fmt::format("      <enclosure url=\"{}\" type=\"image\"/>\n", site.full_url(image.as_string()));
    }
    for (uint32_t c : site.taxonomies.post_categories[i]) {
      const auto& cat = site.taxonomies.categories[c];
      o += fmt::format("      <category domain=\"{}\">{}</category>\n", site.full_url(cat.path), esc(cat.name));
    }
    for (uint32_t t : site.taxonomies.post_tags[i]) {
      const auto& tag = site.taxonomies.tags[t];
      o += fmt::format("      <category domain=\"{}\">{}</category>\n", site.full_url(tag.path), esc(tag.name));
    }
    if (doc.comments) o += fmt::format("      <comments>{}#disqus_thread</comments>\n", link);
    o += "    </item>\n";
  }
  o += "  </channel>\n</rss>\n";
  return o;
}

// "YYYY-MM-DD" (UTC) of a point in time; the date part of iso(), without formatting the rest.
std::string day_of(double ms) {
  if (!std::isfinite(ms)) return iso(ms).substr(0, 10);
  namespace chr = std::chrono;
  auto day = chr::floor<chr::days>(chr::sys_time<chr::milliseconds>(chr::milliseconds(static_cast<int64_t>(std::floor(ms)))));
  chr::year_month_day ymd{day};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()));
}

} // namespace

std::vector<std::pair<std::string, std::string>> feed_links(const config::SiteConfig& config) {
  std::vector<std::pair<std::string, std::string>> out;
  std::vector<std::string> types = config.list("feed.type");
  if (types.empty()) types = {"atom"};
  std::vector<std::string> paths = config.list("feed.path");
  for (size_t i = 0; i < types.size() && i < 2; ++i) {
    std::string type = types[i];
    if (type != "atom" && type != "rss2") continue;
    std::string path = i < paths.size() ? paths[i] : type + ".xml";
    if (types.size() == 1 && paths.size() == 1) path = paths[0];
    out.emplace_back(path, type == "atom" ? "application/atom+xml" : "application/rss+xml");
  }
  return out;
}

std::vector<GeneratedFile> generate_feeds(const SiteModel& site) {
  std::vector<GeneratedFile> out;
  const bool disabled = site.config.get("feed.enable").is_bool() && !site.config.flag("feed.enable");
  if (site.posts.empty() || site.config.get("feed").is_nullish() || disabled) return out;
  auto items = feed_posts(site, static_cast<size_t>(site.config.num("feed.limit", 20)));
  for (const auto& [path, mime] : feed_links(site.config)) {
    bool is_atom = mime == "application/atom+xml";
    out.push_back({path, is_atom ? atom(site, path, items) : rss2(site, path, items)});
  }
  return out;
}

std::vector<GeneratedFile> generate_sitemaps(const SiteModel& site) {
  std::vector<GeneratedFile> out;
  if (site.config.get("sitemap").is_nullish()) return out;
  // Entries point into the model (permalinks) or into `lists`; nothing is copied per post: this
  // runs over every post on every `haven serve` edit.
  struct Entry { std::string_view loc; std::string lastmod; const char* freq; const char* priority; };
  std::vector<std::pair<double, uint32_t>> docs;  // (updated, doc), newest first
  docs.reserve(site.posts.size() + site.pages.size());
  auto add_doc = [&](uint32_t i) {
    const Document& doc = site.docs[i];
    if (auto s = doc.front.get("sitemap"); s.is_bool() && !s.as_bool()) return;
    if (doc.source.ends_with(".js") || doc.source.ends_with(".css")) return;
    docs.emplace_back(std::isnan(doc.updated_ms) ? doc.date_ms : doc.updated_ms, i);
  };
  for (uint32_t i : site.posts) add_doc(i);
  for (uint32_t i : site.pages) add_doc(i);
  std::stable_sort(docs.begin(), docs.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<Entry> entries;
  entries.reserve(docs.size() + site.taxonomies.tags.size() + site.taxonomies.categories.size() + 1);
  for (const auto& [updated, i] : docs) entries.push_back({site.permalink(i), day_of(updated), "monthly", "0.6"});
  std::string today = day_of(site.now_ms);
  std::vector<std::string> lists;  // home and taxonomy URLs, in order
  lists.reserve(site.taxonomies.tags.size() + site.taxonomies.categories.size() + 1);
  lists.push_back(site.full_url(""));
  std::set<std::string> listed;  // tags sharing a path (C++, C#) have one page: list it once
  auto add_list = [&](const std::string& path) {
    if (listed.insert(path).second) lists.push_back(site.full_url(path));
  };
  if (site.config.flag("sitemap.tags", true)) {
    for (const auto& t : site.taxonomies.tags) add_list(t.path);
  }
  if (site.config.flag("sitemap.categories", true)) {
    for (const auto& c : site.taxonomies.categories) add_list(c.path);
  }
  for (size_t n = 0; n < lists.size(); ++n) entries.push_back({lists[n], today, n == 0 ? "daily" : "weekly", n == 0 ? "1.0" : "0.2"});
  std::vector<std::string> paths = site.config.list("sitemap.path");
  if (paths.empty()) paths = {"sitemap.xml", "sitemap.txt"};
  for (const auto& path : paths) {
    std::string o;
    if (path.ends_with(".txt")) {
      o.reserve(entries.size() * 64);
      for (const auto& e : entries) o.append(e.loc).append("\n");
    } else {
      o = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
      o.reserve(entries.size() * 160);
      for (const auto& e : entries) {
        o.append("  <url>\n    <loc>").append(e.loc).append("</loc>\n    <lastmod>").append(e.lastmod);
        o.append("</lastmod>\n    <changefreq>").append(e.freq).append("</changefreq>\n    <priority>");
        o.append(e.priority).append("</priority>\n  </url>\n");
      }
      o += "</urlset>\n";
    }
    out.push_back({path, std::move(o)});
  }
  return out;
}

std::vector<GeneratedFile> generate_searchdb(const SiteModel& site) {
  std::vector<GeneratedFile> out;
  base::Value search = site.config.get("search");
  if (!search.is_object()) return out;
  std::string path = site.config.str("search.path", "search.json");
  std::string field = site.config.str("search.field", "post");
  std::string format = site.config.str("search.format", "striptags");
  bool with_content = site.config.flag("search.content", true);
  bool json = !path.ends_with(".xml");

  struct Item { const Document* doc; const RenderedBody* body; bool post; size_t post_index; };
  std::vector<Item> items;
  if (field == "post" || field == "all") {
    // searchdb lists posts in database order, not by date: use source order for stability
    std::vector<size_t> order(site.posts.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return site.post(a).source < site.post(b).source; });
    for (size_t i : order) items.push_back({&site.post(i), &site.post_body(i), true, i});
  }
  if (field == "page" || field == "all") {
    for (uint32_t i : site.pages) items.push_back({&site.docs[i], &site.body(i), false, 0});
  }
  auto content_of = [&](const Item& it) -> std::string {
    if (format == "raw") return std::string(it.doc->body());
    std::string html = it.body->content;
    // drop code-block line-number gutters, as searchdb does
    size_t g;
    while ((g = html.find("<td class=\"gutter\">")) != std::string::npos) {
      size_t e = html.find("</td>", g);
      if (e == std::string::npos) break;
      html.erase(g, e + 5 - g);
    }
    return format == "html" ? html : text::strip_html(html);
  };
  auto url_of = [&](const Item& it) { return text::encode_uri(site.urls.root + it.doc->path); };


  std::string o;
  if (json) {
    o = "[";
    bool first = true;
    for (const auto& it : items) {
      if (!first) o += ",";
      first = false;
      o += "{";
      bool comma = false;
      auto field_out = [&](std::string_view k, const std::string& v) {
        if (comma) o += ",";
        comma = true;
        o += text::json_quote(k) + ":" + v;
      };
      if (!it.doc->title.empty()) field_out("title", text::json_quote(it.doc->title));
      field_out("url", text::json_quote(url_of(it)));
      if (with_content) field_out("content", text::json_quote(content_of(it)));
      if (it.post) {
        const auto& cats = site.taxonomies.post_categories[it.post_index];
        const auto& tags = site.taxonomies.post_tags[it.post_index];
        if (!cats.empty()) {
          std::string a = "[";
          for (size_t k = 0; k < cats.size(); ++k) a += (k ? "," : "") + text::json_quote(site.taxonomies.categories[cats[k]].name);
          field_out("categories", a + "]");
        }
        if (!tags.empty()) {
          std::string a = "[";
          for (size_t k = 0; k < tags.size(); ++k) a += (k ? "," : "") + text::json_quote(site.taxonomies.tags[tags[k]].name);
          field_out("tags", a + "]");
        }
      }
      o += "}";
    }
    o += "]";
  } else {
    o = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<search>\n";
    for (const auto& it : items) {
      o += "  <entry>\n";
      o += fmt::format("    <title>{}</title>\n", esc(it.doc->title));  // present even when empty, as searchdb
      o += fmt::format("    <url>{}</url>\n", url_of(it));
      if (with_content) {
        std::string c = content_of(it);
        size_t pos = 0;
        while ((pos = c.find("]]>", pos)) != std::string::npos) { c.replace(pos, 3, "]]]]><![CDATA[>"); pos += 15; }
        o += "    <content><![CDATA[" + c + "]]></content>\n";
      }
      if (it.post) {
        const auto& cats = site.taxonomies.post_categories[it.post_index];
        const auto& tags = site.taxonomies.post_tags[it.post_index];
        if (!cats.empty()) {
          o += "      <categories>\n";
          for (uint32_t c : cats) o += fmt::format("        <category>{}</category>\n", esc(site.taxonomies.categories[c].name));
          o += "      </categories>\n";
        }
        if (!tags.empty()) {
          o += "      <tags>\n";
          for (uint32_t t : tags) o += fmt::format("        <tag>{}</tag>\n", esc(site.taxonomies.tags[t].name));
          o += "      </tags>\n";
        }
      }
      o += "  </entry>\n";
    }
    o += "</search>\n";
  }
  out.push_back({path, std::move(o)});
  return out;
}

} // namespace haven::site

