// Lexer and recursive-descent parser. Token rules and operator precedence follow Nunjucks 3
// (lexer.js/parser.js behaviour), so templates parse exactly where Nunjucks accepts them.
#include <algorithm>
#include <initializer_list>

#include <fmt/format.h>

#include "tmpl/ast.hpp"
#include "tmpl/runtime.hpp"
#include "tmpl/util.hpp"

namespace haven::tmpl::detail {

namespace {

enum class Tok : uint8_t {
  Data, Comment, BlockStart, BlockEnd, VarStart, VarEnd, String, Int, Float, Bool, None, Symbol,
  Regex, LParen, RParen, LBracket, RBracket, LCurly, RCurly, Comma, Colon, Tilde, Pipe, Operator, Eof
};

struct Token {
  Tok type = Tok::Eof;
  bool trim = false;       // start tags: "{%-"; end tags: "-%}"; comments: "{#-"
  bool trim_after = false; // comments: "-#}"
  bool raw = false;        // data inside raw/verbatim: never trimmed
  uint32_t offset = 0;
  uint32_t length = 0;
  std::string value;
  std::string flags; // regex flags
};

struct SyntaxError {
  uint32_t offset;
  uint32_t length;
  std::string message;
};

constexpr std::string_view k_delims = "()[]{}%*-+~/#,:|.<>=!";

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_delim(char c) { return k_delims.find(c) != std::string_view::npos; }

class Lexer {
public:
  Lexer(std::string_view src, const ParseOptions& options) : m_src(src), m_options(options) {}

  std::vector<Token> run() {
    while (m_pos < m_src.size()) {
      if (m_in_code) {
        lex_code();
      } else {
        lex_text();
      }
    }
    apply_whitespace_control();
    Token eof;
    eof.type = Tok::Eof;
    eof.offset = static_cast<uint32_t>(m_src.size());
    m_tokens.push_back(eof);
    return std::move(m_tokens);
  }

private:
  bool at(std::string_view s) const { return m_src.substr(m_pos, s.size()) == s; }

  void push(Tok type, size_t start, std::string value = {}) {
    Token t;
    t.type = type;
    t.offset = static_cast<uint32_t>(start);
    t.length = static_cast<uint32_t>(m_pos - start);
    t.value = std::move(value);
    m_tokens.push_back(std::move(t));
  }

  void skip_newline_after_block() {
    if (!m_options.trim_blocks) return;
    if (at("\n")) {
      ++m_pos;
    } else if (at("\r\n")) {
      m_pos += 2;
    }
  }

  // `{% raw %}` / `{% verbatim %}`: the text up to the matching end tag is data, untouched.
  bool try_raw(size_t tag_start) {
    size_t p = m_pos;
    while (p < m_src.size() && is_ws(m_src[p])) ++p;
    std::string_view word;
    for (std::string_view w : {"raw", "verbatim"}) {
      if (m_src.substr(p, w.size()) == w && p + w.size() < m_src.size() &&
          (is_ws(m_src[p + w.size()]) || is_delim(m_src[p + w.size()]))) {
        word = w;
        break;
      }
    }
    if (word.empty()) return false;
    size_t q = p + word.size();
    while (q < m_src.size() && is_ws(m_src[q])) ++q;
    bool trim = false;
    if (m_src.substr(q, 3) == "-%}") {
      trim = true;
    } else if (m_src.substr(q, 2) != "%}") {
      return false;
    }
    size_t body_start = q + (trim ? 3 : 2);
    std::string end_word = fmt::format("end{}", word);
    // Find the matching end tag, counting nested raw tags.
    int level = 1;
    size_t scan = body_start;
    size_t end_tag = std::string_view::npos, end_tag_end = 0;
    bool end_trim = false;
    while (scan < m_src.size()) {
      size_t open = m_src.find("{%", scan);
      if (open == std::string_view::npos) break;
      size_t r = open + 2;
      if (r < m_src.size() && m_src[r] == '-') ++r;
      while (r < m_src.size() && is_ws(m_src[r])) ++r;
      size_t name_end = r;
      while (name_end < m_src.size() && !is_ws(m_src[name_end]) && !is_delim(m_src[name_end])) ++name_end;
      std::string_view name = m_src.substr(r, name_end - r);
      size_t close = name_end;
      while (close < m_src.size() && is_ws(m_src[close])) ++close;
      bool t = m_src.substr(close, 3) == "-%}";
      bool closes = t || m_src.substr(close, 2) == "%}";
      if (closes && name == word) {
        ++level;
      } else if (closes && name == end_word) {
        if (--level == 0) {
          end_tag = open;
          end_tag_end = close + (t ? 3 : 2);
          end_trim = t;
          break;
        }
      }
      scan = open + 2;
    }
    if (end_tag == std::string_view::npos) {
      throw SyntaxError{static_cast<uint32_t>(tag_start), 2,
                        fmt::format("unclosed '{}' tag: expected '{}'", word, end_word)};
    }
    m_pos = p;
    push(Tok::Symbol, p, std::string(word));
    m_pos = body_start;
    push(Tok::BlockEnd, q);
    m_tokens.back().trim = trim;
    m_pos = end_tag;
    push(Tok::Data, body_start, std::string(m_src.substr(body_start, end_tag - body_start)));
    m_tokens.back().raw = true;
    bool end_trim_before = end_tag + 2 < m_src.size() && m_src[end_tag + 2] == '-';
    m_pos = end_tag + 2 + (end_trim_before ? 1 : 0);
    push(Tok::BlockStart, end_tag);
    m_tokens.back().trim = end_trim_before;
    m_pos = end_tag_end;
    push(Tok::Symbol, end_tag, end_word);
    push(Tok::BlockEnd, end_tag_end - (end_trim ? 3 : 2));
    m_tokens.back().trim = end_trim;
    skip_newline_after_block();
    return true;
  }

  void lex_text() {
    size_t start = m_pos;
    if (at("{%")) {
      m_pos += 2;
      bool trim = at("-");
      if (trim) ++m_pos;
      push(Tok::BlockStart, start);
      m_tokens.back().trim = trim;
      if (!try_raw(start)) m_in_code = true;
      return;
    }
    if (at("{{")) {
      m_pos += 2;
      bool trim = at("-");
      if (trim) ++m_pos;
      push(Tok::VarStart, start);
      m_tokens.back().trim = trim;
      m_in_code = true;
      return;
    }
    if (at("{#")) {
      size_t end = m_src.find("#}", m_pos + 2);
      if (end == std::string_view::npos) {
        throw SyntaxError{static_cast<uint32_t>(start), 2, "unclosed comment: expected '#}'"};
      }
      m_pos = end + 2;
      push(Tok::Comment, start);
      m_tokens.back().trim = m_src.size() > start + 2 && m_src[start + 2] == '-';
      m_tokens.back().trim_after = end > start + 2 && m_src[end - 1] == '-';
      return;
    }
    size_t end = m_pos;
    while (true) {
      end = m_src.find('{', end);
      if (end == std::string_view::npos) {
        end = m_src.size();
        break;
      }
      if (end + 1 < m_src.size() && (m_src[end + 1] == '%' || m_src[end + 1] == '{' || m_src[end + 1] == '#')) break;
      ++end;
    }
    std::string data(m_src.substr(m_pos, end - m_pos));
    if (m_options.lstrip_blocks && end + 1 < m_src.size() && m_src[end + 1] == '%') {
      // Nunjucks strips the spaces between a line start and a block tag when the data token
      // reaches back to that line start.
      size_t nl = data.rfind('\n');
      size_t line_start = nl == std::string::npos ? 0 : nl + 1;
      bool reaches = nl != std::string::npos || start == 0 || m_src[start - 1] == '\n';
      std::string_view tail = std::string_view(data).substr(line_start);
      if (reaches && !tail.empty() &&
          std::all_of(tail.begin(), tail.end(), [](char c) { return c == ' ' || c == '\t'; })) {
        data.resize(line_start);
      }
    }
    m_pos = end;
    if (!data.empty()) push(Tok::Data, start, std::move(data));
  }

  void lex_code() {
    while (m_pos < m_src.size() && is_ws(m_src[m_pos])) ++m_pos;
    if (m_pos >= m_src.size()) return;
    size_t start = m_pos;
    char c = m_src[m_pos];
    if (c == '"' || c == '\'') {
      ++m_pos;
      std::string s;
      while (m_pos < m_src.size() && m_src[m_pos] != c) {
        if (m_src[m_pos] == '\\' && m_pos + 1 < m_src.size()) {
          char e = m_src[m_pos + 1];
          s += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
          m_pos += 2;
        } else {
          s += m_src[m_pos++];
        }
      }
      if (m_pos >= m_src.size()) {
        throw SyntaxError{static_cast<uint32_t>(start), 1, "unterminated string"};
      }
      ++m_pos;
      push(Tok::String, start, std::move(s));
      return;
    }
    if (at("%}") || at("-%}")) {
      bool trim = c == '-';
      m_pos += trim ? 3 : 2;
      push(Tok::BlockEnd, start);
      m_tokens.back().trim = trim;
      m_in_code = false;
      skip_newline_after_block();
      return;
    }
    if (at("}}") || at("-}}")) {
      bool trim = c == '-';
      m_pos += trim ? 3 : 2;
      push(Tok::VarEnd, start);
      m_tokens.back().trim = trim;
      m_in_code = false;
      return;
    }
    if (at("r/")) {
      m_pos += 2;
      std::string body;
      while (m_pos < m_src.size()) {
        if (m_src[m_pos] == '/' && m_src[m_pos - 1] != '\\') {
          ++m_pos;
          break;
        }
        body += m_src[m_pos++];
      }
      std::string flags;
      while (m_pos < m_src.size() && std::string_view("gimy").find(m_src[m_pos]) != std::string_view::npos) {
        flags += m_src[m_pos++];
      }
      push(Tok::Regex, start, std::move(body));
      m_tokens.back().flags = std::move(flags);
      return;
    }
    if (is_delim(c)) {
      ++m_pos;
      std::string op(1, c);
      static constexpr std::string_view k_complex[] = {"==", "===", "!=", "!==", "<=", ">=", "//", "**"};
      auto is_complex = [](std::string_view s) {
        return std::find(std::begin(k_complex), std::end(k_complex), s) != std::end(k_complex);
      };
      if (m_pos < m_src.size() && is_complex(op + m_src[m_pos])) {
        op += m_src[m_pos++];
        if (m_pos < m_src.size() && is_complex(op + m_src[m_pos])) op += m_src[m_pos++];
      }
      Tok type = Tok::Operator;
      if (op.size() == 1) {
        switch (c) {
        case '(': type = Tok::LParen; break;
        case ')': type = Tok::RParen; break;
        case '[': type = Tok::LBracket; break;
        case ']': type = Tok::RBracket; break;
        case '{': type = Tok::LCurly; break;
        case '}': type = Tok::RCurly; break;
        case ',': type = Tok::Comma; break;
        case ':': type = Tok::Colon; break;
        case '~': type = Tok::Tilde; break;
        case '|': type = Tok::Pipe; break;
        default: break;
        }
      }
      push(type, start, std::move(op));
      return;
    }
    while (m_pos < m_src.size() && !is_ws(m_src[m_pos]) && !is_delim(m_src[m_pos])) ++m_pos;
    std::string word(m_src.substr(start, m_pos - start));
    bool digits = !word.empty() && std::all_of(word.begin(), word.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    if (digits) {
      if (m_pos < m_src.size() && m_src[m_pos] == '.') {
        ++m_pos;
        size_t frac = m_pos;
        while (m_pos < m_src.size() && m_src[m_pos] >= '0' && m_src[m_pos] <= '9') ++m_pos;
        push(Tok::Float, start, word + "." + std::string(m_src.substr(frac, m_pos - frac)));
      } else {
        push(Tok::Int, start, std::move(word));
      }
    } else if (word == "true" || word == "false") {
      push(Tok::Bool, start, std::move(word));
    } else if (word == "none" || word == "null") {
      push(Tok::None, start, std::move(word));
    } else {
      push(Tok::Symbol, start, std::move(word));
    }
  }

  // `{%-`, `-%}`, `{{-`, `-}}`, `{#-`, `-#}` strip whitespace of the adjacent text.
  void apply_whitespace_control() {
    for (size_t i = 0; i < m_tokens.size(); ++i) {
      Token& t = m_tokens[i];
      if (t.type != Tok::Data) continue;
      if (i > 0) {
        const Token& prev = m_tokens[i - 1];
        bool drop = ((prev.type == Tok::BlockEnd || prev.type == Tok::VarEnd) && prev.trim) ||
                    (prev.type == Tok::Comment && prev.trim_after);
        if (drop) t.value = std::string(js_trim_start(t.value));
      }
      if (i + 1 < m_tokens.size()) {
        const Token& next = m_tokens[i + 1];
        bool drop = (next.type == Tok::BlockStart || next.type == Tok::VarStart || next.type == Tok::Comment) && next.trim;
        if (drop) t.value = std::string(js_trim_end(t.value));
      }
    }
  }

  std::string_view m_src;
  const ParseOptions& m_options;
  size_t m_pos = 0;
  bool m_in_code = false;
  std::vector<Token> m_tokens;
};

const char* token_desc(Tok t) {
  switch (t) {
  case Tok::Data: return "text";
  case Tok::Comment: return "comment";
  case Tok::BlockStart: return "'{%'";
  case Tok::BlockEnd: return "'%}'";
  case Tok::VarStart: return "'{{'";
  case Tok::VarEnd: return "'}}'";
  case Tok::Eof: return "end of file";
  default: return nullptr;
  }
}

class Parser {
public:
  Parser(Template& tmpl, std::vector<Token> tokens) : m_tmpl(tmpl), m_toks(std::move(tokens)) {}

  Body parse_root() {
    Body body = parse_until({}, nullptr, {}, {});
    return body;
  }

private:
  // ---- token helpers ----
  const Token& peek(size_t ahead = 0) const { return m_toks[std::min(m_pos + ahead, m_toks.size() - 1)]; }
  const Token& next() {
    const Token& t = m_toks[std::min(m_pos, m_toks.size() - 1)];
    if (m_pos < m_toks.size() - 1) ++m_pos;
    return t;
  }
  bool is_symbol(std::string_view name, size_t ahead = 0) const {
    const Token& t = peek(ahead);
    return t.type == Tok::Symbol && t.value == name;
  }
  bool skip_symbol(std::string_view name) {
    if (!is_symbol(name)) return false;
    next();
    return true;
  }
  bool is_op(std::string_view op) const { return peek().type == Tok::Operator && peek().value == op; }
  bool skip_op(std::string_view op) {
    if (!is_op(op)) return false;
    next();
    return true;
  }
  bool skip(Tok type) {
    if (peek().type != type) return false;
    next();
    return true;
  }

  [[noreturn]] void fail_at(const Token& t, std::string message) {
    throw SyntaxError{t.offset, std::max<uint32_t>(t.length, 1), std::move(message)};
  }
  [[noreturn]] void fail_unexpected(std::string_view expected) {
    const Token& t = peek();
    const char* desc = token_desc(t.type);
    std::string got = desc ? desc : fmt::format("'{}'", t.type == Tok::String ? std::string_view(m_tmpl.source).substr(t.offset, t.length) : std::string_view(t.value));
    fail_at(t, fmt::format("unexpected {}, expected {}", got, expected));
  }
  const Token& expect(Tok type, std::string_view what) {
    if (peek().type != type) fail_unexpected(what);
    return next();
  }
  std::string expect_name(std::string_view what) {
    if (peek().type != Tok::Symbol) fail_unexpected(what);
    return next().value;
  }
  void expect_block_end(std::string_view tag) {
    if (peek().type != Tok::BlockEnd) fail_unexpected(fmt::format("'%}}' to end the '{}' tag", tag));
    next();
  }

  struct DepthGuard {
    Parser& p;
    explicit DepthGuard(Parser& parser, const Token& at) : p(parser) {
      if (++p.m_depth > k_max_parse_depth) {
        p.fail_at(at, fmt::format("template nesting is too deep (limit {})", k_max_parse_depth));
      }
    }
    ~DepthGuard() { --p.m_depth; }
  };

  static Span span_of(const Token& t) { return Span{t.offset, std::max<uint32_t>(t.length, 1)}; }
  static Span join(Span a, Span b) {
    uint32_t end = std::max(a.offset + a.length, b.offset + b.length);
    return Span{a.offset, end - a.offset};
  }

  // ---- statements ----

  // Parses nodes until a `{% name %}` tag with name in `ends`; leaves the tag's remaining tokens
  // (after the name) unread and stores the name in `which`. At end of file with `ends` non-empty,
  // reports the unclosed `open_tag` at `open`.
  Body parse_until(std::initializer_list<std::string_view> ends, std::string* which,
                   std::string_view open_tag, Span open) {
    Body body;
    while (true) {
      const Token& t = peek();
      switch (t.type) {
      case Tok::Eof:
        if (ends.size() > 0) {
          throw SyntaxError{open.offset, open.length,
                            fmt::format("unclosed '{}' tag: expected '{}'", open_tag, *(ends.end() - 1))};
        }
        return body;
      case Tok::Data: {
        auto node = std::make_unique<Node>();
        node->kind = NodeKind::Text;
        node->span = span_of(t);
        node->text = t.value;
        next();
        if (!node->text.empty()) body.push_back(std::move(node));
        break;
      }
      case Tok::Comment: next(); break;
      case Tok::VarStart: {
        next();
        auto node = std::make_unique<Node>();
        node->kind = NodeKind::Output;
        node->expr = parse_expression();
        node->span = node->expr->span;
        if (peek().type != Tok::VarEnd) fail_unexpected("'}}'");
        next();
        body.push_back(std::move(node));
        break;
      }
      case Tok::BlockStart: {
        const Token& name = peek(1);
        if (name.type == Tok::Symbol &&
            std::find(ends.begin(), ends.end(), std::string_view(name.value)) != ends.end()) {
          next();
          *which = next().value;
          return body;
        }
        next();
        if (auto node = parse_statement(t)) body.push_back(std::move(node));
        break;
      }
      default: fail_unexpected("text or a tag");
      }
    }
  }

  NodePtr parse_statement(const Token& start) {
    DepthGuard guard(*this, start);
    const Token& name_tok = peek();
    if (name_tok.type != Tok::Symbol) fail_unexpected("a tag name");
    std::string name = name_tok.value;
    Span tag_span = span_of(name_tok);
    next();
    auto node = std::make_unique<Node>();
    node->span = tag_span;
    if (name == "if") {
      parse_if(*node, tag_span);
    } else if (name == "for" || name == "asyncEach" || name == "asyncAll") {
      parse_for(*node, name, tag_span);
    } else if (name == "set") {
      parse_set(*node, tag_span);
    } else if (name == "macro") {
      parse_macro(*node, tag_span);
    } else if (name == "call") {
      parse_call_block(*node, tag_span);
    } else if (name == "import") {
      node->kind = NodeKind::Import;
      node->expr = parse_expression();
      note_static_ref(*node->expr);
      if (!skip_symbol("as")) fail_unexpected("'as'");
      node->text = expect_name("a name after 'as'");
      node->flag = parse_with_context();
      expect_block_end("import");
    } else if (name == "from") {
      node->kind = NodeKind::FromImport;
      node->expr = parse_expression();
      note_static_ref(*node->expr);
      if (!skip_symbol("import")) fail_unexpected("'import'");
      while (true) {
        std::string imported = expect_name("a name to import");
        std::string alias = imported;
        if (skip_symbol("as")) alias = expect_name("a name after 'as'");
        node->names.emplace_back(std::move(imported), std::move(alias));
        if (!skip(Tok::Comma)) break;
      }
      node->flag = parse_with_context();
      expect_block_end("from");
    } else if (name == "include") {
      node->kind = NodeKind::Include;
      node->expr = parse_expression();
      if (skip_symbol("ignore")) {
        if (!skip_symbol("missing")) fail_unexpected("'missing' after 'ignore'");
        node->flag = true;
      }
      if (!node->flag) note_static_ref(*node->expr);
      expect_block_end("include");
    } else if (name == "extends") {
      node->kind = NodeKind::Extends;
      node->expr = parse_expression();
      note_static_ref(*node->expr);
      expect_block_end("extends");
    } else if (name == "block") {
      parse_block(*node, tag_span);
    } else if (name == "filter") {
      node->kind = NodeKind::FilterBlock;
      auto filter = std::make_unique<Expr>();
      filter->kind = ExprKind::Filter;
      filter->span = span_of(peek());
      filter->name = parse_filter_name();
      filter->args.push_back(nullptr);
      if (peek().type == Tok::LParen) parse_call_args(*filter);
      node->expr = std::move(filter);
      expect_block_end("filter");
      std::string which;
      node->body = parse_until({"endfilter"}, &which, "filter", tag_span);
      expect_block_end("endfilter");
    } else if (name == "raw" || name == "verbatim") {
      // The lexer turned the tag into BlockEnd, Data, BlockStart, Symbol(end...), BlockEnd.
      expect_block_end(name);
      node->kind = NodeKind::Text;
      if (peek().type == Tok::Data) node->text = next().value;
      expect(Tok::BlockStart, "end of raw block");
      next();
      expect_block_end("end" + name);
      if (node->text.empty()) return nullptr;
    } else {
      fail_at(name_tok, name.starts_with("end") || name == "else" || name == "elif" || name == "elseif"
                            ? fmt::format("unexpected tag '{}'", name)
                            : fmt::format("unknown tag '{}'", name));
    }
    return node;
  }

  bool parse_with_context() {
    if (is_symbol("with") || is_symbol("without")) {
      bool with = next().value == "with";
      if (!skip_symbol("context")) fail_unexpected("'context'");
      return with;
    }
    return false;
  }

  void note_static_ref(const Expr& e) {
    if (e.kind == ExprKind::Literal && e.literal.is_string()) {
      m_tmpl.static_refs.emplace_back(e.literal.as_string(), e.span);
    }
  }

  void parse_if(Node& node, Span tag_span) {
    node.kind = NodeKind::If;
    auto cond = parse_expression();
    expect_block_end("if");
    while (true) {
      std::string which;
      Body body = parse_until({"elif", "elseif", "else", "endif"}, &which, "if", tag_span);
      node.branches.emplace_back(std::move(cond), std::move(body));
      if (which == "elif" || which == "elseif") {
        cond = parse_expression();
        expect_block_end(which);
        continue;
      }
      if (which == "else") {
        expect_block_end("else");
        node.else_body = parse_until({"endif"}, &which, "if", tag_span);
      }
      expect_block_end("endif");
      return;
    }
  }

  void parse_for(Node& node, const std::string& tag, Span tag_span) {
    node.kind = NodeKind::For;
    while (true) {
      node.targets.push_back(expect_name("a loop variable name"));
      if (!skip(Tok::Comma)) break;
    }
    if (!skip_symbol("in")) fail_unexpected("'in'");
    node.expr = parse_expression();
    expect_block_end(tag);
    std::string end = tag == "for" ? "endfor" : tag == "asyncEach" ? "endeach" : "endall";
    std::string which;
    node.body = parse_until({"else", end}, &which, tag, tag_span);
    if (which == "else") {
      expect_block_end("else");
      node.else_body = parse_until({end}, &which, tag, tag_span);
    }
    expect_block_end(end);
  }

  void parse_set(Node& node, Span tag_span) {
    while (true) {
      node.targets.push_back(expect_name("a variable name"));
      if (!skip(Tok::Comma)) break;
    }
    if (skip_op("=")) {
      node.kind = NodeKind::Set;
      node.expr = parse_expression();
      expect_block_end("set");
      return;
    }
    if (peek().type != Tok::BlockEnd) fail_unexpected("'=' or '%}'");
    next();
    node.kind = NodeKind::SetBlock;
    std::string which;
    node.body = parse_until({"endset"}, &which, "set", tag_span);
    expect_block_end("endset");
  }

  void parse_params(Node& node) {
    expect(Tok::LParen, "'('");
    while (peek().type != Tok::RParen) {
      std::string pname = expect_name("a parameter name");
      ExprPtr def;
      if (skip_op("=")) def = parse_expression();
      node.params.emplace_back(std::move(pname), std::move(def));
      if (!skip(Tok::Comma)) break;
    }
    expect(Tok::RParen, "')'");
  }

  void parse_macro(Node& node, Span tag_span) {
    node.kind = NodeKind::Macro;
    node.text = expect_name("a macro name");
    parse_params(node);
    expect_block_end("macro");
    std::string which;
    node.body = parse_until({"endmacro"}, &which, "macro", tag_span);
    expect_block_end("endmacro");
  }

  void parse_call_block(Node& node, Span tag_span) {
    node.kind = NodeKind::CallBlock;
    if (peek().type == Tok::LParen) parse_params(node);
    node.expr = parse_expression();
    if (node.expr->kind != ExprKind::Call) {
      throw SyntaxError{node.expr->span.offset, node.expr->span.length, "'call' needs a macro call"};
    }
    expect_block_end("call");
    std::string which;
    node.body = parse_until({"endcall"}, &which, "call", tag_span);
    expect_block_end("endcall");
  }

  void parse_block(Node& node, Span tag_span) {
    node.kind = NodeKind::Block;
    node.text = expect_name("a block name");
    node.flag = m_block_depth > 0;
    for (const auto& [bname, bnode] : m_tmpl.blocks) {
      if (bname == node.text) {
        throw SyntaxError{tag_span.offset, tag_span.length, fmt::format("block '{}' is defined twice", node.text)};
      }
    }
    expect_block_end("block");
    ++m_block_depth;
    std::string which;
    node.body = parse_until({"endblock"}, &which, "block", tag_span);
    --m_block_depth;
    if (peek().type == Tok::Symbol) next(); // optional name after endblock
    expect_block_end("endblock");
    m_tmpl.blocks.emplace_back(node.text, &node);
  }

  // ---- expressions (precedence as Nunjucks' parser.js) ----

  ExprPtr make(ExprKind kind, Span span) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->span = span;
    return e;
  }
  ExprPtr make2(ExprKind kind, ExprPtr a, ExprPtr b) {
    auto e = make(kind, join(a->span, b->span));
    e->args.push_back(std::move(a));
    e->args.push_back(std::move(b));
    return e;
  }

  ExprPtr parse_expression() {
    DepthGuard guard(*this, peek());
    auto node = reassociate(parse_or());
    if (skip_symbol("if")) {
      auto cond = reassociate(parse_or());
      ExprPtr otherwise;
      if (skip_symbol("else")) otherwise = reassociate(parse_or());
      auto e = make(ExprKind::InlineIf, join(node->span, cond->span));
      e->args.push_back(std::move(node));
      e->args.push_back(std::move(cond));
      e->args.push_back(std::move(otherwise));
      return e;
    }
    return node;
  }

  // ---- JavaScript re-association ----
  // Nunjucks emits `or and not == < + - ~ * / %` as JavaScript text without parentheses, so
  // JavaScript's precedence decides, not the parse tree: `not a == b` is `(!a) == b` and
  // `2 * 3 % 4` is `(2 * 3) % 4`. These helpers flatten such operator chains and rebuild them
  // with JavaScript's precedence. `//`, `**`, `in`, `is`, filters and parentheses are atoms
  // (Nunjucks emits them as function calls or groups).
  enum class JsOp : uint8_t { Or, And, Eq, Ne, StrictEq, StrictNe, Lt, Gt, Le, Ge, Add, Sub, Concat, Mul, Div, Mod, Not, Neg, Pos };
  struct Item {
    bool is_op = false;
    JsOp op = JsOp::Or;
    Span span;
    ExprPtr atom;
  };

  static bool is_inline(const Expr& e) {
    if (e.paren) return false;
    switch (e.kind) {
    case ExprKind::Or: case ExprKind::And: case ExprKind::Not: case ExprKind::Neg: case ExprKind::Pos:
    case ExprKind::Compare: return true;
    case ExprKind::Binary: return e.bin_op != BinOp::FloorDiv && e.bin_op != BinOp::Pow;
    default: return false;
    }
  }

  ExprPtr reassociate(ExprPtr e) {
    if (!e) return e;
    if (!is_inline(*e)) return fix_atom(std::move(e));
    std::vector<Item> items;
    flatten(std::move(e), items);
    size_t pos = 0;
    return build(items, pos, 1);
  }

  // Operands of atoms that Nunjucks emits as separate JavaScript expressions.
  ExprPtr fix_atom(ExprPtr e) {
    switch (e->kind) {
    case ExprKind::Test: e->args[0] = reassociate(std::move(e->args[0])); break;
    case ExprKind::In:
    case ExprKind::Binary:
      e->args[0] = reassociate(std::move(e->args[0]));
      e->args[1] = reassociate(std::move(e->args[1]));
      break;
    case ExprKind::Filter:
      if (e->args[0]) e->args[0] = reassociate(std::move(e->args[0]));
      break;
    default: break;
    }
    return e;
  }

  void push_op(std::vector<Item>& items, JsOp op, Span span) {
    Item it;
    it.is_op = true;
    it.op = op;
    it.span = span;
    items.push_back(std::move(it));
  }

  void flatten(ExprPtr e, std::vector<Item>& items) {
    if (!is_inline(*e)) {
      Item it;
      it.atom = fix_atom(std::move(e));
      it.span = it.atom->span;
      items.push_back(std::move(it));
      return;
    }
    Span s = e->span;
    switch (e->kind) {
    case ExprKind::Not: push_op(items, JsOp::Not, s); flatten(std::move(e->args[0]), items); return;
    case ExprKind::Neg: push_op(items, JsOp::Neg, s); flatten(std::move(e->args[0]), items); return;
    case ExprKind::Pos: push_op(items, JsOp::Pos, s); flatten(std::move(e->args[0]), items); return;
    case ExprKind::Or:
    case ExprKind::And:
      flatten(std::move(e->args[0]), items);
      push_op(items, e->kind == ExprKind::Or ? JsOp::Or : JsOp::And, s);
      flatten(std::move(e->args[1]), items);
      return;
    case ExprKind::Binary: {
      JsOp op = JsOp::Add;
      switch (e->bin_op) {
      case BinOp::Add: op = JsOp::Add; break;
      case BinOp::Sub: op = JsOp::Sub; break;
      case BinOp::Concat: op = JsOp::Concat; break;
      case BinOp::Mul: op = JsOp::Mul; break;
      case BinOp::Div: op = JsOp::Div; break;
      case BinOp::Mod: op = JsOp::Mod; break;
      default: break;
      }
      flatten(std::move(e->args[0]), items);
      push_op(items, op, s);
      flatten(std::move(e->args[1]), items);
      return;
    }
    case ExprKind::Compare:
      flatten(std::move(e->args[0]), items);
      for (size_t i = 0; i < e->cmp_ops.size(); ++i) {
        static constexpr JsOp k_map[] = {JsOp::Eq, JsOp::StrictEq, JsOp::Ne, JsOp::StrictNe, JsOp::Lt, JsOp::Gt, JsOp::Le, JsOp::Ge};
        push_op(items, k_map[static_cast<int>(e->cmp_ops[i])], s);
        flatten(std::move(e->args[i + 1]), items);
      }
      return;
    default: return;
    }
  }

  static int precedence(JsOp op) {
    switch (op) {
    case JsOp::Or: return 1;
    case JsOp::And: return 2;
    case JsOp::Eq: case JsOp::Ne: case JsOp::StrictEq: case JsOp::StrictNe: return 3;
    case JsOp::Lt: case JsOp::Gt: case JsOp::Le: case JsOp::Ge: return 4;
    case JsOp::Add: case JsOp::Sub: case JsOp::Concat: return 5;
    case JsOp::Mul: case JsOp::Div: case JsOp::Mod: return 6;
    default: return 7;
    }
  }

  ExprPtr build_prefix(std::vector<Item>& items, size_t& pos) {
    Item& it = items[pos++];
    if (!it.is_op) return std::move(it.atom);
    auto operand = build_prefix(items, pos);
    ExprKind kind = it.op == JsOp::Not ? ExprKind::Not : it.op == JsOp::Neg ? ExprKind::Neg : ExprKind::Pos;
    auto e = make(kind, join(it.span, operand->span));
    e->args.push_back(std::move(operand));
    return e;
  }

  ExprPtr build(std::vector<Item>& items, size_t& pos, int min_prec) {
    auto lhs = build_prefix(items, pos);
    while (pos < items.size() && precedence(items[pos].op) >= min_prec) {
      JsOp op = items[pos].op;
      int prec = precedence(op);
      ++pos;
      auto rhs = build(items, pos, prec + 1);
      ExprPtr e;
      switch (op) {
      case JsOp::Or: e = make2(ExprKind::Or, std::move(lhs), std::move(rhs)); break;
      case JsOp::And: e = make2(ExprKind::And, std::move(lhs), std::move(rhs)); break;
      case JsOp::Eq: case JsOp::Ne: case JsOp::StrictEq: case JsOp::StrictNe:
      case JsOp::Lt: case JsOp::Gt: case JsOp::Le: case JsOp::Ge: {
        e = make2(ExprKind::Compare, std::move(lhs), std::move(rhs));
        static constexpr CmpOp k_cmp[] = {CmpOp::Eq, CmpOp::Ne, CmpOp::StrictEq, CmpOp::StrictNe, CmpOp::Lt, CmpOp::Gt, CmpOp::Le, CmpOp::Ge};
        e->cmp_ops.push_back(k_cmp[static_cast<int>(op) - static_cast<int>(JsOp::Eq)]);
        break;
      }
      default: {
        static constexpr BinOp k_bin[] = {BinOp::Add, BinOp::Sub, BinOp::Concat, BinOp::Mul, BinOp::Div, BinOp::Mod};
        e = binary(k_bin[static_cast<int>(op) - static_cast<int>(JsOp::Add)], std::move(lhs), std::move(rhs));
      }
      }
      lhs = std::move(e);
    }
    return lhs;
  }

  ExprPtr parse_or() {
    auto node = parse_and();
    while (skip_symbol("or")) node = make2(ExprKind::Or, std::move(node), parse_and());
    return node;
  }

  ExprPtr parse_and() {
    auto node = parse_not();
    while (skip_symbol("and")) node = make2(ExprKind::And, std::move(node), parse_not());
    return node;
  }

  ExprPtr parse_not() {
    if (is_symbol("not")) {
      Span s = span_of(next());
      DepthGuard guard(*this, peek());
      auto inner = parse_not();
      auto e = make(ExprKind::Not, join(s, inner->span));
      e->args.push_back(std::move(inner));
      return e;
    }
    return parse_in();
  }

  ExprPtr parse_in() {
    auto node = parse_is();
    while (true) {
      bool invert = is_symbol("not") && is_symbol("in", 1);
      if (invert) next();
      if (!skip_symbol("in")) break;
      node = make2(ExprKind::In, std::move(node), parse_is());
      node->negate = invert;
    }
    return node;
  }

  ExprPtr parse_is() {
    auto node = parse_compare();
    if (!skip_symbol("is")) return node;
    bool negate = skip_symbol("not");
    const Token& name_tok = peek();
    auto e = make(ExprKind::Test, node->span);
    e->negate = negate;
    e->args.push_back(std::move(node));
    if (name_tok.type == Tok::None) {
      e->name = "null";
      next();
    } else if (name_tok.type == Tok::Symbol) {
      e->name = name_tok.value;
      next();
    } else {
      fail_unexpected("a test name");
    }
    e->span = join(e->span, span_of(name_tok));
    if (peek().type == Tok::LParen) {
      parse_call_args(*e);
      if (!e->kwargs.empty()) {
        throw SyntaxError{e->span.offset, e->span.length, "tests take no keyword arguments"};
      }
    }
    return e;
  }

  ExprPtr parse_compare() {
    auto node = parse_concat();
    ExprPtr cmp;
    while (peek().type == Tok::Operator) {
      const std::string& op = peek().value;
      CmpOp kind;
      if (op == "==") kind = CmpOp::Eq;
      else if (op == "===") kind = CmpOp::StrictEq;
      else if (op == "!=") kind = CmpOp::Ne;
      else if (op == "!==") kind = CmpOp::StrictNe;
      else if (op == "<") kind = CmpOp::Lt;
      else if (op == ">") kind = CmpOp::Gt;
      else if (op == "<=") kind = CmpOp::Le;
      else if (op == ">=") kind = CmpOp::Ge;
      else break;
      next();
      if (!cmp) {
        cmp = make(ExprKind::Compare, node->span);
        cmp->args.push_back(std::move(node));
      }
      auto rhs = parse_concat();
      cmp->span = join(cmp->span, rhs->span);
      cmp->cmp_ops.push_back(kind);
      cmp->args.push_back(std::move(rhs));
    }
    return cmp ? std::move(cmp) : std::move(node);
  }

  ExprPtr binary(BinOp op, ExprPtr a, ExprPtr b) {
    auto e = make2(ExprKind::Binary, std::move(a), std::move(b));
    e->bin_op = op;
    return e;
  }

  ExprPtr parse_concat() {
    auto node = parse_add();
    while (skip(Tok::Tilde)) node = binary(BinOp::Concat, std::move(node), parse_add());
    return node;
  }
  ExprPtr parse_add() {
    auto node = parse_sub();
    while (skip_op("+")) node = binary(BinOp::Add, std::move(node), parse_sub());
    return node;
  }
  ExprPtr parse_sub() {
    auto node = parse_mul();
    while (skip_op("-")) node = binary(BinOp::Sub, std::move(node), parse_mul());
    return node;
  }
  ExprPtr parse_mul() {
    auto node = parse_div();
    while (skip_op("*")) node = binary(BinOp::Mul, std::move(node), parse_div());
    return node;
  }
  ExprPtr parse_div() {
    auto node = parse_floordiv();
    while (skip_op("/")) node = binary(BinOp::Div, std::move(node), parse_floordiv());
    return node;
  }
  ExprPtr parse_floordiv() {
    auto node = parse_mod();
    while (skip_op("//")) node = binary(BinOp::FloorDiv, std::move(node), parse_mod());
    return node;
  }
  ExprPtr parse_mod() {
    auto node = parse_pow();
    while (skip_op("%")) node = binary(BinOp::Mod, std::move(node), parse_pow());
    return node;
  }
  ExprPtr parse_pow() {
    auto node = parse_unary(false);
    while (skip_op("**")) node = binary(BinOp::Pow, std::move(node), parse_unary(false));
    return node;
  }

  ExprPtr parse_unary(bool no_filters) {
    DepthGuard guard(*this, peek());
    ExprPtr node;
    if (is_op("-") || is_op("+")) {
      const Token& t = next();
      auto inner = parse_unary(true);
      node = make(t.value == "-" ? ExprKind::Neg : ExprKind::Pos, join(span_of(t), inner->span));
      node->args.push_back(std::move(inner));
    } else {
      node = parse_primary();
    }
    if (!no_filters) node = parse_filters(std::move(node));
    return node;
  }

  std::string parse_filter_name() {
    std::string name = expect_name("a filter name");
    while (skip_op(".")) name += "." + expect_name("a filter name");
    return name;
  }

  ExprPtr parse_filters(ExprPtr node) {
    while (skip(Tok::Pipe)) {
      Span s = span_of(peek());
      auto e = make(ExprKind::Filter, s);
      e->name = parse_filter_name();
      e->span.length = static_cast<uint32_t>(e->name.size());
      e->args.push_back(std::move(node));
      if (peek().type == Tok::LParen) {
        parse_call_args(*e);
        e->span.length = static_cast<uint32_t>(e->name.size()); // errors point at the name
      }
      node = std::move(e);
    }
    return node;
  }

  // `(a, b, k=v)` appended to e.args / e.kwargs.
  void parse_call_args(Expr& e) {
    expect(Tok::LParen, "'('");
    while (peek().type != Tok::RParen) {
      if (peek().type == Tok::Symbol && peek(1).type == Tok::Operator && peek(1).value == "=") {
        std::string key = next().value;
        next();
        e.kwargs.emplace_back(std::move(key), parse_expression());
      } else {
        e.args.push_back(parse_expression());
      }
      if (!skip(Tok::Comma)) break;
    }
    const Token& close = expect(Tok::RParen, "')' or ','");
    e.span = join(e.span, span_of(close));
  }

  ExprPtr parse_primary() {
    const Token& t = peek();
    ExprPtr node;
    switch (t.type) {
    case Tok::String:
      node = make(ExprKind::Literal, span_of(t));
      node->literal = base::Value(t.value);
      next();
      break;
    case Tok::Int:
    case Tok::Float:
      node = make(ExprKind::Literal, span_of(t));
      node->literal = base::Value(std::strtod(t.value.c_str(), nullptr));
      next();
      break;
    case Tok::Bool:
      node = make(ExprKind::Literal, span_of(t));
      node->literal = base::Value(t.value == "true");
      next();
      break;
    case Tok::None:
      node = make(ExprKind::Literal, span_of(t));
      node->literal = base::Value::null();
      next();
      break;
    case Tok::Regex: {
      node = make(ExprKind::Literal, span_of(t));
      std::string error;
      node->literal = make_regex(t.value, t.flags, error);
      if (!error.empty()) fail_at(t, fmt::format("invalid regular expression: {}", error));
      next();
      break;
    }
    case Tok::Symbol:
      node = make(ExprKind::Name, span_of(t));
      node->name = t.value;
      next();
      break;
    case Tok::LParen: {
      Span s = span_of(next());
      auto first = parse_expression();
      if (skip(Tok::Comma)) { // Nunjucks compiles (a, b) to JavaScript's comma operator
        node = make(ExprKind::Comma, s);
        node->args.push_back(std::move(first));
        while (peek().type != Tok::RParen) {
          node->args.push_back(parse_expression());
          if (!skip(Tok::Comma)) break;
        }
      } else {
        node = std::move(first);
      }
      expect(Tok::RParen, "')'");
      node->paren = true;
      break;
    }
    case Tok::LBracket: {
      node = make(ExprKind::List, span_of(next()));
      while (peek().type != Tok::RBracket) {
        node->args.push_back(parse_expression());
        if (!skip(Tok::Comma)) break;
      }
      node->span = join(node->span, span_of(expect(Tok::RBracket, "']' or ','")));
      break;
    }
    case Tok::LCurly: {
      node = make(ExprKind::Dict, span_of(next()));
      while (peek().type != Tok::RCurly) {
        auto key = parse_primary_key();
        expect(Tok::Colon, "':'");
        node->args.push_back(std::move(key));
        node->args.push_back(parse_expression());
        if (!skip(Tok::Comma)) break;
      }
      node->span = join(node->span, span_of(expect(Tok::RCurly, "'}' or ','")));
      break;
    }
    default: fail_unexpected("an expression");
    }
    return parse_postfix(std::move(node));
  }

  // Dict keys: a bare name (as a string) or a string literal, as Nunjucks requires.
  ExprPtr parse_primary_key() {
    const Token& t = peek();
    if (t.type != Tok::Symbol && t.type != Tok::String) fail_unexpected("a name or a string as dictionary key");
    auto e = make(ExprKind::Literal, span_of(t));
    e->literal = base::Value(t.value);
    next();
    return e;
  }

  ExprPtr parse_postfix(ExprPtr node) {
    while (true) {
      const Token& t = peek();
      if (t.type == Tok::LParen) {
        auto call = make(ExprKind::Call, node->span);
        call->args.push_back(std::move(node));
        parse_call_args(*call);
        node = std::move(call);
      } else if (t.type == Tok::LBracket) {
        next();
        auto index = make(ExprKind::Index, node->span);
        index->args.push_back(std::move(node));
        index->args.push_back(parse_expression());
        index->span = join(index->span, span_of(expect(Tok::RBracket, "']'")));
        node = std::move(index);
      } else if (t.type == Tok::Operator && t.value == ".") {
        next();
        const Token& key = peek();
        if (key.type != Tok::Symbol) fail_unexpected("an attribute name after '.'");
        auto attr = make(ExprKind::Attr, join(node->span, span_of(key)));
        attr->name = key.value;
        attr->args.push_back(std::move(node));
        next();
        node = std::move(attr);
      } else {
        return node;
      }
    }
  }

  Template& m_tmpl;
  std::vector<Token> m_toks;
  size_t m_pos = 0;
  int m_depth = 0;
  int m_block_depth = 0;
};

} // namespace

std::optional<base::Diagnostic> parse_template(Template& tmpl, const ParseOptions& options) {
  tmpl.body.clear();
  tmpl.blocks.clear();
  tmpl.static_refs.clear();
  tmpl.parsed = false;
  try {
    Lexer lexer(tmpl.source, options);
    Parser parser(tmpl, lexer.run());
    tmpl.body = parser.parse_root();
    tmpl.parsed = true;
    return std::nullopt;
  } catch (const SyntaxError& e) {
    tmpl.body.clear();
    tmpl.blocks.clear();
    return base::error_at(tmpl.path, tmpl.source, e.offset, e.message, e.length);
  }
}

} // namespace haven::tmpl::detail
