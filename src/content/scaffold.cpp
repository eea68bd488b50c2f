#include "content/scaffold.hpp"

#include <fmt/format.h>

#include <regex>

#include "base/fs.hpp"
#include "content/front_matter.hpp"
#include "content/front_matter_edit.hpp"

namespace haven::content {

namespace {

const std::string* find_var(const std::vector<std::pair<std::string, std::string>>& vars, std::string_view name) {
  for (const auto& [k, v] : vars) {
    if (k == name) return &v;
  }
  return nullptr;
}

std::string escape_in_quotes(std::string_view s, char quote) {
  std::string out;
  for (char c : s) {
    if (quote == '\'' && c == '\'') out += "''";
    else if (quote == '"' && (c == '"' || c == '\\')) out += std::string("\\") + c;
    else if (quote == '"' && c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string extension_of(std::string_view path) {
  size_t slash = path.rfind('/');
  size_t dot = path.rfind('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash) || dot + 1 == path.size()) return {};
  if (dot == 0 || (slash != std::string_view::npos && dot == slash + 1)) return {};  // ".hidden" has none
  return std::string(path.substr(dot));
}

} // namespace

std::string_view builtin_scaffold() {
  return "---\nlayout: {{ layout }}\ntitle: {{ title }}\ndate: {{ date }}\ntags:\n---\n";
}

std::string read_scaffold(const std::filesystem::path& scaffold_dir, std::string_view layout) {
  for (std::string name : {std::string(layout), std::string("normal")}) {
    auto text = base::read_file(scaffold_dir / (name + ".md"));
    if (text) return *text;
  }
  return std::string(builtin_scaffold());
}

std::string render_scaffold(std::string_view scaffold,
                            const std::vector<std::pair<std::string, std::string>>& vars,
                            const std::vector<std::pair<std::string, std::string>>& raw_vars) {
  std::string text = normalize_source(scaffold);
  auto span = front_matter_span(text);
  if (!span) {
    const std::string* title = find_var(vars, "title");
    const std::string* date = find_var(raw_vars, "date");
    return fmt::format("---\ntitle: {}\ndate: {}\n---\n{}", yaml_scalar(title ? *title : ""), date ? *date : "", text);
  }
  static const std::regex k_placeholder(R"(\{\{-?\s*([A-Za-z_]\w*)\s*-?\}\})");
  std::string head = text.substr(span->first, span->second - span->first);
  std::string out = text.substr(0, span->first);
  auto begin = std::sregex_iterator(head.begin(), head.end(), k_placeholder);
  size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    size_t pos = static_cast<size_t>(it->position());
    size_t end = pos + static_cast<size_t>(it->length());
    out.append(head, last, pos - last);
    last = end;
    std::string name = (*it)[1].str();
    if (const std::string* raw = find_var(raw_vars, name)) {
      out += *raw;
      continue;
    }
    const std::string* value = find_var(vars, name);
    std::string v = value ? *value : std::string();
    char before = pos > 0 ? head[pos - 1] : '\0';
    char after = end < head.size() ? head[end] : '\0';
    if ((before == '"' || before == '\'') && after == before) {
      out += escape_in_quotes(v, before);
    } else if (!v.empty()) {
      out += yaml_scalar(v);
    }
  }
  out.append(head, last, std::string::npos);
  out.append(text, span->second, std::string::npos);
  return out;
}

std::string expand_new_post_name(std::string_view pattern, const NewPostNameParts& parts,
                                 const config::SiteConfig& config) {
  static const std::regex k_token(R"(:(\w*[^_\W]))");
  std::string pat(pattern);
  std::string out;
  size_t last = 0;
  for (auto it = std::sregex_iterator(pat.begin(), pat.end(), k_token); it != std::sregex_iterator(); ++it) {
    out.append(pat, last, static_cast<size_t>(it->position()) - last);
    last = static_cast<size_t>(it->position() + it->length());
    std::string key = (*it)[1].str();
    if (key == "title") out += parts.title;
    else if (key == "year") out += fmt::format("{:04d}", parts.year);
    else if (key == "month") out += fmt::format("{:02d}", parts.month);
    else if (key == "day") out += fmt::format("{:02d}", parts.day);
    else if (key == "i_month") out += std::to_string(parts.month);
    else if (key == "i_day") out += std::to_string(parts.day);
    else if (key == "timestamp") out += std::to_string(parts.timestamp);
    else {
      base::Value v = config.get("permalink_defaults").get(key);
      out += v.is_nullish() ? "undefined" : v.to_string();
    }
  }
  out.append(pat, last, std::string::npos);
  if (extension_of(out).empty()) {
    std::string ext = extension_of(pattern);
    out += ext.empty() ? ".md" : ext;
  }
  return out;
}

} // namespace haven::content
