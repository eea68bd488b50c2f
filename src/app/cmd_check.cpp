// `haven check [SITE_DIR] [--external]`: what would embarrass a blog in front of its readers —
// internal links and images that point nowhere, `post_link` targets that do not exist, duplicate
// abbrlinks, dates no one can read — each at its file:line. Exit 1 when anything was found.
//
// Links are checked on what readers get: the site is built into a temporary folder and every
// generated HTML page's href/src that stays on the site (starts with `root`, is relative, or
// starts with the config `url`) must name a file of that build. Each finding is traced back to
// the post or page whose source contains the link; links the theme makes are reported at the
// config or theme file that holds them, or else at the generated page.
#include <httplib.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>

#include "app/authoring.hpp"
#include "base/fs.hpp"
#include "content/front_matter.hpp"
#include "content/front_matter_edit.hpp"
#include "site/build.hpp"
#include "site/inventory.hpp"
#include "site/post_body.hpp"
#include "text/url.hpp"

namespace haven::app::authoring {

namespace {

namespace fs = std::filesystem;
using base::Diagnostic;

struct CheckArgs {
  std::string site = ".";
  std::string config;
  bool external = false;
  size_t max_external = 100;
  double host_interval_s = 1.0;
  double timeout_s = 5.0;
};

enum class Kind { BrokenLink, MissingImage, PostLink, Abbrlink, Date, Build, External };

struct Findings {
  std::vector<Diagnostic> list;
  std::map<Kind, size_t> counts;
  std::set<std::string> seen;

  // Adds `d` unless the same message was already reported at the same place.
  void add(Kind kind, Diagnostic d) {
    std::string key = fmt::format("{}:{}:{}:{}", d.where.path, d.where.line, d.where.column, d.message);
    if (!seen.insert(key).second) return;
    ++counts[kind];
    list.push_back(std::move(d));
  }
  // Whether something is already reported on this line of this file (to skip a build error
  // that repeats one of ours).
  bool has_line(const std::string& path, uint32_t line) const {
    return std::any_of(list.begin(), list.end(), [&](const Diagnostic& d) { return d.where.path == path && d.where.line == line; });
  }
};

// Byte offset where 1-based `line` starts in `text`.
size_t line_offset(std::string_view text, uint32_t line) {
  size_t pos = 0;
  for (uint32_t l = 1; l < line && pos != std::string_view::npos; ++l) {
    pos = text.find('\n', pos);
    if (pos != std::string_view::npos) ++pos;
  }
  return pos == std::string_view::npos ? text.size() : pos;
}

Diagnostic at(const std::string& path, std::string_view text, size_t offset, size_t length, std::string message) {
  return base::error_at(path, text, offset, std::move(message), length);
}

std::string display_of(const content::Document& d) { return "source/" + d.source; }

// ---- front matter: dates and abbrlinks -------------------------------------------------------

void check_dates(const site::Inventory& inv, Findings& out) {
  for (const auto& d : inv.docs) {
    for (std::string_view key : {"date", "updated"}) {
      base::Value v = d.front.get(key);
      if (!v.truthy()) continue;  // absent, empty or 0: Hexo's "missing", by design
      if (content::resolve_hexo_date(v, inv.process_zone, inv.site_timezone)) continue;
      uint32_t line = content::front_matter_key_line(d.text, key);
      size_t offset = line ? line_offset(d.text, line) : 0;
      size_t value_at = offset;
      if (line) {
        value_at += key.size() + 1;
        while (value_at < d.text.size() && (d.text[value_at] == ' ' || d.text[value_at] == '\t')) ++value_at;
      }
      size_t end = d.text.find('\n', value_at);
      size_t length = (end == std::string::npos ? d.text.size() : end) - value_at;
      std::string message =
          key == "date" ? fmt::format("date \"{}\" cannot be read as a date; the {} falls back to the file's {} time, which changes with every copy or checkout (and with it the URL when the permalink has date parts)",
                                      v.to_string(), d.is_post() ? "post" : "page", d.is_post() ? "creation" : "change")
                        : fmt::format("updated \"{}\" cannot be read as a date; `updated_option` is used instead", v.to_string());
      out.add(Kind::Date, at(display_of(d), d.text, value_at, std::max<size_t>(length, 1), std::move(message)));
    }
  }
}

// Reports posts that store an abbrlink another post already stores; returns their indexes.
std::vector<size_t> check_abbrlinks(const site::Inventory& inv, Findings& out) {
  std::vector<size_t> duplicates;
  std::map<std::string, const content::Document*> first;
  const std::string permalink = inv.config.str("permalink", ":year/:month/:day/:title/");
  for (size_t i = 0; i < inv.docs.size(); ++i) {
    const auto& d = inv.docs[i];
    if (!d.is_post() || d.draft || !inv.abbrlink_stored[i]) continue;
    auto [it, fresh] = first.emplace(d.abbrlink, &d);
    if (fresh) continue;
    const content::Document& other = *it->second;
    auto locate = [](const content::Document& doc) {
      uint32_t line = content::front_matter_key_line(doc.text, "abbrlink");
      return line ? line_offset(doc.text, line) : size_t(0);
    };
    Diagnostic diag = at(display_of(d), d.text, locate(d), 8,
                         fmt::format("abbrlink {} is also the abbrlink of {}{}", d.abbrlink, display_of(other),
                                     permalink.find(":abbrlink") != std::string::npos
                                         ? fmt::format("; with permalink \"{}\" one post hides the other", permalink)
                                         : "; two posts would share a URL under an abbrlink permalink"));
    Diagnostic note = at(display_of(other), other.text, locate(other), 8, "first used here");
    note.severity = base::Severity::Note;
    diag.notes.push_back(std::move(note));
    out.add(Kind::Abbrlink, std::move(diag));
    duplicates.push_back(i);
  }
  return duplicates;
}

// ---- post_link / post_path targets ------------------------------------------------------------

struct TagUse {
  size_t begin;   // of "{%" in the document text
  size_t end;     // after "%}"
  std::string name;
  std::string target;
};

// post_link/post_path tags of a body outside fenced code, inline code and {% raw %} blocks.
std::vector<TagUse> post_link_tags(const content::Document& d) {
  std::vector<TagUse> uses;
  if (d.front.get("disableNunjucks").truthy()) return uses;
  std::string_view text = d.text;
  size_t pos = d.body_offset;
  bool in_fence = false;
  std::string fence;
  bool in_raw = false;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    size_t indent = line.find_first_not_of(' ');
    std::string_view trimmed = indent == std::string_view::npos || indent > 3 ? std::string_view() : line.substr(indent);
    if (trimmed.starts_with("```") || trimmed.starts_with("~~~")) {
      char c = trimmed[0];
      size_t n = trimmed.find_first_not_of(c);
      std::string marker(n == std::string_view::npos ? trimmed.size() : n, c);
      if (!in_fence) {
        in_fence = true;
        fence = marker;
      } else if (marker.size() >= fence.size() && marker[0] == fence[0]) {
        in_fence = false;
      }
      pos = eol + 1;
      continue;
    }
    if (!in_fence) {
      for (size_t open = line.find("{%"); open != std::string_view::npos; open = line.find("{%", open + 2)) {
        size_t ticks = static_cast<size_t>(std::count(line.begin(), line.begin() + static_cast<std::ptrdiff_t>(open), '`'));
        if (ticks % 2 == 1) continue;  // inside `inline code`
        size_t close = text.find("%}", pos + open + 2);
        if (close == std::string_view::npos) break;
        std::string_view inner = text.substr(pos + open + 2, close - (pos + open + 2));
        if (!inner.empty() && inner.front() == '-') inner.remove_prefix(1);
        if (!inner.empty() && inner.back() == '-') inner.remove_suffix(1);
        auto args = site::split_tag_args(inner);
        if (args.empty()) continue;
        if (args[0] == "raw") in_raw = true;
        else if (args[0] == "endraw") in_raw = false;
        else if (!in_raw && (args[0] == "post_link" || args[0] == "post_path")) {
          uses.push_back({pos + open, close + 2, args[0], args.size() > 1 ? args[1] : std::string()});
        }
      }
    }
    pos = eol + 1;
  }
  return uses;
}

// Finds post_link/post_path tags naming no post. Returns, per document index, the tags to cut
// from a scratch copy so the rest of the site can still be built.
std::map<size_t, std::vector<TagUse>> check_post_links(const site::Inventory& inv, Findings& out) {
  std::set<std::string> known;
  for (const auto& d : inv.docs) {
    if (!d.is_post() || d.draft) continue;
    known.insert(d.slug);
    known.insert(d.title);
  }
  std::map<size_t, std::vector<TagUse>> broken;
  for (size_t i = 0; i < inv.docs.size(); ++i) {
    const auto& d = inv.docs[i];
    for (auto& use : post_link_tags(d)) {
      if (!use.target.empty() && known.count(use.target)) continue;
      std::string message = use.target.empty()
                                ? fmt::format("{} needs the file name (slug) or title of a post", use.name)
                                : fmt::format("{} target \"{}\" does not exist: no post has this file name (slug) or title", use.name, use.target);
      out.add(Kind::PostLink, at(display_of(d), d.text, use.begin, use.end - use.begin, std::move(message)));
      broken[i].push_back(std::move(use));
    }
  }
  return broken;
}

// ---- building ---------------------------------------------------------------------------------

// Copies the site for a scratch build: hard links where possible (nothing is written through
// them: edited files are unlinked first), skipping the output folder and VCS/npm folders.
std::error_code copy_site(const fs::path& from, const fs::path& to, const std::string& public_dir) {
  std::error_code ec;
  fs::create_directories(to, ec);
  if (ec) return ec;
  for (auto it = fs::recursive_directory_iterator(from, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::string rel = it->path().lexically_relative(from).generic_string();
    if (it.depth() == 0 && (rel == public_dir || rel == ".git" || rel == "node_modules")) {
      it.disable_recursion_pending();
      continue;
    }
    fs::path dest = to / rel;
    std::error_code e;
    if (it->is_directory(e)) {
      fs::create_directories(dest, e);
    } else if (it->is_regular_file(e)) {
      fs::create_hard_link(it->path(), dest, e);
      if (e) {
        e.clear();
        fs::copy_file(it->path(), dest, e);
      }
      if (e) return e;
    }
  }
  return ec;
}

// Source texts to use instead of the user's files in a scratch build, by document index: the
// problems already reported (missing post_link targets, duplicate abbrlinks) taken out, so that
// the rest of the site can still be built and its links checked.
std::map<size_t, std::string> scratch_patches(const site::Inventory& inv,
                                              const std::map<size_t, std::vector<TagUse>>& broken_tags,
                                              const std::vector<size_t>& duplicate_abbrlinks) {
  std::map<size_t, std::string> patched;
  for (const auto& [i, tags] : broken_tags) {
    std::string text = inv.docs[i].text;
    for (auto it = tags.rbegin(); it != tags.rend(); ++it) text.erase(it->begin, it->end - it->begin);
    patched[i] = std::move(text);
  }
  for (size_t i : duplicate_abbrlinks) {
    auto it = patched.find(i);
    std::string text = it == patched.end() ? inv.docs[i].text : it->second;
    // abbrlink '' is "missing": the build computes a free one for the scratch copy
    if (auto edited = content::set_front_matter_key(text, "abbrlink", "''", "\"\"", "")) patched[i] = std::move(*edited);
  }
  return patched;
}

// Builds the site into a temporary folder. When that fails and some reported problems can be
// taken out, builds a scratch copy without them instead. Build errors not already reported are
// added to `out`; nullopt when no build succeeded.
std::optional<fs::path> build_for_check(const CheckArgs& args, const site::Inventory& inv, const TempDir& temp,
                                        const std::map<size_t, std::string>& patches, Findings& out) {
  site::BuildOptions options;
  options.site_dir = args.site;
  options.output_dir = temp.path() / "public";
  options.config_files = split_commas(args.config);
  auto report = site::build_site(options);
  if (!report && !patches.empty()) {
    fs::path scratch = temp.path() / "site";
    if (auto ec = copy_site(args.site, scratch, inv.config.str("public_dir", "public")); !ec) {
      bool ok = true;
      for (const auto& [i, text] : patches) {
        fs::path copy = scratch / inv.config.str("source_dir", "source") / inv.docs[i].source;
        std::error_code e;
        fs::remove(copy, e);  // a hard link to the user's file: unlink, never write through it
        if (e || !base::write_file(copy, text)) ok = false;
      }
      if (ok) {
        options.site_dir = scratch;
        report = site::build_site(options);
      }
    }
  }
  if (!report) {
    for (auto& d : report.error()) {
      if (!out.has_line(d.where.path, d.where.line)) out.add(Kind::Build, std::move(d));
    }
    return std::nullopt;
  }
  return options.output_dir;
}

// ---- links in the generated HTML --------------------------------------------------------------

struct Link {
  std::string value;  // attribute value, entities decoded
  bool image;         // src= (images, scripts, frames) rather than href=
};

std::string decode_entities(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out += s[i];
      continue;
    }
    std::string_view ent = s.substr(i + 1, semi - i - 1);
    std::string rep;
    if (ent == "amp") rep = "&";
    else if (ent == "quot") rep = "\"";
    else if (ent == "apos") rep = "'";
    else if (ent == "lt") rep = "<";
    else if (ent == "gt") rep = ">";
    else if (ent.size() > 1 && ent[0] == '#') {
      char32_t cp = static_cast<char32_t>(ent[1] == 'x' || ent[1] == 'X' ? std::strtoul(std::string(ent.substr(2)).c_str(), nullptr, 16)
                                                                         : std::strtoul(std::string(ent.substr(1)).c_str(), nullptr, 10));
      if (cp > 0 && cp < 0x80) rep = std::string(1, static_cast<char>(cp));
    }
    if (rep.empty()) {
      out += s[i];
      continue;
    }
    out += rep;
    i = semi;
  }
  return out;
}

bool is_attr_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':'; }

// href= and src= values of `html`, outside <script>/<style> elements and comments.
std::vector<Link> extract_links(std::string_view html) {
  std::vector<Link> links;
  size_t pos = 0;
  while ((pos = html.find('<', pos)) != std::string_view::npos) {
    if (html.substr(pos, 4) == "<!--") {
      size_t end = html.find("-->", pos + 4);
      pos = end == std::string_view::npos ? html.size() : end + 3;
      continue;
    }
    size_t tag_end = pos + 1;
    while (tag_end < html.size() && is_attr_char(html[tag_end])) ++tag_end;
    std::string name(html.substr(pos + 1, tag_end - pos - 1));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (name.empty()) {
      ++pos;
      continue;
    }
    // Attributes up to the '>' that ends the tag (quotes respected).
    size_t i = tag_end;
    while (i < html.size() && html[i] != '>') {
      while (i < html.size() && (std::isspace(static_cast<unsigned char>(html[i])) || html[i] == '/')) ++i;
      size_t a = i;
      while (i < html.size() && is_attr_char(html[i])) ++i;
      std::string attr(html.substr(a, i - a));
      std::transform(attr.begin(), attr.end(), attr.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (attr.empty()) {
        if (i < html.size() && html[i] != '>') ++i;
        continue;
      }
      while (i < html.size() && std::isspace(static_cast<unsigned char>(html[i]))) ++i;
      if (i >= html.size() || html[i] != '=') continue;
      ++i;
      while (i < html.size() && std::isspace(static_cast<unsigned char>(html[i]))) ++i;
      std::string_view value;
      if (i < html.size() && (html[i] == '"' || html[i] == '\'')) {
        char q = html[i];
        size_t close = html.find(q, i + 1);
        if (close == std::string_view::npos) close = html.size();
        value = html.substr(i + 1, close - i - 1);
        i = std::min(close + 1, html.size());
      } else {
        size_t v = i;
        while (i < html.size() && !std::isspace(static_cast<unsigned char>(html[i])) && html[i] != '>') ++i;
        value = html.substr(v, i - v);
      }
      if (attr == "href" || attr == "src") links.push_back({decode_entities(value), attr == "src"});
    }
    pos = i;
    if (name == "script" || name == "style") {
      size_t close = html.find("</" + name, pos);
      pos = close == std::string_view::npos ? html.size() : close;
    }
  }
  return links;
}

bool has_scheme(std::string_view s) {
  size_t i = 0;
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '+' || s[i] == '-' || s[i] == '.')) ++i;
  return i < s.size() && s[i] == ':';
}

// "a/./b/../c" → "a/c"; nullopt when ".." climbs above the output root.
std::optional<std::string> normalize_rel(std::string_view path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    std::string seg(path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (seg == "..") {
      if (parts.empty()) return std::nullopt;
      parts.pop_back();
    } else if (!seg.empty() && seg != ".") {
      parts.push_back(seg);
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  if (!path.empty() && path.back() == '/' && !out.empty()) out += '/';
  return out;
}

struct Target {
  enum class Type { Skip, Internal, External } type = Type::Skip;
  std::string rel;  // Internal: path under the output folder, decoded ("" = the home page)
};

Target classify(const std::string& value, const std::string& page_dir, const std::string& root, const std::string& url) {
  Target t;
  if (value.empty() || value[0] == '#' || value.starts_with("//")) return t;
  std::string v = value;
  if (!url.empty() && (v == url || v.starts_with(url + "/"))) {
    v = root + v.substr(std::min(v.size(), url.size() + 1));
  } else if (has_scheme(v)) {
    if (v.starts_with("http://") || v.starts_with("https://")) t.type = Target::Type::External;
    return t;
  }
  if (size_t cut = v.find_first_of("?#"); cut != std::string::npos) v.resize(cut);
  v = text::decode_uri_component(v);
  std::string joined;
  if (v.starts_with('/')) {
    if (!v.starts_with(root) && v + "/" != root) return t;  // another application on the host
    joined = v.size() >= root.size() ? v.substr(root.size()) : "";
  } else {
    joined = page_dir + v;
  }
  auto norm = normalize_rel(joined);
  t.type = Target::Type::Internal;
  t.rel = norm ? *norm : std::string("../") + joined;  // escaping the root: never exists
  return t;
}

class OutputIndex {
public:
  OutputIndex(fs::path root, bool trailing_html) : m_root(std::move(root)), m_trailing_html(trailing_html) {}

  bool exists(const std::string& rel) {
    if (rel.starts_with("../")) return false;
    auto [it, fresh] = m_cache.emplace(rel, false);
    if (!fresh) return it->second;
    std::error_code ec;
    fs::path p = m_root / rel;
    bool ok = false;
    if (rel.empty() || rel.back() == '/') ok = fs::is_regular_file(p / "index.html", ec);
    else ok = fs::is_regular_file(p, ec) || fs::is_regular_file(p / "index.html", ec) ||
              (!m_trailing_html && fs::is_regular_file(fs::path(p.string() + ".html"), ec));
    it->second = ok;
    return ok;
  }

private:
  fs::path m_root;
  bool m_trailing_html;
  std::unordered_map<std::string, bool> m_cache;
};

// Where a link is written in a source text: the first of its spellings (as written, decoded,
// without the root prefix, …) that stands where a link can stand — after `(`, a quote, `=`, `<`,
// a space or a line start, and before `)`, a quote, `>`, `?`, `#`, a space or a line end — so
// that "/about/" in the prose "source/about/index.md" does not count. nullopt when none is there.
std::optional<std::pair<size_t, size_t>> find_spelling(std::string_view text, const std::vector<std::string>& spellings) {
  auto opens = [](char c) { return c == '(' || c == '"' || c == '\'' || c == '=' || c == '<' || c == ' ' || c == '\t' || c == '\n' || c == '['; };
  auto closes = [](char c) { return c == ')' || c == '"' || c == '\'' || c == '>' || c == '?' || c == '#' || c == ' ' || c == '\t' || c == '\n' || c == '|' || c == ']'; };
  for (const auto& s : spellings) {
    if (s.size() < 2) continue;  // too short to be a trustworthy match
    for (size_t at = text.find(s); at != std::string_view::npos; at = text.find(s, at + 1)) {
      bool before = at == 0 || opens(text[at - 1]);
      bool after = at + s.size() == text.size() || closes(text[at + s.size()]);
      if (before && after) return std::pair{at, s.size()};
    }
  }
  return std::nullopt;
}

std::vector<std::string> spellings_of(const std::string& value, const std::string& root, const std::string& url) {
  std::vector<std::string> out;
  auto add = [&](std::string s) {
    if (!s.empty() && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
  };
  for (std::string v : {value, text::decode_uri_component(value)}) {
    add(v);
    if (!url.empty() && v.starts_with(url + "/")) add(v.substr(url.size()));
    if (v.starts_with(root) && root.size() > 1) add("/" + v.substr(root.size()));
    if (v.starts_with(root)) add(v.substr(root.size()));
  }
  return out;
}

struct SourceText {
  std::string path;  // as shown
  std::string text;
};

// Config and site-theme files, where links the theme prints usually come from (menus, widgets).
std::vector<SourceText> theme_sources(const CheckArgs& args, const site::Inventory& inv) {
  std::vector<SourceText> out;
  const std::string theme = inv.config.str("theme", "haven");
  std::vector<fs::path> files;
  auto configs = split_commas(args.config);
  if (configs.empty()) configs = {"_config.yml"};
  for (const auto& c : configs) files.push_back(fs::path(args.site) / c);
  files.push_back(fs::path(args.site) / ("_config." + theme + ".yml"));
  fs::path theme_dir = fs::path(args.site) / "themes" / theme;
  files.push_back(theme_dir / "_config.yml");
  std::error_code ec;
  std::vector<fs::path> layouts;
  for (auto it = fs::recursive_directory_iterator(theme_dir / "layout", ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file(ec)) layouts.push_back(it->path());
  }
  std::sort(layouts.begin(), layouts.end());
  files.insert(files.end(), layouts.begin(), layouts.end());
  for (const auto& f : files) {
    auto text = base::read_file(f);
    if (text) out.push_back({display_path(f, args.site), content::normalize_source(*text)});
  }
  return out;
}

struct ScanStats {
  size_t pages = 0;
  size_t links = 0;
};

struct ExternalUse {
  std::string url;
  std::string page;  // output path of the first page that has it
};

ScanStats check_links(const CheckArgs& args, const site::Inventory& inv, const fs::path& output, Findings& out,
                      std::vector<ExternalUse>& external) {
  ScanStats stats;
  const std::string root = inv.config.str("root", "/");
  const std::string url = inv.config.str("url");
  OutputIndex index(output, inv.config.flag("pretty_urls.trailing_html", true));
  std::unordered_map<std::string, size_t> doc_of_page;
  for (size_t i = 0; i < inv.docs.size(); ++i) {
    const auto& d = inv.docs[i];
    if (d.published && !d.draft) doc_of_page.emplace(content::route_to_file(d.path), i);
  }
  std::vector<SourceText> theme_files = theme_sources(args, inv);
  std::set<std::string> external_seen;

  std::vector<std::string> pages;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(output, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::string ext = it->path().extension().string();
    if (it->is_regular_file(ec) && (ext == ".html" || ext == ".htm")) pages.push_back(it->path().lexically_relative(output).generic_string());
  }
  // Pages of posts and pages first, so a link shown in a post and in a list page is traced to the post.
  std::stable_sort(pages.begin(), pages.end(), [&](const std::string& a, const std::string& b) {
    bool da = doc_of_page.count(a) > 0, db = doc_of_page.count(b) > 0;
    if (da != db) return da;
    return a < b;
  });

  struct ThemeFinding {
    std::string first_page;
    size_t pages = 0;
    bool image = false;
  };
  std::map<std::string, ThemeFinding> from_theme;  // by link value
  for (const auto& page : pages) {
    auto html = base::read_file(output / page);
    if (!html) continue;
    ++stats.pages;
    size_t slash = page.rfind('/');
    std::string page_dir = slash == std::string::npos ? "" : page.substr(0, slash + 1);
    auto doc_it = doc_of_page.find(page);
    for (const auto& link : extract_links(*html)) {
      Target t = classify(link.value, page_dir, root, url);
      if (t.type == Target::Type::External) {
        if (external_seen.insert(link.value).second) external.push_back({link.value, page});
        continue;
      }
      if (t.type != Target::Type::Internal) continue;
      ++stats.links;
      if (index.exists(t.rel)) continue;
      Kind kind = link.image ? Kind::MissingImage : Kind::BrokenLink;
      std::string what = link.image ? "image" : "link";
      auto spellings = spellings_of(link.value, root, url);
      // 1. the post or page this HTML was made from; 2. any post or page (excerpts in lists).
      std::vector<const content::Document*> candidates;
      if (doc_it != doc_of_page.end()) candidates.push_back(&inv.docs[doc_it->second]);
      else for (const auto& d : inv.docs) candidates.push_back(&d);
      bool traced = false;
      for (const auto* d : candidates) {
        std::string_view body = d->text;
        auto found = find_spelling(body, spellings);
        if (!found && doc_it != doc_of_page.end()) {
          // {% asset_img x.png %} and friends: the file name alone, in this post only.
          std::string last = text::decode_uri_component(t.rel.substr(t.rel.rfind('/') + 1));
          found = find_spelling(body, {last});
        }
        if (!found) continue;
        std::string written = d->text.substr(found->first, found->second);
        std::string hint;
        std::error_code e;
        if (d->is_post() && !written.starts_with('/') && !has_scheme(written) &&
            fs::is_regular_file(inv.source_dir / (d->draft ? "_drafts" : "_posts") / d->slug / text::decode_uri_component(written), e)) {
          // Hexo's prependRoot makes Markdown paths root-relative, so a post-asset file is missed.
          hint = fmt::format("; {} is in the post's asset folder: write {{% asset_img {} %}} or {{% asset_path {} %}} to link it",
                             written, written, written);
        }
        out.add(kind, at(display_of(*d), d->text, found->first, found->second,
                         fmt::format("{} \"{}\" points to nothing in the built site (no {}{}){}", what, link.value,
                                     t.rel.empty() || t.rel.back() == '/' ? t.rel + "index.html" : t.rel,
                                     t.rel.starts_with("../") ? ", it leaves the site" : "", hint)));
        traced = true;
        break;
      }
      if (traced) continue;
      auto& tf = from_theme[link.value];
      if (tf.pages++ == 0) {
        tf.first_page = page;
        tf.image = link.image;
      }
    }
  }
  // Links made by the theme: at the config/theme line that holds them, else at the page.
  for (const auto& [value, tf] : from_theme) {
    Kind kind = tf.image ? Kind::MissingImage : Kind::BrokenLink;
    std::string what = tf.image ? "image" : "link";
    std::string where = tf.pages > 1 ? fmt::format("{} and {} other generated page{}", tf.first_page, tf.pages - 1, tf.pages == 2 ? "" : "s")
                                     : tf.first_page;
    std::string message = fmt::format("{} \"{}\" points to nothing in the built site (in {})", what, value, where);
    auto spellings = spellings_of(value, root, url);
    bool traced = false;
    for (const auto& src : theme_files) {
      if (auto found = find_spelling(src.text, spellings)) {
        out.add(kind, at(src.path, src.text, found->first, found->second, message));
        traced = true;
        break;
      }
    }
    if (!traced) out.add(kind, base::error(message + ", made by the theme", tf.first_page));
  }
  return stats;
}

// ---- external links (--external) --------------------------------------------------------------

// HEAD requests, one at a time, at most `max_external`, at least `host_interval_s` apart per host
// (politeness: a blog links the same few hosts many times), each bounded by `timeout_s`.
void check_external(const CheckArgs& args, const site::Inventory& inv, const std::vector<ExternalUse>& uses, Findings& out) {
  using Clock = std::chrono::steady_clock;
  std::map<std::string, Clock::time_point> last_hit;
  size_t checked = 0;
  for (const auto& use : uses) {
    if (checked >= args.max_external) {
      std::fprintf(stderr, "note: checked the first %zu external links only (--max-external)\n", args.max_external);
      break;
    }
    size_t scheme_end = use.url.find("://");
    size_t path_at = use.url.find_first_of("/?#", scheme_end + 3);
    std::string origin = use.url.substr(0, path_at);
    std::string path = path_at == std::string::npos ? "/" : use.url.substr(path_at);
    if (size_t hash = path.find('#'); hash != std::string::npos) path.resize(hash);
    if (path.empty() || path[0] != '/') path = "/" + path;
    if (auto it = last_hit.find(origin); it != last_hit.end()) {
      auto wait = std::chrono::duration<double>(args.host_interval_s) - (Clock::now() - it->second);
      if (wait.count() > 0) std::this_thread::sleep_for(wait);
    }
    ++checked;
    std::string problem;
    try {
      httplib::Client client(origin);
      auto secs = static_cast<time_t>(args.timeout_s);
      client.set_connection_timeout(secs, 0);
      client.set_read_timeout(secs, 0);
      client.set_write_timeout(secs, 0);
      client.set_follow_location(true);
      auto res = client.Head(path.c_str());
      if (!res) problem = "cannot be reached (" + httplib::to_string(res.error()) + ")";
      else if (res->status >= 400 && res->status != 405 && res->status != 429 && res->status != 501) {
        problem = fmt::format("answers HTTP {}", res->status);
      }
    } catch (const std::exception& e) {
      problem = std::string("cannot be checked: ") + e.what();
    }
    last_hit[origin] = Clock::now();
    if (problem.empty()) continue;
    std::string message = fmt::format("external link \"{}\" {}", use.url, problem);
    bool traced = false;
    for (const auto& d : inv.docs) {
      if (size_t at_ = d.text.find(use.url); at_ != std::string::npos) {
        out.add(Kind::External, at(display_of(d), d.text, at_, use.url.size(), message));
        traced = true;
        break;
      }
    }
    if (!traced) out.add(Kind::External, base::error(message + " (in " + use.page + ")", use.page));
  }
}

// ---- the command ------------------------------------------------------------------------------

std::string plural(size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

int run_check(const CheckArgs& args) {
  site::InventoryOptions options;
  options.site_dir = args.site;
  options.config_files = split_commas(args.config);
  auto inv = site::load_inventory(options);
  if (!inv) {
    print_diagnostics(inv.error());
    return k_exit_failed;
  }
  Findings findings;
  for (auto d : inv->errors) findings.add(Kind::Build, std::move(d));
  check_dates(*inv, findings);
  auto duplicates = check_abbrlinks(*inv, findings);
  auto broken_tags = check_post_links(*inv, findings);
  auto patches = scratch_patches(*inv, broken_tags, duplicates);

  std::optional<TempDir> temp;
  try {
    temp.emplace("check");
  } catch (const std::exception& e) {
    print_error(e.what());
    return k_exit_failed;
  }
  ScanStats stats;
  std::vector<ExternalUse> external;
  auto output = build_for_check(args, *inv, *temp, patches, findings);
  if (output) stats = check_links(args, *inv, *output, findings, external);
  if (output && args.external) check_external(args, *inv, external, findings);

  std::stable_sort(findings.list.begin(), findings.list.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.where.path, a.where.line, a.where.column) < std::tie(b.where.path, b.where.line, b.where.column);
  });
  print_diagnostics(findings.list);
  if (!output) std::fputs("note: the site does not build, so links were not checked\n", stderr);
  if (findings.list.empty()) {
    std::printf("check: no problems (%s, %s checked%s)\n", plural(stats.pages, "page", "pages").c_str(),
                plural(stats.links, "internal link", "internal links").c_str(),
                args.external ? fmt::format(", {} external", std::min(external.size(), args.max_external)).c_str() : "");
    return k_exit_ok;
  }
  static const std::pair<Kind, std::pair<const char*, const char*>> k_names[] = {
      {Kind::BrokenLink, {"broken link", "broken links"}},
      {Kind::MissingImage, {"missing image", "missing images"}},
      {Kind::PostLink, {"missing post_link target", "missing post_link targets"}},
      {Kind::Abbrlink, {"duplicate abbrlink", "duplicate abbrlinks"}},
      {Kind::Date, {"unreadable date", "unreadable dates"}},
      {Kind::External, {"broken external link", "broken external links"}},
      {Kind::Build, {"build error", "build errors"}},
  };
  std::string parts;
  for (const auto& [kind, names] : k_names) {
    auto it = findings.counts.find(kind);
    if (it == findings.counts.end()) continue;
    parts += (parts.empty() ? "" : ", ") + plural(it->second, names.first, names.second);
  }
  std::set<std::string> files;
  for (const auto& d : findings.list) files.insert(d.where.path);
  std::printf("check: %s in %s (%s)\n", plural(findings.list.size(), "problem", "problems").c_str(),
              plural(files.size(), "file", "files").c_str(), parts.c_str());
  return k_exit_failed;
}

} // namespace

void add_check_command(CLI::App& app, std::function<int()>& action) {
  auto args = std::make_shared<CheckArgs>();
  auto* cmd = app.add_subcommand("check", "Find broken links and images, missing post_link targets, duplicate abbrlinks, unreadable dates");
  cmd->add_option("SITE_DIR", args->site, "Site folder (default: the current folder)")->check(CLI::ExistingDirectory);
  cmd->add_option("--config", args->config, "Config files merged in order, comma-separated");
  cmd->add_flag("--external", args->external, "Also send a HEAD request to each external http(s) link (slow; uses the network)");
  cmd->add_option("--max-external", args->max_external, "Check at most this many external links")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--host-interval", args->host_interval_s, "Seconds between two requests to the same host")
      ->check(CLI::Range(0.0, 60.0))
      ->capture_default_str();
  cmd->add_option("--timeout", args->timeout_s, "Seconds before an external link counts as unreachable")
      ->check(CLI::Range(1.0, 60.0))
      ->capture_default_str();
  cmd->callback([args, &action] { action = [args] { return run_check(*args); }; });
}

} // namespace haven::app::authoring
