#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>
#include <unistd.h>

#include "base/diagnostic.hpp"
#include "base/fs.hpp"
#include "base/bytes.hpp"
#include "base/hash.hpp"
#include "base/spliced_text.hpp"
#include "base/value.hpp"

#include <xxhash.h>

using namespace haven::base;

TEST(Hash, Crc16ArcOfSeedTitleIsItsAbbrlink) {
  EXPECT_EQ(crc16_arc("依恋：心之所向，安然归处"), 31466);
  EXPECT_EQ(crc16_arc("Hello World"), 16107);
  EXPECT_EQ(crc16_arc(""), 0);
}

TEST(Hash, Crc32MatchesHexoAbbrlinkTable) {
  EXPECT_EQ(crc32_ieee("依恋：心之所向，安然归处"), 0x9b5415dau);
  EXPECT_EQ(crc32_ieee("Hello World"), 0x4a17b156u);
}

TEST(Hash, Sha1AndMd5KnownVectors) {
  EXPECT_EQ(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(sha1_hex("hello-world1705312800").substr(0, 12), "e2daf9da536e");
  EXPECT_EQ(md5_hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(md5_hex("author@example.com"), md5_hex(std::string("author@example.com")));
  EXPECT_EQ(md5_hex("The quick brown fox jumps over the lazy dog"), "9e107d9d372bb6826bd81d3542a419d6");
}

TEST(Value, JavaScriptStringConversion) {
  EXPECT_EQ(Value(31466).to_string(), "31466");
  EXPECT_EQ(Value(1.5).to_string(), "1.5");
  EXPECT_EQ(Value(0.1 + 0.2).to_string(), "0.30000000000000004");
  EXPECT_EQ(Value(1704276000000.0).to_string(), "1704276000000");
  EXPECT_EQ(Value(0.00001).to_string(), "0.00001");
  EXPECT_EQ(Value(1e-7).to_string(), "1e-7");
  EXPECT_EQ(Value(1e21).to_string(), "1e+21");
  EXPECT_EQ(Value(-2.5).to_string(), "-2.5");
  EXPECT_EQ(Value(123456789012.5).to_string(), "123456789012.5");
  EXPECT_EQ(Value().to_string(), "");
  EXPECT_EQ(Value(Array{Value(1), Value("a")}).to_string(), "1,a");
  EXPECT_EQ(Value::date(0).to_string(), "1970-01-01T00:00:00.000Z");
}

TEST(Value, TruthinessFollowsJavaScript) {
  EXPECT_FALSE(Value("").truthy());
  EXPECT_FALSE(Value(0).truthy());
  EXPECT_FALSE(Value::null().truthy());
  EXPECT_TRUE(Value(Array{}).truthy());
  EXPECT_TRUE(Value("0").truthy());
}

// A slice is a view into a text its owner keeps alive: no copy, the owner lives as long as any
// value refers to it, and it compares, converts and tests like any other string.
TEST(Value, SlicesShareTheirOwnersText) {
  auto owner = std::make_shared<const std::string>("<p>excerpt</p><span></span><p>more</p>");
  std::string_view text = *owner;
  Value excerpt = Value::slice(owner, text.substr(0, 14), true);
  Value more = Value::slice(owner, text.substr(27), false);
  std::weak_ptr<const std::string> alive = owner;
  owner.reset();
  ASSERT_FALSE(alive.expired());  // the slices keep the text
  EXPECT_EQ(excerpt.as_string(), "<p>excerpt</p>");
  EXPECT_EQ(excerpt.as_string().data(), text.data());
  EXPECT_TRUE(excerpt.is_safe());
  EXPECT_EQ(more.as_string(), "<p>more</p>");
  EXPECT_FALSE(more.is_safe());
  EXPECT_EQ(more, Value("<p>more</p>"));
  EXPECT_EQ(more.to_string(), "<p>more</p>");
  EXPECT_FALSE(Value::slice(nullptr, text.substr(3, 0), false).truthy());
  EXPECT_EQ(Value::slice(nullptr, text.substr(3, 0), false).as_number(), 0);  // a string has no number
  EXPECT_EQ(Value("abc").as_number(), 0);
  excerpt = Value();
  more = Value();
  EXPECT_TRUE(alive.expired());
}

TEST(Object, KeepsInsertionOrderAndIndexesLargeMaps) {
  Object o;
  for (int i = 0; i < 40; ++i) o.set("k" + std::to_string(i), Value(i));
  o.set("k3", Value("three"));
  ASSERT_EQ(o.size(), 40u);
  EXPECT_EQ(o.entries()[3].second.as_string(), "three");
  EXPECT_EQ(o.find("k39")->as_number(), 39);
  EXPECT_EQ(o.find("nope"), nullptr);
  EXPECT_TRUE(o.erase("k0"));
  EXPECT_EQ(o.find("k1")->as_number(), 1);
  Object copy = o;
  EXPECT_EQ(copy.find("k20")->as_number(), 20);
}

TEST(Object, HashedIndexAgreesWithTheEntriesThroughGrowthOverwriteAndErase) {
  Object o;
  for (int i = 0; i < 300; ++i) o.set("key" + std::to_string(i), Value(i));  // grows the index several times
  o.set("key7", Value("seven"));                                               // overwrite keeps the position
  EXPECT_TRUE(o.erase("key100"));
  EXPECT_FALSE(o.erase("key100"));
  ASSERT_EQ(o.size(), 299u);
  EXPECT_EQ(o.entries()[7].first, "key7");
  EXPECT_EQ(o.find("key7")->as_string(), "seven");
  EXPECT_EQ(o.find("key100"), nullptr);
  EXPECT_EQ(o.find("key"), nullptr);
  for (int i = 0; i < 300; ++i) {
    if (i == 7 || i == 100) continue;
    const Value* v = o.find("key" + std::to_string(i));
    ASSERT_NE(v, nullptr) << i;
    EXPECT_EQ(v->as_number(), i);
  }
  Object copy = o;  // a copy has its own index
  o.set("key5", Value(-5));
  EXPECT_EQ(copy.find("key5")->as_number(), 5);
  Object moved = std::move(copy);
  EXPECT_EQ(moved.find("key299")->as_number(), 299);
  moved.set("late", Value(1));
  EXPECT_EQ(moved.find("late")->as_number(), 1);
}

TEST(Diagnostic, LocatesCodePointColumnsOnCjkLines) {
  std::string src = "title: ok\n标题: 依恋 x\n";
  auto loc = locate("a.md", src, src.find('x'));
  EXPECT_EQ(loc.line, 2u);
  EXPECT_EQ(loc.column, 8u);
  EXPECT_EQ(loc.line_text, "标题: 依恋 x");
}

// content_hash goes through libxxhash's run-time dispatch (SSE2, AVX2 or AVX-512): it must give
// exactly the baseline XXH3 hashes, which manifests written by earlier builds hold. Lengths cover
// every XXH3 code path (up to 16, 128, 240 bytes, then 64-byte stripes and 1 KB blocks).
TEST(Hash, ContentHashIsTheBaselineXxh3) {
  std::string data;
  for (size_t i = 0; i < 5000; ++i) data += static_cast<char>((i * 131 + 7) % 251);
  for (size_t len = 0; len <= data.size(); len += len < 300 ? 1 : 97) {
    std::string_view piece(data.data(), len);
    ASSERT_EQ(haven::base::content_hash(piece, 42), XXH3_64bits_withSeed(piece.data(), len, 42)) << len;
    ASSERT_EQ(haven::base::content_hash(piece), XXH3_64bits_withSeed(piece.data(), len, 0)) << len;
  }
}

// The hash of pieces is the hash of their concatenation, however the text is cut (a spliced
// page is hashed piece by piece; its manifest entry must match the same bytes written whole).
TEST(Hash, ContentHashOfPiecesIsTheHashOfTheWhole) {
  std::string data;
  for (size_t i = 0; i < 3000; ++i) data += static_cast<char>((i * 37 + 11) % 253);
  for (size_t a = 0; a <= data.size(); a += 61) {
    for (size_t b = a; b <= data.size(); b += 263) {
      std::string_view whole(data);
      std::string_view pieces[] = {whole.substr(0, a), whole.substr(a, b - a), whole.substr(b)};
      ASSERT_EQ(haven::base::content_hash(pieces, 7), haven::base::content_hash(whole, 7)) << a << " " << b;
    }
  }
}

// A spliced text's pieces, size and flattened bytes: the shared strings go before `own[at]`.
TEST(SplicedText, PiecesInOrder) {
  haven::base::SplicedText t("<head></head><body></body>");
  haven::base::Value side = haven::base::Value::safe("<aside>S</aside>");
  t.splices.push_back({0, haven::base::Value::safe("<!DOCTYPE html>")});
  t.splices.push_back({19, side});
  t.splices.push_back({19, side});
  t.splices.push_back({t.own.size(), haven::base::Value::safe("<!-- end -->")});
  std::vector<std::string> pieces;
  t.for_each_piece([&](std::string_view p) { pieces.emplace_back(p); });
  EXPECT_EQ(pieces, (std::vector<std::string>{"<!DOCTYPE html>", "<head></head><body>", "<aside>S</aside>",
                                               "<aside>S</aside>", "</body>", "<!-- end -->"}));
  EXPECT_EQ(t.size(), 15u + 26 + 2 * 16 + 12);
  EXPECT_EQ(std::move(t).flatten(), "<!DOCTYPE html><head></head><body><aside>S</aside><aside>S</aside></body><!-- end -->");
}

// find_bytes must agree with std::string_view::find everywhere: every start and end offset of a
// page-like haystack around the 16- and 32-byte block boundaries (SSE2, AVX2), needles of 1 to 20
// bytes, near misses.
TEST(Bytes, FindBytesAgreesWithStringViewFind) {
  std::string hay;
  for (int i = 0; i < 12; ++i) hay += "<a href=\"/p/" + std::to_string(i) + "\">h\"ref=</a> 中文 href=\"http://x/\"";
  const std::vector<std::string> needles = {"h", "\"", "hr", "href=\"", "href=\"http", "href=\"//", "</a>", "中文",
                                            "<a href=\"/p/11\">", "href=\"http://x/\"", "absent", "h\"ref=", "zz", "//",
                                            std::string(20, 'x'), ""};
  for (const auto& needle : needles) {
    for (size_t len : {size_t{0}, size_t{1}, size_t{15}, size_t{16}, size_t{17}, size_t{31}, size_t{32},
                       size_t{33}, size_t{40}, size_t{63}, size_t{64}, size_t{65}, size_t{97}, hay.size()}) {
      std::string_view h = std::string_view(hay).substr(0, len);
      for (size_t from = 0; from <= h.size() + 1; ++from) {
        ASSERT_EQ(haven::base::find_bytes(h, needle, from), h.find(needle, from))
            << "needle \"" << needle << "\" length " << len << " from " << from;
      }
    }
  }
  // every occurrence, walked as the external-link scan walks them
  size_t count = 0;
  for (size_t at = haven::base::find_bytes(hay, "href=\""); at != std::string_view::npos;
       at = haven::base::find_bytes(hay, "href=\"", at + 6)) ++count;
  EXPECT_EQ(count, 24u);
}

// JavaScript's Date.prototype.toISOString for the dates themes print (date_xml, sitemaps, feeds).
TEST(Value, FormatIsoUtcMatchesToIsoString) {
  EXPECT_EQ(format_iso_utc(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_iso_utc(1762489329123.0), "2025-11-07T04:22:09.123Z");
  EXPECT_EQ(format_iso_utc(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_iso_utc(-30610224000000.0), "1000-01-01T00:00:00.000Z");
  EXPECT_EQ(format_iso_utc(-59011459200000.0), "0100-01-01T00:00:00.000Z");  // padded to four digits
  EXPECT_EQ(format_iso_utc(253402300799999.0), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(format_iso_utc(951782400000.0), "2000-02-29T00:00:00.000Z");   // a 400-year leap day
  EXPECT_EQ(format_iso_utc(4107542399999.0), "2100-02-28T23:59:59.999Z");  // no leap day in 2100
  EXPECT_EQ(format_iso_utc(-62135596800000.0), "0001-01-01T00:00:00.000Z");
  // every day of 1969-2030 agrees with gmtime_r (what this replaced)
  for (int64_t day = -365; day < 22000; ++day) {
    std::time_t t = static_cast<std::time_t>(day * 86400 + 45296);  // 12:34:56
    std::tm tm{};
    gmtime_r(&t, &tm);
    char expected[64];
    std::snprintf(expected, sizeof expected, "%04d-%02d-%02dT12:34:56.789Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    ASSERT_EQ(format_iso_utc(static_cast<double>(t) * 1000 + 789), expected) << day;
  }
}

// write_all of pieces writes them in order: empty pieces, more pieces than one writev takes, and a
// piece larger than a pipe holds (writev waits for the reader).
TEST(Fs, WriteAllOfPiecesWritesThemInOrder) {
  std::vector<std::string> texts;
  for (int i = 0; i < 200; ++i) texts.push_back(i % 3 == 0 ? std::string() : std::string(static_cast<size_t>(i), static_cast<char>('a' + i % 26)));
  texts.push_back(std::string(1 << 20, 'z'));
  std::vector<std::string_view> pieces(texts.begin(), texts.end());
  std::string whole;
  for (const auto& t : texts) whole += t;
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::string got;
  std::thread reader([&] {
    char buf[4096];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) got.append(buf, static_cast<size_t>(n));
  });
  auto r = write_all(fds[1], pieces, "pipe");
  ::close(fds[1]);
  reader.join();
  ::close(fds[0]);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(got.size(), whole.size());
  EXPECT_TRUE(got == whole);
}

// read_file reads straight into its string: files of every size around its first guess (the
// file's size plus one byte), empty files, files whose size stat does not know (/proc), and
// missing files.
TEST(Fs, ReadFileGivesEveryByte) {
  auto dir = std::filesystem::temp_directory_path() / ("haven-read-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  for (size_t size : {0, 1, 4095, 4096, 4097, 65536, 300001}) {
    std::string text(size, '\0');
    for (size_t i = 0; i < size; ++i) text[i] = static_cast<char>('a' + i * 7 % 26);
    std::ofstream(dir / "f", std::ios::binary | std::ios::trunc) << text;
    auto r = read_file(dir / "f");
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(*r, text) << size;
  }
  auto smaps = read_file("/proc/self/smaps");  // stat says 0 bytes; tens of kB, so it grows
  ASSERT_TRUE(smaps.has_value());
  EXPECT_GT(smaps->size(), 8192u);
  EXPECT_NE(smaps->rfind("VmFlags:"), std::string::npos);
  EXPECT_EQ(smaps->back(), '\n');
  auto missing = read_file(dir / "missing");
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find("cannot read file"), std::string::npos);
  std::filesystem::remove_all(dir);
}
