#include "content/document.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <regex>
#include <set>
#include <unordered_set>

#include "base/fs.hpp"
#include "base/hash.hpp"
#include "content/front_matter.hpp"
#include "text/datetime.hpp"
#include "text/slug.hpp"
#include "text/titlecase.hpp"
#include "text/utf8.hpp"

namespace haven::content {

namespace {

using base::Value;

// Front-matter value as Hexo would stringify it for names (numbers → "2024").
std::string name_of(const Value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_number() || v.is_bool()) return v.to_string();
  return {};
}

std::vector<std::string> read_tags(const Value& front) {
  Value raw = front.get("tags");
  if (raw.is_undefined()) raw = front.get("tag");
  std::vector<std::string> tags;
  auto add = [&](const Value& v) {
    std::string name = name_of(v);
    if (!name.empty() && std::find(tags.begin(), tags.end(), name) == tags.end()) tags.push_back(name);
  };
  if (raw.is_array()) {
    for (const auto& v : raw.as_array()) add(v);
  } else {
    add(raw);
  }
  return tags;
}

// Spec §7.3: a flat list is one hierarchy; if any element is a list, each element is its own.
std::vector<std::vector<std::string>> read_categories(const Value& front) {
  Value raw = front.get("categories");
  if (raw.is_undefined()) raw = front.get("category");
  std::vector<std::vector<std::string>> out;
  auto hierarchy_of = [](const Value& v) {
    std::vector<std::string> h;
    if (v.is_array()) {
      for (const auto& item : v.as_array()) {
        std::string n = name_of(item);
        if (!n.empty()) h.push_back(n);
      }
    } else if (std::string n = name_of(v); !n.empty()) {
      h.push_back(n);
    }
    return h;
  };
  if (raw.is_array()) {
    const auto& items = raw.as_array();
    bool nested = std::any_of(items.begin(), items.end(), [](const Value& v) { return v.is_array(); });
    if (nested) {
      for (const auto& item : items) {
        if (auto h = hierarchy_of(item); !h.empty()) out.push_back(std::move(h));
      }
    } else if (auto h = hierarchy_of(raw); !h.empty()) {
      out.push_back(std::move(h));
    }
  } else if (auto h = hierarchy_of(raw); !h.empty()) {
    out.push_back(std::move(h));
  }
  return out;
}

// Byte offset of a top-level front-matter key in the file, for diagnostics; 0 when not found.
size_t offset_of_key(const Document& doc, std::string_view key) {
  std::string_view head = std::string_view(doc.text).substr(0, doc.body_offset);
  size_t pos = 0;
  while ((pos = head.find(key, pos)) != std::string_view::npos) {
    bool line_start = pos == 0 || head[pos - 1] == '\n' || head[pos - 1] == '"';
    if (line_start) return pos;
    pos += key.size();
  }
  return 0;
}

std::string strip_extension(std::string_view rel) {
  size_t slash = rel.rfind('/');
  size_t dot = rel.rfind('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return std::string(rel);
  return std::string(rel.substr(0, dot));
}

std::string two(int v) { return fmt::format("{:02d}", v); }

} // namespace

std::string taxonomy_slug(std::string_view name, const Value& map, int filename_case) {
  Value mapped = map.get(name);
  std::string source = mapped.is_nullish() ? std::string(name) : mapped.to_string();
  return text::slugize(source, filename_case);
}

base::Result<Document> load_document(const SourceFile& source, const config::SiteConfig& config,
                                     const LoadOptions& options) {
  base::FileStat stat;
  auto raw = base::read_file(source.abs, &stat);
  if (!raw) return std::unexpected(raw.error());
  std::string display_path = "source/" + source.rel;
  if (auto bad = text::find_invalid_utf8(*raw)) {
    return std::unexpected(base::error_at(display_path, *raw, *bad, "invalid UTF-8 byte sequence"));
  }

  Document doc;
  doc.kind = source.kind == SourceKind::Page ? Document::Kind::Page : Document::Kind::Post;
  doc.draft = source.kind == SourceKind::Draft;
  doc.source = source.rel;
  doc.file = source.abs;
  doc.file_hash = base::content_hash(*raw);
  doc.file_stat = stat;
  normalize_source_in_place(*raw);
  doc.text = std::move(*raw);

  bool markdown_like = doc.kind == Document::Kind::Post ||
                       is_markdown_ext(source.abs.extension().string()) ||
                       source.abs.extension() == ".html" || source.abs.extension() == ".htm" ||
                       source.abs.extension() == ".njk";
  if (markdown_like) {
    auto fm = parse_front_matter(doc.text, display_path);
    if (!fm) return std::unexpected(fm.error());
    doc.front = std::move(fm->data);
    doc.body_offset = fm->body_offset;
    doc.body_line = fm->body_line;
  }
  if (!doc.front.is_object()) doc.front = Value(base::Object{});
  const Value& front = doc.front;

  if (doc.is_post()) {
    std::string_view inner = std::string_view(doc.source).substr(doc.draft ? 8 : 7);
    doc.slug = strip_extension(inner);
  }
  doc.title = name_of(front.get("title"));
  // Hexo's `titlecase` option (before_post_render), which a post's front matter can override
  Value titlecase = front.get("titlecase");
  if (titlecase.is_undefined() ? config.flag("titlecase") : titlecase.truthy()) doc.title = text::titlecase(doc.title);

  const base::FileTimes& times = doc.file_stat.times;
  auto date = resolve_hexo_date(front.get("date"), options.process_zone, options.site_timezone);
  doc.date_ms = date ? *date : (doc.is_post() ? times.birth_ms : times.change_ms);

  auto updated = resolve_hexo_date(front.get("updated"), options.process_zone, options.site_timezone);
  std::string updated_option = config.str("updated_option", "mtime");
  if (updated) {
    doc.updated_ms = *updated;
  } else if (updated_option == "date") {
    doc.updated_ms = doc.date_ms;
  } else if (updated_option == "empty") {
    doc.updated_ms = NAN;
  } else {
    doc.updated_ms = times.modify_ms;
  }

  if (doc.is_post()) {
    doc.tags = read_tags(front);
    doc.categories = read_categories(front);
  }
  Value published = front.get("published");
  doc.published = published.is_undefined() ? !doc.draft : published.truthy();

  Value layout = front.get("layout");
  if (layout.is_number()) layout = Value(layout.to_string());  // `layout: 404` names a layout too
  if (layout.is_bool() && !layout.as_bool()) {
    doc.layout.clear();
  } else if (layout.is_string() && (layout.as_string() == "off" || layout.as_string() == "false")) {
    doc.layout.clear();
  } else if (layout.is_string() && !layout.as_string().empty()) {
    doc.layout = layout.as_string();
  } else if (!markdown_like) {
    doc.layout.clear();  // non-HTML outputs (YAML → JSON) default to `layout: false`, as in Hexo
  } else {
    doc.layout = doc.is_post() ? config.str("default_layout", "post") : "page";
  }
  Value comments = front.get("comments");
  doc.comments = comments.is_undefined() ? true : comments.truthy();
  if (Value p = front.get("permalink"); p.is_string() || p.is_number()) doc.permalink_override = p.to_string();
  if (Value a = front.get("abbrlink"); a.truthy()) doc.abbrlink = a.to_string();
  (void)options.build_time_ms;
  return doc;
}

void assign_abbrlinks(std::vector<Document*>& posts, const config::SiteConfig& config) {
  const bool crc32 = config.str("abbrlink.alg", "crc16") == "crc32";
  const bool hex = config.str("abbrlink.rep", "dec") == "hex";
  std::unordered_set<uint64_t> used;
  auto numeric = [&](const std::string& s) -> std::optional<uint64_t> {
    if (s.empty()) return std::nullopt;
    char* end = nullptr;
    unsigned long long v = std::strtoull(s.c_str(), &end, hex ? 16 : 10);
    if (end == s.c_str() || *end != '\0') return std::nullopt;
    return v;
  };
  for (Document* doc : posts) {
    if (auto n = numeric(doc->abbrlink)) used.insert(*n);
  }
  for (Document* doc : posts) {
    if (!doc->abbrlink.empty()) continue;
    uint64_t value = crc32 ? base::crc32_ieee(doc->title) : base::crc16_arc(doc->title);
    while (used.count(value)) ++value;
    used.insert(value);
    doc->abbrlink = hex ? fmt::format("{:x}", value) : std::to_string(value);
    base::Object front = doc->front.as_object();
    front.set("abbrlink", hex ? Value(doc->abbrlink) : Value(static_cast<double>(value)));
    doc->front = Value(std::move(front));
  }
}

std::string route_to_file(std::string_view route) {
  std::string path(route);
  while (!path.empty() && path.front() == '/') path.erase(0, 1);
  if (auto q = path.find('?'); q != std::string::npos) path.resize(q);
  if (path.empty() || path.back() == '/') path += "index.html";
  return path;
}

namespace {

// Expands a permalink pattern (spec §5.2) for a post.
std::string expand_permalink(std::string_view pattern, const Document& doc, const config::SiteConfig& config,
                             const LoadOptions& options) {
  text::Civil c = text::civil_in_zone(doc.date_ms, options.process_zone);
  static const std::regex k_token(R"(:(\w*[^_\W]))");
  std::string pat(pattern);
  std::string out;
  auto begin = std::sregex_iterator(pat.begin(), pat.end(), k_token);
  size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    const auto& m = *it;
    out.append(pat, last, static_cast<size_t>(m.position()) - last);
    last = static_cast<size_t>(m.position() + m.length());
    std::string key = m[1].str();
    std::string value;
    if (key == "year") value = std::to_string(c.year);
    else if (key == "month") value = two(c.month);
    else if (key == "day") value = two(c.day);
    else if (key == "i_month") value = std::to_string(c.month);
    else if (key == "i_day") value = std::to_string(c.day);
    else if (key == "hour") value = two(c.hour);
    else if (key == "minute") value = two(c.minute);
    else if (key == "second") value = two(c.second);
    else if (key == "timestamp") value = std::to_string(static_cast<int64_t>(std::floor(doc.date_ms / 1000)));
    else if (key == "title") value = doc.slug;
    else if (key == "name") value = doc.slug.substr(doc.slug.rfind('/') == std::string::npos ? 0 : doc.slug.rfind('/') + 1);
    else if (key == "post_title") value = text::slugize(doc.title, 1);
    else if (key == "id") value = base::sha1_hex(doc.source).substr(0, 12); // stable, unlike Hexo's cuid
    else if (key == "hash") value = base::sha1_hex(doc.slug + std::to_string(static_cast<int64_t>(std::floor(doc.date_ms / 1000)))).substr(0, 12);
    else if (key == "category") {
      if (doc.categories.empty()) {
        value = config.str("default_category", "uncategorized");
      } else {
        const auto& h = doc.categories.back();
        int fc = static_cast<int>(config.num("filename_case"));
        Value map = config.get("category_map");
        for (size_t i = 0; i < h.size(); ++i) {
          if (i) value += '/';
          value += taxonomy_slug(h[i], map, fc);
        }
      }
    } else if (key == "abbrlink" && !doc.abbrlink.empty()) value = doc.abbrlink;
    else {
      Value v = doc.front.get(key);
      if (v.is_nullish()) v = config.get("permalink_defaults").get(key);
      value = v.is_nullish() ? "undefined" : v.to_string();
    }
    out += value;
  }
  out.append(pat, last, std::string::npos);
  return out;
}

bool escapes_root(std::string_view path) {
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    std::string_view seg = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (seg == ".." ) return true;
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return false;
}

} // namespace

base::Result<std::string> compute_path(const Document& doc, const config::SiteConfig& config,
                                       const LoadOptions& options) {
  std::string path;
  const bool asset_folder = config.flag("post_asset_folder");
  std::string display_path = "source/" + doc.source;
  if (doc.is_post()) {
    if (!doc.permalink_override.empty()) {
      path = doc.permalink_override;
    } else {
      path = expand_permalink(config.str("permalink", ":year/:month/:day/:title/"), doc, config, options);
    }
    if (asset_folder && !path.ends_with('/') && !path.ends_with(".html")) path += '/';
  } else if (!doc.permalink_override.empty()) {
    path = doc.permalink_override;
    if (path.ends_with('/')) path += "index";
    if (std::filesystem::path(path).extension().empty()) path += ".html";
  } else {
    std::string ext = doc.file.extension().string();
    std::string out_ext = (ext == ".yml" || ext == ".yaml") ? ".json" : ".html";
    path = strip_extension(doc.source) + out_ext;
  }
  while (!path.empty() && path.front() == '/') path.erase(0, 1);
  if (escapes_root(path) || path.find('\\') != std::string::npos || path.find('\0') != std::string::npos) {
    size_t at = doc.permalink_override.empty() ? 0 : offset_of_key(doc, "permalink");
    return std::unexpected(base::error_at(
        display_path, doc.text, at,
        fmt::format("permalink \"{}\" leads outside the output folder ('..' is not allowed in output paths)", path),
        doc.permalink_override.empty() ? 1 : 9));
  }
  return path;
}

} // namespace haven::content
