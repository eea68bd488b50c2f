// Hexo's code block markup with KF5 SyntaxHighlighting doing the tokenising. Format styles are
// mapped to highlight.js class names, which is what Hexo themes style.
#include <KSyntaxHighlighting/AbstractHighlighter>
#include <KSyntaxHighlighting/Definition>
#include <KSyntaxHighlighting/Format>
#include <KSyntaxHighlighting/Repository>
#include <KSyntaxHighlighting/State>
#include <KSyntaxHighlighting/Theme>

#include <QString>

#include <algorithm>
#include <charconv>
#include <regex>
#include <unordered_map>

#include "markdown/markdown.hpp"
#include "text/html.hpp"

namespace haven::markdown {

namespace ksh = KSyntaxHighlighting;

namespace {

// Fence names (lower case) that differ from KF5 definition names; everything else is looked up
// by case-insensitive definition name, then as a file extension.
struct Alias {
  std::string_view fence;
  std::string_view definition;
};
constexpr Alias k_aliases[] = {
    {"js", "JavaScript"},         {"javascript", "JavaScript"}, {"mjs", "JavaScript"},
    {"cjs", "JavaScript"},        {"node", "JavaScript"},       {"jsx", "JavaScript React (JSX)"},
    {"ts", "TypeScript"},         {"typescript", "TypeScript"}, {"tsx", "TypeScript React (TSX)"},
    {"sh", "Bash"},               {"shell", "Bash"},            {"bash", "Bash"},
    {"console", "Bash"},          {"shellsession", "Bash"},     {"zsh", "Zsh"},
    {"yml", "YAML"},              {"yaml", "YAML"},             {"c++", "C++"},
    {"cpp", "C++"},               {"cc", "C++"},                {"cxx", "C++"},
    {"hpp", "C++"},               {"hxx", "C++"},               {"h", "C"},
    {"py", "Python"},             {"python3", "Python"},        {"py3", "Python"},
    {"gyp", "Python"},            {"rb", "Ruby"},               {"md", "Markdown"},
    {"mkd", "Markdown"},          {"vue", "HTML"},              {"htm", "HTML"},
    {"xhtml", "HTML"},            {"svg", "XML"},               {"plist", "XML"},
    {"rss", "XML"},               {"atom", "XML"},              {"cs", "C#"},
    {"csharp", "C#"},             {"c#", "C#"},                 {"golang", "Go"},
    {"rs", "Rust"},               {"kt", "Kotlin"},             {"kts", "Kotlin"},
    {"pl", "Perl"},               {"pm", "Perl"},               {"ps1", "PowerShell"},
    {"ps", "PowerShell"},         {"pwsh", "PowerShell"},       {"bat", "MS-DOS Batch"},
    {"cmd", "MS-DOS Batch"},      {"dos", "MS-DOS Batch"},      {"ini", "INI Files"},
    {"cfg", "INI Files"},         {"conf", "INI Files"},        {"toml", "TOML"},
    {"docker", "Dockerfile"},     {"make", "Makefile"},         {"mk", "Makefile"},
    {"mak", "Makefile"},          {"patch", "Diff"},            {"tex", "LaTeX"},
    {"objc", "Objective-C"},      {"objectivec", "Objective-C"}, {"hs", "Haskell"},
    {"ex", "Elixir"},             {"exs", "Elixir"},            {"erl", "Erlang"},
    {"clj", "Clojure"},           {"ml", "Objective Caml"},     {"ocaml", "Objective Caml"},
    {"fs", "FSharp"},             {"fsharp", "FSharp"},         {"proto", "Protobuf"},
    {"protobuf", "Protobuf"},     {"gql", "GraphQL"},           {"r", "R Script"},
    {"jl", "Julia"},              {"tf", "Terraform"},          {"hcl", "Terraform"},
    {"less", "LESSCSS"},          {"sass", "SASS"},             {"styl", "CSS"},
    {"stylus", "CSS"},            {"psql", "SQL (PostgreSQL)"}, {"postgres", "SQL (PostgreSQL)"},
    {"postgresql", "SQL (PostgreSQL)"}, {"mysql", "SQL (MySQL)"}, {"diff", "Diff"},
    {"nim", "Nim"},               {"zig", "Zig"},               {"vb", "MonoBasic"},
    {"awk", "AWK"},               {"dockerfile", "Dockerfile"}, {"makefile", "Makefile"},
    {"ejs", "HTML"},              {"njk", "Django HTML Template"}, {"nunjucks", "Django HTML Template"},
    {"jinja", "Django HTML Template"}, {"twig", "Django HTML Template"}, {"hbs", "Mustache/Handlebars (HTML)"},
    {"handlebars", "Mustache/Handlebars (HTML)"}, {"json5", "JSON"}, {"jsonc", "JSON"},
};

// Fence names that mean "no language".
constexpr std::string_view k_plain_names[] = {"", "plaintext", "plain", "text", "txt", "none", "nohighlight"};

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

// KF5 text styles → highlight.js class names (empty = no span).
std::string_view class_for(ksh::Theme::TextStyle style) {
  using S = ksh::Theme::TextStyle;
  switch (style) {
    case S::Keyword:
    case S::ControlFlow: return "keyword";
    case S::Function: return "title";
    case S::Variable: return "variable";
    case S::BuiltIn:
    case S::Extension: return "built_in";
    case S::Preprocessor:
    case S::Import:
    case S::Information: return "meta";
    case S::Attribute: return "attr";
    case S::Char:
    case S::String:
    case S::VerbatimString: return "string";
    case S::SpecialChar: return "char escape_";
    case S::SpecialString: return "regexp";
    case S::DataType: return "type";
    case S::DecVal:
    case S::BaseN:
    case S::Float: return "number";
    case S::Constant: return "literal";
    case S::Comment:
    case S::Documentation:
    case S::RegionMarker: return "comment";
    case S::Annotation:
    case S::CommentVar:
    case S::Alert:
    case S::Warning: return "doctag";
    case S::Operator:  // highlight.js leaves operators and punctuation unstyled
    case S::Normal:
    case S::Error:
    case S::Others: return "";
  }
  return "";
}

// Item names whose highlight.js class differs from what their KF5 style suggests; the first
// entry whose text occurs in the format name wins. (KF5 styles JSON keys as DataType, braces as
// Function, JS function names as Function — highlight.js calls them attr, nothing, title.)
struct NameRule {
  std::string_view definition;  // empty = any definition
  std::string_view part;
  std::string_view cls;
};
constexpr NameRule k_name_rules[] = {
    {"", "Operator", ""},
    {"", "Separator", ""},
    {"", "Seperator", ""},
    {"", "Symbol", ""},
    {"", "Bracket", ""},
    {"", "Function Declaration", "title function_"},
    {"", "Method", "title function_"},
    {"", "String_Key", "attr"},  // JSON keys
    {"YAML", "Key Points", ""},
    {"YAML", "Key", "attr"},
    {"", "Special Variable", "literal"},
    {"JavaScript", "Built-in Objects", "variable language_"},  // console, window, document
    {"TypeScript", "Built-in Objects", "variable language_"},
    {"", "Object Method", "title function_"},                   // console.log( → log is a call
    {"JavaScript", "Template", "\x01template"},  // `…${x}…`: one string span with subst spans inside
    {"TypeScript", "Template", "\x01template"},
    {"JavaScript", "Substitution", "\x01subst"},
    {"TypeScript", "Substitution", "\x01subst"},
    {"", "Decorator", "meta"},
    {"", "Template", "string"},
    {"", "Substitution", "subst"},
    {"", "Prep. Lib", "string"},
    {"YAML", "Attribute", ""},
    {"HTML", "Element", "name"},
    {"HTML", "Attribute", "attr"},
    {"HTML", "Value", "string"},
    {"XML", "Element", "name"},
    {"XML", "Attribute", "attr"},
    {"XML", "Value", "string"},
};

std::string_view class_for(const ksh::Format& format, const std::string& definition) {
  std::string name = format.name().toStdString();
  for (const NameRule& rule : k_name_rules) {
    if (!rule.definition.empty() && rule.definition != definition) continue;
    if (name.find(rule.part) != std::string::npos) return rule.cls;
  }
  return class_for(format.textStyle());
}

enum class Escape {
  Hljs,    // highlight.js (plaintext too): & < > " ' → &#x27;, braces → &#123; &#125; (Hexo's filter)
  Marked,  // marked's code renderer (highlighting off): & < > " ' → &#39;, braces kept
  Prism,   // Prism's encode: & < only, braces → entities (Hexo's filter)
};

void append_code_escaped(std::string& out, std::string_view s, Escape mode) {
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': if (mode == Escape::Prism) out += c; else out += "&gt;"; break;
      case '"': if (mode == Escape::Prism) out += c; else out += "&quot;"; break;
      case '\'':
        if (mode == Escape::Prism) out += c;
        else out += mode == Escape::Marked ? "&#39;" : "&#x27;";
        break;
      case '{': if (mode == Escape::Marked) out += c; else out += "&#123;"; break;
      case '}': if (mode == Escape::Marked) out += c; else out += "&#125;"; break;
      default: out += c;
    }
  }
}

// highlight.js class → Prism token classes, for `syntax_highlighter: prismjs`.
std::string_view prism_class(std::string_view cls) {
  struct Map {
    std::string_view hljs, prism;
  };
  static constexpr Map k_map[] = {
      {"keyword", "token keyword"},       {"title function_", "token function"}, {"title", "token function"},
      {"variable", "token variable"},     {"built_in", "token builtin"},         {"meta", "token directive"},
      {"attr", "token property"},         {"string", "token string"},            {"char escape_", "token string"},
      {"regexp", "token regex"},          {"type", "token class-name"},          {"number", "token number"},
      {"literal", "token boolean"},       {"comment", "token comment"},          {"doctag", "token important"},
      {"name", "token tag"},              {"subst", "token interpolation"},      {"variable language_", "token builtin"},
  };
  for (const Map& m : k_map) {
    if (m.hljs == cls) return m.prism;
  }
  return cls.empty() ? cls : std::string_view("token");
}

// Collects one line's spans as (class, text) runs, merging neighbours of the same class.
class LineHighlighter final : public ksh::AbstractHighlighter {
public:
  struct Run {
    std::string_view cls;
    int begin;  // UTF-16 offsets into the line
    int end;
  };

  std::vector<Run> runs;

  using ksh::AbstractHighlighter::highlightLine;  // public here: this class is the only caller

  explicit LineHighlighter(std::string definition_name) : m_definition(std::move(definition_name)) {}

  void applyFormat(int offset, int length, const ksh::Format& format) override {
    if (length <= 0) return;
    std::string_view cls;
    if (format.isValid()) {
      auto it = m_classes.find(format.id());
      if (it == m_classes.end()) it = m_classes.emplace(format.id(), class_for(format, m_definition)).first;
      cls = it->second;
    }
    if (!runs.empty() && runs.back().cls == cls && runs.back().end == offset) {
      runs.back().end = offset + length;
      return;
    }
    runs.push_back({cls, offset, offset + length});
  }

private:
  std::string m_definition;
  std::unordered_map<quint16, std::string_view> m_classes;  // format id → class, per block
};

struct ThreadHighlighting {
  ksh::Repository repository;  // one per thread: a shared Repository is not thread-safe
  std::unordered_map<std::string, ksh::Definition> by_lower_name;
  std::unordered_map<std::string, ksh::Definition> cache;  // fence name (lower) → definition

  ThreadHighlighting() {
    const auto definitions = repository.definitions();
    for (const ksh::Definition& d : definitions) {
      by_lower_name.emplace(lower_ascii(d.name().toStdString()), d);
    }
  }

  ksh::Definition find(std::string_view fence) {
    std::string key = lower_ascii(fence);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
    ksh::Definition def;
    for (const Alias& a : k_aliases) {
      if (a.fence == key) {
        def = repository.definitionForName(QString::fromUtf8(a.definition.data(), static_cast<int>(a.definition.size())));
        break;
      }
    }
    if (!def.isValid()) {
      if (auto it = by_lower_name.find(key); it != by_lower_name.end()) def = it->second;
    }
    if (!def.isValid() && !key.empty()) {
      def = repository.definitionForFileName(QString::fromStdString("x." + key));
    }
    if (def.isValid() && def.name() == QLatin1String("None")) def = ksh::Definition();
    cache.emplace(std::move(key), def);
    return def;
  }
};

ThreadHighlighting& thread_highlighting() {
  thread_local ThreadHighlighting instance;
  return instance;
}

std::vector<std::string_view> split_lines(std::string_view code) {
  if (!code.empty() && code.back() == '\n') code.remove_suffix(1);
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (true) {
    size_t nl = code.find('\n', start);
    std::string_view line = code.substr(start, nl == std::string_view::npos ? code.npos : nl - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return lines;
}

std::string replace_tabs(std::string_view line, const std::string& tab) {
  std::string out;
  for (char c : line) {
    if (c == '\t') out += tab;
    else out += c;
  }
  return out;
}

enum class DefinitionKind { Other, Script, Python };

DefinitionKind kind_of(const std::string& name) {
  if (name == "JavaScript" || name == "TypeScript" || name == "JavaScript React (JSX)" || name == "TypeScript React (TSX)") {
    return DefinitionKind::Script;
  }
  return name == "Python" ? DefinitionKind::Python : DefinitionKind::Other;
}

// highlight.js marks what KF5 leaves plain in function definitions: the parameter list
// (`function f(a, b)`) and, in Python, the function's name (`def f(a):`). Only simple one-line
// parameter lists without nested markup are marked.
void mark_definition(std::string& html, DefinitionKind kind) {
  if (kind == DefinitionKind::Script && html.find("<span class=\"keyword\">function</span>") != std::string::npos) {
    static const std::regex k_params(R"((<span class="keyword">function</span>\s*(?:<span class="title function_">[^<]*</span>)?\s*)\(([^()<]*)\))");
    html = std::regex_replace(html, k_params, "$1(<span class=\"params\">$2</span>)");
  } else if (kind == DefinitionKind::Python && html.find("<span class=\"keyword\">def</span>") != std::string::npos) {
    static const std::regex k_def(R"((<span class="keyword">def</span>\s+)([A-Za-z_][A-Za-z0-9_]*)\(([^()<]*)\))");
    html = std::regex_replace(html, k_def, "$1<span class=\"title function_\">$2</span>(<span class=\"params\">$3</span>)");
  }
}

// The HTML of each line, highlighted with `def` (or plain-escaped when it is invalid).
std::vector<std::string> render_lines(const std::vector<std::string>& lines, const ksh::Definition& def, bool prism) {
  Escape escape = prism ? Escape::Prism : Escape::Hljs;
  std::vector<std::string> out;
  out.reserve(lines.size());
  if (!def.isValid()) {
    for (const std::string& line : lines) {
      std::string html;
      append_code_escaped(html, line, escape);
      out.push_back(std::move(html));
    }
    return out;
  }
  LineHighlighter highlighter(def.name().toStdString());
  highlighter.setDefinition(def);
  DefinitionKind highlighter_kind = kind_of(def.name().toStdString());
  ksh::State state;
  // Template literals nest like highlight.js prints them: <span class="string">`a<span
  // class="subst">${x}</span>`</span>; spans open at a line's end are closed there and reopened
  // on the next line, as highlight.js does.
  bool in_template = false, in_subst = false;
  auto open_span = [&](std::string& html, std::string_view cls) {
    if (prism) cls = prism_class(cls);
    html += "<span class=\"";
    html += cls;
    html += "\">";
  };
  for (const std::string& line : lines) {
    QString q = QString::fromUtf8(line.data(), static_cast<int>(line.size()));
    highlighter.runs.clear();
    state = highlighter.highlightLine(QStringView(q), state);
    std::string html;
    if (in_template) open_span(html, "string");
    if (in_subst) open_span(html, "subst");
    int pos = 0;
    auto emit_run = [&](std::string_view cls, int begin, int end) {
      if (end <= begin) return;
      QByteArray bytes = QStringView(q).mid(begin, end - begin).toUtf8();
      std::string_view text(bytes.constData(), static_cast<size_t>(bytes.size()));
      if (cls == "\x01template") {
        bool was_open = in_template;
        if (!in_template) open_span(html, "string");
        in_template = true;
        append_code_escaped(html, text, escape);
        if (text.ends_with('`') && (was_open || text.size() > 1)) {
          html += "</span>";
          in_template = false;
        }
        return;
      }
      if (cls == "\x01subst") {
        if (in_template && !in_subst && text.starts_with("${")) {
          open_span(html, "subst");
          in_subst = true;
        }
        append_code_escaped(html, text, escape);
        if (in_subst && text.ends_with('}')) {
          html += "</span>";
          in_subst = false;
        }
        return;
      }
      if (!cls.empty()) open_span(html, cls);
      append_code_escaped(html, text, escape);
      if (!cls.empty()) html += "</span>";
    };
    for (const LineHighlighter::Run& run : highlighter.runs) {
      int begin = std::max(run.begin, pos);
      int end = std::min(run.end, static_cast<int>(q.size()));
      if (begin > pos) emit_run({}, pos, begin);  // text the highlighter did not format
      emit_run(run.cls, begin, end);
      pos = std::max(pos, end);
    }
    emit_run({}, pos, static_cast<int>(q.size()));
    if (in_subst) html += "</span>";
    if (in_template) html += "</span>";
    if (!prism) mark_definition(html, highlighter_kind);
    out.push_back(std::move(html));
  }
  return out;
}

bool is_plain_name(std::string_view lang) {
  std::string key = lower_ascii(lang);
  return std::find(std::begin(k_plain_names), std::end(k_plain_names), key) != std::end(k_plain_names);
}

} // namespace

std::string highlight_code(std::string_view code, const CodeBlock& block, const HighlightOptions& options) {
  std::vector<std::string> lines;
  for (std::string_view line : split_lines(code)) lines.emplace_back(line);
  auto caption_html = [&] {
    std::string c = "<span>" + block.caption + "</span>";
    if (!block.caption_url.empty()) {
      c += "<a href=\"" + block.caption_url + "\">";
      c += block.caption_link_text.empty() ? std::string("link") : block.caption_link_text;
      c += "</a>";
    }
    return c;
  };
  if (!options.enable) {  // marked's own code renderer
    std::string out = block.lang.empty() ? "<pre><code>" : "<pre><code class=\"language-" + text::escape_html_min(block.lang) + "\">";
    for (const std::string& line : lines) {
      append_code_escaped(out, line, Escape::Marked);
      out += '\n';
    }
    out += "</code></pre>";
    return out;
  }
  // hexo-util's stripIndent: the smallest indentation of the non-blank lines is removed from all.
  size_t indent = std::string::npos;
  for (const std::string& line : lines) {
    size_t first = line.find_first_not_of(" \t");
    if (first != std::string::npos) indent = std::min(indent, first);
  }
  if (indent != std::string::npos && indent > 0) {
    for (std::string& line : lines) line.erase(0, std::min(indent, line.find_first_not_of(" \t") == std::string::npos ? line.size() : indent));
  }
  if (!options.tab_replace.empty()) {  // after stripIndent, as in hexo-util
    for (std::string& line : lines) line = replace_tabs(line, options.tab_replace);
  }
  bool excluded = std::find(options.exclude_languages.begin(), options.exclude_languages.end(), block.lang) !=
                  options.exclude_languages.end();
  if (excluded) {
    std::string out = block.lang.empty() ? "<pre><code>" : "<pre><code class=\"" + text::escape_html_min(block.lang) + "\">";
    for (size_t i = 0; i < lines.size(); ++i) {
      if (i) out += '\n';
      append_code_escaped(out, lines[i], Escape::Hljs);
    }
    out += "</code></pre>";
    return out;
  }

  ksh::Definition def;
  if (!is_plain_name(block.lang)) def = thread_highlighting().find(block.lang);
  bool line_numbers = options.line_number && block.line_number;

  if (options.prism) {
    // hexo-util prism (preprocess mode): unknown languages are "none" and only escaped.
    std::string lang = def.isValid() ? text::escape_html_min(block.lang) : "none";
    std::string out = line_numbers ? "<pre class=\"line-numbers language-" + lang + "\">" : "<pre class=\"language-" + lang + "\">";
    if (!block.caption.empty()) out += "<div class=\"caption\">" + caption_html() + "</div>";
    out += "<code class=\"language-" + lang + "\">";
    std::vector<std::string> html_lines;
    if (def.isValid()) {
      html_lines = render_lines(lines, def, true);
    } else {
      for (const std::string& line : lines) {
        std::string escaped;
        for (char c : text::escape_html(line)) {
          if (c == '{') escaped += "&#123;";
          else if (c == '}') escaped += "&#125;";
          else escaped += c;
        }
        html_lines.push_back(std::move(escaped));
      }
    }
    for (size_t i = 0; i < html_lines.size(); ++i) {
      if (i) out += '\n';
      out += html_lines[i];
    }
    if (line_numbers) {
      out += "<span aria-hidden=\"true\" class=\"line-numbers-rows\">";
      for (size_t i = 0; i < html_lines.size(); ++i) out += "<span></span>";
      out += "</span>";
    }
    out += "</code></pre>";
    return out;
  }

  std::string lang_class = def.isValid() ? text::escape_html_min(block.lang) : "plaintext";
  std::vector<std::string> html_lines = render_lines(lines, def, false);

  if (!options.wrap && !line_numbers) {  // hexo-util: a gutter forces the wrapper back on
    std::string out = "<pre>";
    if (!block.caption.empty()) out += "<div class=\"caption\">" + caption_html() + "</div>";
    out += "<code class=\"hljs " + lang_class + "\">";
    for (size_t i = 0; i < html_lines.size(); ++i) {
      if (i) out += '\n';
      int number = block.first_line + static_cast<int>(i);
      bool marked = std::find(block.marked_lines.begin(), block.marked_lines.end(), number) != block.marked_lines.end();
      out += marked ? "<mark>" + html_lines[i] + "</mark>" : html_lines[i];
    }
    out += "</code></pre>";
    return out;
  }

  std::string out = "<figure class=\"highlight " + lang_class + "\">";
  if (!block.caption.empty()) out += "<figcaption>" + caption_html() + "</figcaption>";
  out += "<table><tr>";
  if (line_numbers) {
    out += "<td class=\"gutter\"><pre>";
    for (size_t i = 0; i < html_lines.size(); ++i) {
      out += "<span class=\"line\">" + std::to_string(block.first_line + static_cast<int>(i)) + "</span><br>";
    }
    out += "</pre></td>";
  }
  out += "<td class=\"code\"><pre>";
  for (size_t i = 0; i < html_lines.size(); ++i) {
    int number = block.first_line + static_cast<int>(i);
    bool marked = std::find(block.marked_lines.begin(), block.marked_lines.end(), number) != block.marked_lines.end();
    out += marked ? "<span class=\"line marked\">" : "<span class=\"line\">";
    out += html_lines[i];
    out += "</span><br>";
  }
  out += "</pre></td></tr></table></figure>";
  return out;
}

namespace {

std::vector<std::string_view> split_ws(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

bool parse_int(std::string_view s, int& out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool is_url(std::string_view s) {
  return s.starts_with("http://") || s.starts_with("https://") || (s.starts_with("/") && s.size() > 1);
}

} // namespace

CodeBlock parse_fence_info(std::string_view info) {
  CodeBlock block;
  std::vector<std::string_view> rest;
  for (std::string_view word : split_ws(info)) {
    size_t colon = word.find(':');
    std::string_view key = colon == std::string_view::npos ? std::string_view{} : word.substr(0, colon);
    std::string_view value = colon == std::string_view::npos ? std::string_view{} : word.substr(colon + 1);
    if (key == "line_number") {
      block.line_number = value == "true";
    } else if (key == "first_line") {
      int n;
      if (parse_int(value, n)) block.first_line = n;
    } else if (key == "mark") {
      size_t start = 0;
      while (start <= value.size()) {
        size_t comma = value.find(',', start);
        std::string_view item = value.substr(start, comma == std::string_view::npos ? value.npos : comma - start);
        size_t dash = item.find('-');
        int a, b;
        if (dash != std::string_view::npos && parse_int(item.substr(0, dash), a) && parse_int(item.substr(dash + 1), b)) {
          if (b < a) std::swap(a, b);
          constexpr int k_max_marked = 10000;  // a typo like mark:1-99999999 must not allocate GBs
          for (int n = a; n <= b && n - a < k_max_marked; ++n) block.marked_lines.push_back(n);
        } else if (parse_int(item, a)) {
          block.marked_lines.push_back(a);
        }
        if (comma == std::string_view::npos) break;
        start = comma + 1;
      }
    } else if (key == "lang" && block.lang.empty()) {
      block.lang = std::string(value);
    } else {
      rest.push_back(word);
    }
  }
  // "lang caption… URL link text…" (Hexo's rAllOptions), else "lang caption…" (rLangCaption).
  if (rest.empty()) return block;
  size_t i = 0;
  if (block.lang.empty()) block.lang = std::string(rest[i++]);
  auto join = [&](size_t from, size_t to) {
    std::string s;
    for (size_t k = from; k < to; ++k) {
      if (k > from) s += ' ';
      s += rest[k];
    }
    return s;
  };
  size_t url_at = rest.size();
  for (size_t k = i + 1; k < rest.size(); ++k) {  // the caption needs at least one word first
    if (is_url(rest[k])) {
      url_at = k;
      break;
    }
  }
  if (url_at < rest.size()) {
    block.caption = join(i, url_at);
    block.caption_url = std::string(rest[url_at]);
    block.caption_link_text = join(url_at + 1, rest.size());
  } else {
    block.caption = join(i, rest.size());
  }
  return block;
}

std::string mermaid_html(std::string_view source) {
  std::string out = "<pre class=\"mermaid\">";
  for (std::string_view line : split_lines(source)) {
    text::append_escaped_min(out, line);
    out += '\n';
  }
  out += "</pre>";
  return out;
}

} // namespace haven::markdown
