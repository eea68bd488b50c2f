// Search module: tokenizer against the shared vectors (tests/search/tokens.json, also asserted by
// tests/js/search.test.mjs against the client), index files, determinism, options, HTML to text.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include <fmt/format.h>

#include "search/gzip.hpp"
#include "search/index.hpp"
#include "search/tokenize.hpp"
#include "text/utf8.hpp"

using namespace haven::search;

namespace {

// ---- a minimal JSON reader for the test vectors (strings, arrays, objects) ----
struct Json {
  enum Kind { Str, Arr, Obj, Other } kind = Other;
  std::string str;
  std::vector<Json> arr;
  std::map<std::string, Json> obj;
};

struct Reader {
  std::string_view s;
  size_t p = 0;
  void ws() { while (p < s.size() && std::isspace(static_cast<unsigned char>(s[p]))) ++p; }
  std::string string() {
    std::string o;
    ++p;  // "
    while (s[p] != '"') {
      if (s[p] != '\\') { o += s[p++]; continue; }
      char e = s[++p];
      ++p;
      switch (e) {
      case 'n': o += '\n'; break;
      case 't': o += '\t'; break;
      case 'u': {
        char32_t c = static_cast<char32_t>(std::stoul(std::string(s.substr(p, 4)), nullptr, 16));
        p += 4;
        if (c >= 0xD800 && c <= 0xDBFF && s.substr(p, 2) == "\\u") {
          char32_t lo = static_cast<char32_t>(std::stoul(std::string(s.substr(p + 2, 4)), nullptr, 16));
          p += 6;
          c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
        }
        haven::text::append_utf8(o, c);
        break;
      }
      default: o += e;
      }
    }
    ++p;
    return o;
  }
  Json value() {
    ws();
    Json j;
    if (s[p] == '"') {
      j.kind = Json::Str;
      j.str = string();
    } else if (s[p] == '[') {
      j.kind = Json::Arr;
      ++p;
      ws();
      while (s[p] != ']') {
        j.arr.push_back(value());
        ws();
        if (s[p] == ',') ++p;
        ws();
      }
      ++p;
    } else if (s[p] == '{') {
      j.kind = Json::Obj;
      ++p;
      ws();
      while (s[p] != '}') {
        std::string k = string();
        ws();
        ++p;  // :
        j.obj[k] = value();
        ws();
        if (s[p] == ',') ++p;
        ws();
      }
      ++p;
    } else {
      while (p < s.size() && s[p] != ',' && s[p] != ']' && s[p] != '}') ++p;
    }
    return j;
  }
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ---- a decoder of the index format (README.md "Index files"), independent of the client ----
struct Posting {
  uint32_t doc;
  uint8_t impact;
};
using Shard = std::map<std::string, std::vector<Posting>>;

uint64_t varint(std::string_view s, size_t& p) {
  uint64_t v = 0;
  int shift = 0;
  while (true) {
    auto b = static_cast<unsigned char>(s[p++]);
    v |= static_cast<uint64_t>(b & 0x7F) << shift;
    if (!(b & 0x80)) return v;
    shift += 7;
  }
}

Shard decode_shard(const std::string& gz) {
  std::string s = gunzip(gz);
  size_t p = 0;
  Shard out;
  uint64_t count = varint(s, p);
  std::string prev;
  for (uint64_t i = 0; i < count; ++i) {
    size_t shared = varint(s, p), len = varint(s, p);
    std::string tok = prev.substr(0, shared) + s.substr(p, len);
    p += len;
    uint64_t df = varint(s, p);
    size_t size = varint(s, p), end = p + size;
    std::vector<Posting> list;
    uint32_t doc = 0;
    for (uint64_t k = 0; k < df; ++k) {
      uint32_t v = static_cast<uint32_t>(varint(s, p));
      doc = k == 0 ? v : doc + v;
      list.push_back({doc, static_cast<uint8_t>(s[p++])});
    }
    EXPECT_EQ(p, end) << tok;
    out[tok] = std::move(list);
    prev = tok;
  }
  EXPECT_EQ(p, s.size());
  return out;
}

std::vector<Document> sample_docs() {
  std::vector<Document> d(4);
  d[0] = {"/posts/31466/", "依恋：心之所向，安然归处", {"婴儿的依恋"}, "婴儿对母亲的依恋，是生存的需要。夜幕低垂，万籁俱寂。这段简单的文字。",
          {"随笔", "心理"}, {"生活"}, 1700000000000.0};
  d[1] = {"/posts/1/", "Hello Haven", {"Install"}, "Static site generators turn Markdown into websites. 依恋 appears once.",
          {"haven"}, {"Tech", "Tools"}, 1600000000000.0};
  d[2] = {"/posts/2/", "混合排版 Mixed", {}, "中文和 English 混合排版的测试，Haven 构建。", {"排版"}, {"Tech"}, 1650000000000.0};
  d[3] = {"/posts/3/", "Undated", {}, "no date here", {}, {}, NAN};
  return d;
}

const File* find(const std::vector<File>& files, std::string_view path) {
  for (const auto& f : files)
    if (f.path == path) return &f;
  return nullptr;
}

std::map<std::string, std::vector<Posting>> all_terms(const std::vector<File>& files) {
  std::map<std::string, std::vector<Posting>> all;
  for (const auto& f : files)
    if (f.path.starts_with("search/s/"))
      for (auto& [k, v] : decode_shard(f.bytes())) all[k] = v;
  return all;
}

}  // namespace

TEST(SearchTokens, SharedVectorsAgree) {
  std::string json = read_file(std::string(HAVEN_SOURCE_DIR) + "/tests/search/tokens.json");
  ASSERT_FALSE(json.empty());
  Json root = Reader{json}.value();
  ASSERT_EQ(root.kind, Json::Arr);
  ASSERT_GE(root.arr.size(), 20u);
  for (const auto& v : root.arr) {
    const std::string& text = v.obj.at("text").str;
    std::vector<std::string> expected;
    for (const auto& t : v.obj.at("tokens").arr) expected.push_back(t.str);
    EXPECT_EQ(tokenize(text), expected) << v.obj.at("note").str;
    std::vector<QueryTerm> expected_query;
    for (const auto& q : v.obj.at("query").arr)
      expected_query.push_back({q.arr.at(0).str, q.arr.at(1).str == "cjk" ? TokenKind::Cjk : TokenKind::Word});
    EXPECT_EQ(query_terms(text), expected_query) << v.obj.at("note").str;
  }
}

TEST(SearchTokens, NormalizeMatchesJavaScript) {
  EXPECT_EQ(normalize("ＡＢＣ"), "abc");
  EXPECT_EQ(normalize("ΣΑΣ"), "σας");  // final sigma, as String.prototype.toLowerCase
  EXPECT_EQ(normalize("İ"), "i\xCC\x87");
  EXPECT_EQ(normalize("Straße"), "straße");  // lowercase, not full case folding
  EXPECT_EQ(normalize("㍿"), "株式会社");
  EXPECT_EQ(normalize("\xff"), "\xEF\xBF\xBD");  // invalid byte → U+FFFD
}

TEST(SearchTokens, CjkSubstringsAreQueryable) {
  // every substring of two or more characters of a run turns into pairs the run also has
  auto index = tokenize("依恋：心之所向，安然归处");
  for (const char* q : {"安然归", "然归处", "依恋", "归"}) {
    for (const auto& t : query_terms(q))
      EXPECT_NE(std::find(index.begin(), index.end(), t.text), index.end()) << q << " → " << t.text;
  }
  EXPECT_EQ(query_terms("安然归").size(), 2u);
  EXPECT_TRUE(is_cjk_letter(U'段'));
  EXPECT_FALSE(is_cjk_letter(U'，'));
  EXPECT_TRUE(is_word_char(U'é'));
  EXPECT_FALSE(is_word_char(U'安'));
}

TEST(SearchIndex, WritesManifestShardsDocumentsAndClient) {
  auto files = build_index(sample_docs(), Options{});
  const File* manifest = find(files, "search/index.json");
  ASSERT_NE(manifest, nullptr);
  EXPECT_NE(manifest->bytes().find("\"format\":1"), std::string::npos);
  EXPECT_NE(manifest->bytes().find("\"docs\":4"), std::string::npos);
  const File* client = find(files, "search/haven-search.mjs");
  ASSERT_NE(client, nullptr);
  EXPECT_NE(client->bytes().find("export function createSearch"), std::string::npos);
  for (const auto& f : files) EXPECT_TRUE(f.path.starts_with("search/")) << f.path;

  // ids follow date: the undated post first, then 2020, 2022, 2023
  EXPECT_NE(gunzip(find(files, "search/d/0.bin")->bytes()).find("\"u\":\"/posts/3/\""), std::string::npos);
  std::string seed = gunzip(find(files, "search/d/3.bin")->bytes());
  EXPECT_NE(seed.find("\"t\":\"依恋：心之所向，安然归处\""), std::string::npos);
  EXPECT_NE(seed.find("\"g\":[\"随笔\",\"心理\"]"), std::string::npos);
  EXPECT_NE(seed.find("\"d\":1700000000000"), std::string::npos);

  auto terms = all_terms(files);
  ASSERT_TRUE(terms.contains("依恋"));
  const auto& yl = terms.at("依恋");
  ASSERT_EQ(yl.size(), 2u);  // posts 1 (id 1) and seed (id 3)
  EXPECT_EQ(yl[0].doc, 1u);
  EXPECT_EQ(yl[1].doc, 3u);
  EXPECT_TRUE(yl[1].impact & 0x80);   // in the seed's title
  EXPECT_TRUE(yl[1].impact & 0x40);   // and in a heading
  EXPECT_FALSE(yl[0].impact & 0x80);
  EXPECT_GT(yl[1].impact & 0x3F, 0);  // and in the body
  EXPECT_TRUE(terms.contains("段简"));  // pair inside "这段简单"
  EXPECT_TRUE(terms.contains("安然"));
  EXPECT_TRUE(terms.contains("haven"));
  EXPECT_EQ(terms.at("#t:随笔").size(), 1u);
  EXPECT_EQ(terms.at("#c:tech").size(), 2u);  // filter names are normalized too
  EXPECT_FALSE(terms.contains("：")) << "punctuation is not a token";
}

TEST(SearchIndex, DeterministicWhateverTheInputOrder) {
  auto docs = sample_docs();
  auto a = build_index(docs, Options{});
  std::mt19937 rng(7);
  std::shuffle(docs.begin(), docs.end(), rng);
  auto b = build_index(docs, Options{});
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].path, b[i].path);
    EXPECT_EQ(a[i].bytes(), b[i].bytes()) << a[i].path;
  }
}

TEST(SearchIndex, ShardsSplitAtTheTargetSizeAndStaySorted) {
  std::vector<Document> docs;
  for (int i = 0; i < 300; ++i)
    docs.push_back({"/p/" + std::to_string(i) + "/", "Post " + std::to_string(i), {}, "word" + std::to_string(i * 7919) + " 内容" + std::to_string(i), {}, {}, i * 1000.0});
  Options o;
  o.shard_bytes = 1024;
  auto files = build_index(docs, o);
  size_t shards = std::count_if(files.begin(), files.end(), [](const File& f) { return f.path.starts_with("search/s/"); });
  EXPECT_GT(shards, 3u);
  // manifest first tokens ascend, and each shard's terms lie between its first token and the next shard's
  const File* manifest = find(files, "search/index.json");
  ASSERT_NE(manifest, nullptr);
  std::vector<std::string> firsts;
  size_t pos = manifest->bytes().find("\"shards\":[");
  while ((pos = manifest->bytes().find("[\"", pos + 1)) != std::string::npos) {
    size_t e = manifest->bytes().find('"', pos + 2);
    firsts.push_back(manifest->bytes().substr(pos + 2, e - pos - 2));
  }
  ASSERT_EQ(firsts.size(), shards);
  EXPECT_TRUE(std::is_sorted(firsts.begin(), firsts.end()));
  auto terms = all_terms(files);
  EXPECT_TRUE(terms.contains("word7919"));
  EXPECT_EQ(terms.at("post").size(), 300u);
}

TEST(SearchIndex, DisabledWritesNothing) {
  Options o;
  o.enable = false;
  EXPECT_TRUE(build_index(sample_docs(), o).empty());
  EXPECT_FALSE(build_index({}, Options{}).empty());  // an empty site still gets a working index
}

TEST(SearchIndex, ExcerptTextIsCutAtACharacterBoundary) {
  std::vector<Document> docs = {{"/a/", "A", {}, std::string(300, 'x') + std::string(300, 'y') + "依恋依恋依恋", {}, {}, 0}};
  Options o;
  o.excerpt_bytes = 601;  // falls inside 依
  std::string d = gunzip(find(build_index(docs, o), "search/d/0.bin")->bytes());
  EXPECT_FALSE(haven::text::find_invalid_utf8(d).has_value());
  EXPECT_NE(d.find(std::string(300, 'y') + "\",\"x\":1}"), std::string::npos);  // marked as cut
  std::string whole = gunzip(find(build_index(docs, Options{}), "search/d/0.bin")->bytes());
  EXPECT_EQ(whole.find("\"x\""), std::string::npos);
}

TEST(SearchOptions, ParsedFromConfig) {
  using haven::base::Value;
  EXPECT_TRUE(parse_options(Value()).enable);
  EXPECT_FALSE(parse_options(Value(false)).enable);
  haven::base::Object o;
  o.set("enable", Value(true));
  o.set("shard_size", Value(4096));
  o.set("excerpt_length", Value(10));
  Options p = parse_options(Value(std::move(o)));
  EXPECT_TRUE(p.enable);
  EXPECT_EQ(p.shard_bytes, 4096u);
  EXPECT_EQ(p.excerpt_bytes, 256u);  // raised to the minimum
  haven::base::Object off;
  off.set("enable", Value(false));
  EXPECT_FALSE(parse_options(Value(std::move(off))).enable);
}

TEST(SearchText, HtmlToText) {
  EXPECT_EQ(html_to_text("<h2 id=\"a\"><a href=\"#a\" class=\"headerlink\" title=\"A\"></a>Title</h2><p>One <strong>bo</strong>ld&amp;more</p>"),
            "Title One bold&more");
  EXPECT_EQ(html_to_text("<script>var x = '<p>';</script><p>kept</p><style>p{}</style>"), "kept");
  EXPECT_EQ(html_to_text("<figure class=\"highlight\"><table><tr><td class=\"gutter\"><pre>1\n2</pre></td><td class=\"code\"><pre>int x;<br>y</pre></td></tr></table></figure>"),
            "int x; y");
  EXPECT_EQ(html_to_text("a < b and 中文<br>文字<!-- c -->"), "a < b and 中文 文字");
}

TEST(SearchGzip, RoundTrips) {
  std::string s;
  for (int i = 0; i < 1000; ++i) s += "依恋 " + std::to_string(i);
  std::string z = gzip(s);
  EXPECT_LT(z.size(), s.size());
  EXPECT_EQ(static_cast<unsigned char>(z[0]), 0x1F);
  EXPECT_EQ(gunzip(z), s);
  EXPECT_EQ(gzip(s), z);
}

// ---- the incremental Indexer: an update gives exactly the files of a fresh full build ----
namespace {

std::vector<Document> corpus(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  const char* cjk[] = {"依", "恋", "心", "之", "所", "向", "安", "然", "归", "处", "夜", "幕"};
  std::vector<std::string> words;
  for (int i = 0; i < 400; ++i) words.push_back(fmt::format("w{}", i * 37 % 1000));
  std::vector<Document> docs;
  for (size_t i = 0; i < n; ++i) {
    Document d;
    d.url = "/p/" + std::to_string(i) + "/";
    d.title = "Title " + words[rng() % words.size()] + " " + cjk[rng() % 12] + cjk[rng() % 12];
    d.headings = {"Head " + words[rng() % words.size()]};
    size_t len = 30 + rng() % 120;
    for (size_t k = 0; k < len; ++k) {
      d.text += (rng() % 4 == 0) ? std::string(cjk[rng() % 12]) + cjk[rng() % 12] : words[rng() % words.size()];
      d.text += ' ';
    }
    d.tags = {"tag" + std::to_string(rng() % 20)};
    d.categories = {"cat" + std::to_string(rng() % 5)};
    d.date_ms = 1.6e12 + static_cast<double>(rng() % 1000000) * 1000;
    docs.push_back(std::move(d));
  }
  return docs;
}

void expect_same_files(const std::vector<File>& a, const std::vector<File>& b, const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].path, b[i].path) << what;
    EXPECT_TRUE(a[i].bytes() == b[i].bytes()) << what << ": " << a[i].path;
  }
}

std::vector<std::string> shard_firsts(const std::vector<File>& files) {
  const std::string& m = find(files, "search/index.json")->bytes();
  std::vector<std::string> firsts;
  size_t pos = m.find("\"shards\":[");
  while ((pos = m.find("[\"", pos + 1)) != std::string::npos) firsts.push_back(m.substr(pos + 2, m.find('"', pos + 2) - pos - 2));
  return firsts;
}

Options small_shards() {
  Options o;
  o.shard_bytes = 2048;  // many shards from a small corpus
  return o;
}

}  // namespace

TEST(SearchIndexer, IncrementalUpdatesEqualAFullBuild) {
  Options o = small_shards();
  auto docs = corpus(400, 11);
  Indexer indexer;
  expect_same_files(indexer.update(docs, o), build_index(docs, o), "first update");
  EXPECT_EQ(indexer.stats().documents_tokenized, 400u);

  struct Edit {
    const char* what;
    std::function<void(std::vector<Document>&)> apply;
  };
  std::vector<Edit> edits = {
      {"body edit", [](auto& d) { d[123].text += " w74 appended words 安然"; }},
      {"new token", [](auto& d) { d[7].text += " neverseenbefore 新词"; }},
      {"title edit", [](auto& d) { d[200].title = "Renamed 依恋"; }},
      {"token gone", [](auto& d) { d[7].text = "w1 w2"; }},
      {"sixteen posts at once", [](auto& d) { for (int i = 100; i < 116; ++i) d[i].text = "w1 w2 w3 w4 w5 安然 " + d[i].text; }},
      {"two posts at once", [](auto& d) { d[10].text += " w5 shared-new"; d[11].text = "w5 shared-new " + d[11].text; }},
      {"tag edit", [](auto& d) { d[5].tags = {"tag3", "brand-new-tag"}; }},
      {"date edit (ids move)", [](auto& d) { d[42].date_ms = 1.0e12; }},
      {"new post", [](auto& d) { d.push_back({"/p/new/", "New 依恋", {}, "fresh post w12 w13", {}, {}, 2.0e12}); }},
      {"removed post", [](auto& d) { d.erase(d.begin() + 300); }},
      {"long body edit (average length moves)", [](auto& d) { for (int i = 0; i < 3000; ++i) d[9].text += " w1"; }},
  };
  size_t patched = 0;
  for (const auto& e : edits) {
    e.apply(docs);
    auto incremental = indexer.update(docs, o);
    expect_same_files(incremental, build_index(docs, o), e.what);
    EXPECT_LE(indexer.stats().documents_tokenized, 16u) << e.what;  // only the edited posts
    patched += indexer.stats().patched;
  }
  EXPECT_GE(patched, 4u) << "body, new token, title and tag edits patch the postings in place";
  // an excerpt-length change rewrites the document files, still as a full build would
  o.excerpt_bytes = 300;
  expect_same_files(indexer.update(docs, o), build_index(docs, o), "excerpt_length");
}

TEST(SearchIndexer, OneEditTouchesOneDocumentAndFewShards) {
  Options o = small_shards();
  auto docs = corpus(400, 3);
  Indexer indexer;
  auto before = indexer.update(docs, o);
  size_t shards = indexer.stats().shards;
  ASSERT_GT(shards, 20u);
  docs[250].text += " w74 w111";  // words the corpus already has
  auto after = indexer.update(docs, o);
  EXPECT_EQ(indexer.stats().documents_tokenized, 1u);
  EXPECT_LT(indexer.stats().shards_compressed, shards / 4);
  EXPECT_EQ(shard_firsts(before), shard_firsts(after)) << "content-defined boundaries stay put";
  // files that did not change keep their very bytes object (the site skips hashing them)
  size_t shared = 0;
  for (size_t i = 0; i < after.size(); ++i)
    if (after[i].content == before[i].content) ++shared;
  EXPECT_GE(shared, after.size() - 1 - indexer.stats().shards_compressed - 1 /* manifest */);
  EXPECT_NE(find(after, "search/d/0.bin"), nullptr);

  // nothing changed: the same files, nothing tokenized or compressed
  auto again = indexer.update(docs, o);
  EXPECT_EQ(indexer.stats().documents_tokenized, 0u);
  EXPECT_EQ(indexer.stats().shards_compressed, 0u);
  ASSERT_EQ(again.size(), after.size());
  for (size_t i = 0; i < again.size(); ++i) EXPECT_EQ(again[i].content, after[i].content) << again[i].path;
}

TEST(SearchIndexer, TokenTableStartsOverWhenMostTokensAreDead) {
  // each round replaces 70,000 distinct words: the table's dead tokens soon outnumber the live ones
  Options o;
  Indexer indexer;
  std::vector<Document> docs = {{"/a/", "A", {}, "", {}, {}, 0}, {"/b/", "B", {}, "stays", {}, {}, 1}};
  for (int round = 0; round < 4; ++round) {
    docs[0].text.clear();
    for (int i = 0; i < 70000; ++i) docs[0].text += fmt::format("r{}x{} ", round, i);
    expect_same_files(indexer.update(docs, o), build_index(docs, o), "round " + std::to_string(round));
  }
}
