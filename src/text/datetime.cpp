#include "text/datetime.hpp"

#include <unicode/basictz.h>
#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <system_error>
#include <filesystem>
#include <unordered_map>
#include <vector>

#include "base/calendar.hpp"

namespace haven::text {

namespace {

constexpr double k_ms_per_day = 86400000.0;
// ECMAScript's TimeClip: instants beyond ±100,000,000 days are invalid dates.
constexpr double k_max_time = 8.64e15;

using base::civil_from_days;
using base::days_from_civil;

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// MakeDay + MakeTime of ECMA-262 with a 1-based month and no two-digit-year mapping.
double make_ms(double year, double month, double day, double hour, double minute, double second, double ms) {
  for (double v : {year, month, day, hour, minute, second, ms}) {
    if (!std::isfinite(v)) return NAN;
  }
  double m0 = std::trunc(month) - 1;
  double ym = std::trunc(year) + std::floor(m0 / 12);
  double mn = std::fmod(m0, 12);
  if (mn < 0) mn += 12;
  if (std::fabs(ym) > 400000) return NAN;
  double days = static_cast<double>(days_from_civil(static_cast<int64_t>(ym), static_cast<int64_t>(mn) + 1, 1)) +
                std::trunc(day) - 1;
  double time = std::trunc(hour) * 3600000.0 + std::trunc(minute) * 60000.0 + std::trunc(second) * 1000.0 +
                std::trunc(ms);
  double t = days * k_ms_per_day + time;
  if (std::fabs(t) > k_max_time) return NAN;
  return t;
}

Civil civil_from_ms(double ms) {
  Civil c;
  double day_index = std::floor(ms / k_ms_per_day);
  auto days = static_cast<int64_t>(day_index);
  auto in_day = static_cast<int64_t>(ms - day_index * k_ms_per_day);
  civil_from_days(days, c.year, c.month, c.day);
  c.hour = static_cast<int>(in_day / 3600000);
  c.minute = static_cast<int>(in_day / 60000 % 60);
  c.second = static_cast<int>(in_day / 1000 % 60);
  c.ms = static_cast<int>(in_day % 1000);
  c.weekday = static_cast<int>(((days + 4) % 7 + 7) % 7);
  c.yday = static_cast<int>(days - days_from_civil(c.year, 1, 1)) + 1;
  return c;
}

std::string trim(std::string s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  size_t e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// Compiled ICU zones, per thread (ICU TimeZone objects are not safe for concurrent use).
const icu::TimeZone* find_zone(std::string_view name) {
  thread_local std::unordered_map<std::string, std::unique_ptr<icu::TimeZone>> cache;
  std::string key(name);
  if (key.empty()) key = local_zone();
  auto it = cache.find(key);
  if (it != cache.end()) return it->second.get();
  std::unique_ptr<icu::TimeZone> tz(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(key)));
  if (tz && *tz == icu::TimeZone::getUnknown()) tz.reset();
  const icu::TimeZone* result = tz.get();
  cache.emplace(std::move(key), std::move(tz));
  return result;
}

int64_t offset_of(const icu::TimeZone* tz, double utc_ms) {
  if (!tz || !std::isfinite(utc_ms)) return 0;
  int32_t raw = 0, dst = 0;
  UErrorCode status = U_ZERO_ERROR;
  tz->getOffset(utc_ms, false, raw, dst, status);
  return U_FAILURE(status) ? 0 : static_cast<int64_t>(raw) + dst;
}

} // namespace

std::string local_zone() {
  if (const char* tz = std::getenv("TZ")) {
    std::string s = tz;
    if (!s.empty() && s[0] == ':') s.erase(0, 1);
    return s.empty() ? std::string("UTC") : s;
  }
  thread_local std::string cached;
  if (!cached.empty()) return cached;
  std::ifstream in("/etc/timezone");
  std::string line;
  if (in && std::getline(in, line) && !trim(line).empty()) {
    cached = trim(line);
    return cached;
  }
  std::error_code ec;
  auto target = std::filesystem::read_symlink("/etc/localtime", ec);
  if (!ec) {
    std::string t = target.string();
    auto pos = t.find("zoneinfo/");
    if (pos != std::string::npos) {
      cached = t.substr(pos + 9);
      return cached;
    }
  }
  cached = "UTC";
  return cached;
}

std::optional<int64_t> zone_offset_ms(std::string_view zone, double utc_ms) {
  const icu::TimeZone* tz = find_zone(zone);
  if (!tz) return std::nullopt;
  return offset_of(tz, utc_ms);
}

bool is_valid_zone(std::string_view zone) { return !zone.empty() && find_zone(zone) != nullptr; }

Civil civil_in_zone(double utc_ms, std::string_view zone) {
  return civil_from_ms(utc_ms + static_cast<double>(offset_of(find_zone(zone), utc_ms)));
}

double utc_ms_from_fields(double year, double month, double day, double hour, double minute, double second,
                          double ms) {
  double y = std::trunc(year);
  if (std::isfinite(y) && y >= 0 && y <= 99) y += 1900;
  return make_ms(y, month, day, hour, minute, second, ms);
}

double instant_from_civil(const Civil& c, std::string_view zone) {
  double local = make_ms(c.year, c.month, c.day, c.hour, c.minute, c.second, c.ms);
  if (std::isnan(local)) return local;
  const icu::TimeZone* tz = find_zone(zone);
  if (!tz) return local;
  if (auto* btz = dynamic_cast<const icu::BasicTimeZone*>(tz)) {
    int32_t raw = 0, dst = 0;
    UErrorCode status = U_ZERO_ERROR;
    // FORMER for both cases: a skipped time uses the offset before the gap (02:30 → 03:30 EDT) and
    // a repeated time its first occurrence, as ECMAScript's LocalTime and moment do.
    btz->getOffsetFromLocal(local, UCAL_TZ_LOCAL_FORMER, UCAL_TZ_LOCAL_FORMER, raw, dst, status);
    if (U_SUCCESS(status)) return local - raw - dst;
  }
  return local - static_cast<double>(offset_of(tz, local - static_cast<double>(offset_of(tz, local))));
}

// ---------------------------------------------------------------------------------------------
// new Date(string)

namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

// ECMAScript's Date Time String Format (what V8 tries first).
std::optional<double> parse_es_iso(std::string_view s, std::string_view zone, bool& looks_iso) {
  looks_iso = false;
  size_t p = 0;
  int sign = 1;
  int year = 0;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    if (s.size() < 7 || !all_digits(s.substr(1, 6))) return std::nullopt;
    sign = s[0] == '-' ? -1 : 1;
    year = to_int(s.substr(1, 6));
    if (sign < 0 && year == 0) return std::nullopt; // -000000 is explicitly invalid
    p = 7;
  } else {
    if (s.size() < 4 || !all_digits(s.substr(0, 4))) return std::nullopt;
    year = to_int(s.substr(0, 4));
    p = 4;
  }
  int month = 1, day = 1, hour = 0, minute = 0, second = 0, ms = 0;
  auto two = [&](int& out) {
    if (p + 2 > s.size() || !all_digits(s.substr(p, 2))) return false;
    out = to_int(s.substr(p, 2));
    p += 2;
    return true;
  };
  if (p < s.size() && s[p] == '-') {
    ++p;
    if (!two(month)) return std::nullopt;
    if (p < s.size() && s[p] == '-') {
      ++p;
      if (!two(day)) return std::nullopt;
    }
  }
  looks_iso = true;
  bool has_time = false;
  std::optional<int> offset_min;
  if (p < s.size() && s[p] == 'T') {
    has_time = true;
    ++p;
    if (!two(hour) || p >= s.size() || s[p] != ':') return std::nullopt;
    ++p;
    if (!two(minute)) return std::nullopt;
    if (p < s.size() && s[p] == ':') {
      ++p;
      if (!two(second)) return std::nullopt;
      if (p < s.size() && s[p] == '.') {
        ++p;
        size_t start = p;
        while (p < s.size() && std::isdigit(static_cast<unsigned char>(s[p]))) ++p;
        if (p == start) return std::nullopt;
        std::string frac(s.substr(start, std::min<size_t>(3, p - start)));
        while (frac.size() < 3) frac += '0';
        ms = to_int(frac);
      }
    }
    if (p < s.size() && s[p] == 'Z') {
      offset_min = 0;
      ++p;
    } else if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
      int osign = s[p] == '-' ? -1 : 1;
      ++p;
      int oh = 0, om = 0;
      if (!two(oh) || p >= s.size() || s[p] != ':') return std::nullopt;
      ++p;
      if (!two(om)) return std::nullopt;
      offset_min = osign * (oh * 60 + om);
    }
  }
  if (p != s.size()) return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31 || minute > 59 || second > 59) return std::nullopt;
  if (hour > 24 || (hour == 24 && (minute || second || ms))) return std::nullopt;
  double local = make_ms(sign * year, month, day, hour, minute, second, ms);
  if (std::isnan(local)) return std::nullopt;
  if (!has_time) return local; // date-only forms are UTC
  if (offset_min) return local - *offset_min * 60000.0;
  Civil c;
  c.year = sign * year;
  c.month = month;
  c.day = day;
  c.hour = hour;
  c.minute = minute;
  c.second = second;
  c.ms = ms;
  double t = instant_from_civil(c, zone);
  return std::fabs(t) > k_max_time ? std::nullopt : std::optional<double>(t);
}

struct Token {
  enum Kind { Number, Word, Symbol, End } kind = End;
  std::string text; // lower-cased for words
  int64_t number = 0;
  char symbol = 0;
};

std::vector<Token> tokenize_legacy(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (std::isspace(c)) {
      ++i;
    } else if (c == '(') { // comments, possibly nested, are skipped
      int depth = 0;
      while (i < s.size()) {
        if (s[i] == '(') ++depth;
        if (s[i] == ')' && --depth == 0) {
          ++i;
          break;
        }
        ++i;
      }
    } else if (std::isdigit(c)) {
      Token t;
      t.kind = Token::Number;
      size_t start = i;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
      t.text = std::string(s.substr(start, i - start));
      t.number = t.text.size() > 9 ? INT32_MAX : std::stoll(t.text);
      out.push_back(std::move(t));
    } else if (std::isalpha(c)) {
      Token t;
      t.kind = Token::Word;
      while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) {
        t.text += static_cast<char>(std::tolower(static_cast<unsigned char>(s[i])));
        ++i;
      }
      out.push_back(std::move(t));
    } else if (c >= 0x80) {
      // V8 has no token for non-ASCII text outside comments ("2024年1月15日" is an Invalid Date).
      Token t;
      t.kind = Token::Symbol;
      t.symbol = '\x80';
      out.push_back(std::move(t));
      while (i < s.size() && static_cast<unsigned char>(s[i]) >= 0x80) ++i;
    } else {
      Token t;
      t.kind = Token::Symbol;
      t.symbol = static_cast<char>(c);
      out.push_back(std::move(t));
      ++i;
    }
  }
  return out;
}

constexpr std::array<std::string_view, 12> k_month_prefix = {"jan", "feb", "mar", "apr", "may", "jun",
                                                             "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 7> k_day_prefix = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

// V8's legacy (non-ISO) date parser, reduced to the forms people type: numeric dates with / - .
// separators, month names, h:mm[:ss[.ms]] times with AM/PM, and UTC/GMT/US-zone suffixes with offsets.
std::optional<double> parse_legacy(std::string_view s, std::string_view zone) {
  std::vector<Token> toks = tokenize_legacy(s);
  std::vector<int64_t> comps;
  int named_month = 0;
  int hour = -1, minute = 0, second = 0, millis = 0;
  int hour_offset = -1; // 0 = AM, 12 = PM
  bool tz_set = false;
  int tz_minutes = 0;
  bool has_read_number = false;
  auto peek = [&](size_t i) -> const Token* { return i < toks.size() ? &toks[i] : nullptr; };
  for (size_t i = 0; i < toks.size(); ++i) {
    const Token& t = toks[i];
    if (t.kind == Token::Number) {
      has_read_number = true;
      const Token* next = peek(i + 1);
      if (next && next->kind == Token::Symbol && next->symbol == ':' && hour < 0) {
        // h:mm[:ss[.mmm]]
        hour = static_cast<int>(t.number);
        i += 1;
        const Token* m = peek(i + 1);
        if (!m || m->kind != Token::Number) return std::nullopt;
        minute = static_cast<int>(m->number);
        i += 1;
        const Token* c2 = peek(i + 1);
        if (c2 && c2->kind == Token::Symbol && c2->symbol == ':') {
          const Token* sec = peek(i + 2);
          if (!sec || sec->kind != Token::Number) return std::nullopt;
          second = static_cast<int>(sec->number);
          i += 2;
          const Token* dot = peek(i + 1);
          const Token* frac = peek(i + 2);
          if (dot && frac && dot->kind == Token::Symbol && dot->symbol == '.' && frac->kind == Token::Number) {
            std::string f = frac->text.substr(0, 3);
            while (f.size() < 3) f += '0';
            millis = std::stoi(f);
            i += 2;
          }
        }
        continue;
      }
      if (comps.size() >= 3) return std::nullopt;
      comps.push_back(t.number);
      continue;
    }
    if (t.kind == Token::Symbol) {
      const Token* next = peek(i + 1);
      if ((t.symbol == '+' || t.symbol == '-') && (tz_set || hour >= 0) && next && next->kind == Token::Number) {
        int sign = t.symbol == '-' ? -1 : 1;
        int64_t n = next->number;
        size_t len = next->text.size();
        i += 1;
        int oh = 0, om = 0;
        const Token* colon = peek(i + 1);
        const Token* mins = peek(i + 2);
        if (colon && mins && colon->kind == Token::Symbol && colon->symbol == ':' && mins->kind == Token::Number) {
          oh = static_cast<int>(n);
          om = static_cast<int>(mins->number);
          i += 2;
        } else if (len <= 2) {
          oh = static_cast<int>(n);
        } else if (len <= 4) {
          oh = static_cast<int>(n / 100);
          om = static_cast<int>(n % 100);
        } else {
          return std::nullopt;
        }
        tz_set = true;
        tz_minutes = sign * (oh * 60 + om);
      }
      if (t.symbol == '\x80') return std::nullopt;
      continue; // other punctuation separates fields
    }
    // Words.
    const std::string& w = t.text;
    if (w == "am" || w == "pm") {
      hour_offset = w == "am" ? 0 : 12;
      continue;
    }
    if (w == "utc" || w == "gmt" || w == "ut" || w == "z") {
      tz_set = true;
      tz_minutes = 0;
      continue;
    }
    static const std::unordered_map<std::string_view, int> k_us_zones = {
        {"est", -300}, {"edt", -240}, {"cst", -360}, {"cdt", -300},
        {"mst", -420}, {"mdt", -360}, {"pst", -480}, {"pdt", -420}};
    if (auto z = k_us_zones.find(w); z != k_us_zones.end()) {
      tz_set = true;
      tz_minutes = z->second;
      continue;
    }
    if (w == "t" && peek(i + 1) && peek(i + 1)->kind == Token::Number) continue;
    bool known = false;
    if (w.size() >= 3) {
      for (size_t m = 0; m < 12; ++m) {
        if (w.compare(0, 3, k_month_prefix[m]) == 0) {
          named_month = static_cast<int>(m) + 1;
          known = true;
          break;
        }
      }
      for (auto d : k_day_prefix) {
        if (w.compare(0, 3, d) == 0) known = true;
      }
    }
    if (!known && has_read_number) return std::nullopt;
  }

  int64_t year = 0, month = 0, day = 0;
  bool iso_like = comps.size() == 3 && comps[0] > 31;
  if (named_month == 0) {
    if (comps.size() < 2) return std::nullopt;
    if (comps.size() == 3 && !(comps[0] >= 1 && comps[0] <= 31)) {
      year = comps[0];
      month = comps[1];
      day = comps[2];
    } else {
      month = comps[0];
      day = comps[1];
      year = comps.size() == 3 ? comps[2] : 2001; // V8 defaults the year to 2001
    }
  } else {
    month = named_month;
    if (comps.empty()) return std::nullopt;
    if (comps.size() == 1) {
      day = comps[0];
      year = 2001;
    } else if (!(comps[0] >= 1 && comps[0] <= 31)) {
      year = comps[0];
      day = comps[1];
    } else {
      day = comps[0];
      year = comps[1];
    }
  }
  if (!iso_like) {
    if (year >= 0 && year <= 49) year += 2000;
    else if (year >= 50 && year <= 99) year += 1900;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  if (hour < 0) hour = 0;
  if (hour_offset >= 0) {
    if (hour > 12) return std::nullopt;
    hour = hour % 12 + hour_offset;
  }
  if (hour > 24 || minute > 59 || second > 59 || (hour == 24 && (minute || second || millis))) return std::nullopt;
  if (tz_set) {
    double t = make_ms(static_cast<double>(year), static_cast<double>(month), static_cast<double>(day), hour,
                       minute, second, millis);
    if (std::isnan(t)) return std::nullopt;
    return t - tz_minutes * 60000.0;
  }
  if (std::isnan(make_ms(static_cast<double>(year), static_cast<double>(month), static_cast<double>(day), hour,
                         minute, second, millis))) {
    return std::nullopt;
  }
  Civil c;
  c.year = static_cast<int>(year);
  c.month = static_cast<int>(month);
  c.day = static_cast<int>(day);
  c.hour = hour;
  c.minute = minute;
  c.second = second;
  c.ms = millis;
  return instant_from_civil(c, zone);
}

} // namespace

std::optional<double> parse_js_date(std::string_view s, std::string_view zone) {
  bool looks_iso = false;
  if (auto iso = parse_es_iso(s, zone, looks_iso)) return iso;
  return parse_legacy(s, zone);
}

// ---------------------------------------------------------------------------------------------
// moment.js formatting

namespace {

struct MomentLocale {
  std::array<std::string_view, 12> months;
  std::array<std::string_view, 12> months_short;
  std::array<std::string_view, 7> weekdays;
  std::array<std::string_view, 7> weekdays_short;
  std::array<std::string_view, 7> weekdays_min;
  // LT LTS L LL LLL LLLL l ll lll llll
  std::array<std::string_view, 10> long_formats;
  int dow;        // first day of week (0 = Sunday)
  int doy;        // 7 + dow - janX, where janX is the January day always in week 1
  std::string (*meridiem)(int hour, int minute, bool lower);
  std::string (*ordinal)(int number, char period);
};

std::string en_meridiem(int hour, int, bool lower) {
  if (hour > 11) return lower ? "pm" : "PM";
  return lower ? "am" : "AM";
}
std::string en_ordinal(int n, char) {
  int b = n % 10;
  const char* suffix = (n % 100) / 10 == 1 ? "th" : b == 1 ? "st" : b == 2 ? "nd" : b == 3 ? "rd" : "th";
  return std::to_string(n) + suffix;
}
std::string zh_meridiem(int hour, int minute, bool) {
  int hm = hour * 100 + minute;
  if (hm < 600) return "凌晨";
  if (hm < 900) return "早上";
  if (hm < 1130) return "上午";
  if (hm < 1230) return "中午";
  if (hm < 1800) return "下午";
  return "晚上";
}
// period: 'd' = day-ish (d, D, DDD), 'M' month, 'w' week, anything else plain.
std::string zh_cn_ordinal(int n, char period) {
  if (period == 'd') return std::to_string(n) + "日";
  if (period == 'M') return std::to_string(n) + "月";
  if (period == 'w') return std::to_string(n) + "周";
  return std::to_string(n);
}
std::string zh_tw_ordinal(int n, char period) {
  if (period == 'd') return std::to_string(n) + "日";
  if (period == 'M') return std::to_string(n) + "月";
  if (period == 'w') return std::to_string(n) + "週";
  return std::to_string(n);
}
std::string ja_meridiem(int hour, int, bool) { return hour < 12 ? "午前" : "午後"; }
std::string ja_ordinal(int n, char period) {
  if (period == 'd') return std::to_string(n) + "日";
  return std::to_string(n);
}

const MomentLocale k_en = {
    {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
     "November", "December"},
    {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
    {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
    {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
    {"Su", "Mo", "Tu", "We", "Th", "Fr", "Sa"},
    {"h:mm A", "h:mm:ss A", "MM/DD/YYYY", "MMMM D, YYYY", "MMMM D, YYYY h:mm A", "dddd, MMMM D, YYYY h:mm A",
     "M/D/YYYY", "MMM D, YYYY", "MMM D, YYYY h:mm A", "ddd, MMM D, YYYY h:mm A"},
    0, 6, en_meridiem, en_ordinal};

const MomentLocale k_zh_cn = {
    {"一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "十一月", "十二月"},
    {"1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"},
    {"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"},
    {"周日", "周一", "周二", "周三", "周四", "周五", "周六"},
    {"日", "一", "二", "三", "四", "五", "六"},
    {"HH:mm", "HH:mm:ss", "YYYY/MM/DD", "YYYY年M月D日", "YYYY年M月D日Ah点mm分", "YYYY年M月D日ddddAh点mm分",
     "YYYY/M/D", "YYYY年M月D日", "YYYY年M月D日 HH:mm", "YYYY年M月D日dddd HH:mm"},
    1, 4, zh_meridiem, zh_cn_ordinal};

const MomentLocale k_zh_tw = {
    {"一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "十一月", "十二月"},
    {"1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"},
    {"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"},
    {"週日", "週一", "週二", "週三", "週四", "週五", "週六"},
    {"日", "一", "二", "三", "四", "五", "六"},
    {"HH:mm", "HH:mm:ss", "YYYY/MM/DD", "YYYY年M月D日", "YYYY年M月D日 HH:mm", "YYYY年M月D日dddd HH:mm",
     "YYYY/M/D", "YYYY年M月D日", "YYYY年M月D日 HH:mm", "YYYY年M月D日dddd HH:mm"},
    0, 6, zh_meridiem, zh_tw_ordinal};

const MomentLocale k_ja = {
    {"一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "十一月", "十二月"},
    {"1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月"},
    {"日曜日", "月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日"},
    {"日", "月", "火", "水", "木", "金", "土"},
    {"日", "月", "火", "水", "木", "金", "土"},
    {"HH:mm", "HH:mm:ss", "YYYY/MM/DD", "YYYY年M月D日", "YYYY年M月D日 HH:mm", "YYYY年M月D日 dddd HH:mm",
     "YYYY/MM/DD", "YYYY年M月D日", "YYYY年M月D日 HH:mm", "YYYY年M月D日(ddd) HH:mm"},
    0, 6, ja_meridiem, ja_ordinal};

const MomentLocale& find_locale(std::string_view name) {
  std::string key;
  for (char c : name) key += c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (key == "zh-cn" || key == "zh-hans" || key == "zh") return k_zh_cn;
  if (key == "zh-tw" || key == "zh-hk" || key == "zh-hant") return k_zh_tw;
  if (key == "ja" || key == "ja-jp") return k_ja;
  return k_en;
}

// `n` in decimal, zero-padded to `width` digits (a minus sign before them), as moment's zeroFill.
std::string pad(int64_t n, int width) {
  char digits[24];
  uint64_t magnitude = n < 0 ? 0 - static_cast<uint64_t>(n) : static_cast<uint64_t>(n);
  char* end = std::to_chars(digits, digits + sizeof digits, magnitude).ptr;
  size_t count = static_cast<size_t>(end - digits);
  std::string out;
  size_t zeros = static_cast<size_t>(std::max(width, 0)) > count ? static_cast<size_t>(width) - count : 0;
  out.reserve(zeros + count + 1);
  if (n < 0) out += '-';
  out.append(zeros, '0');
  out.append(digits, count);
  return out;
}

int days_in_year(int y) { return is_leap(y) ? 366 : 365; }

// moment's firstWeekOffset / weekOfYear.
int first_week_offset(int year, int dow, int doy) {
  int fwd = 7 + dow - doy;
  int jan_fwd_weekday = static_cast<int>(((days_from_civil(year, 1, fwd) + 4) % 7 + 7) % 7);
  int fwdlw = (7 + jan_fwd_weekday - dow) % 7;
  return -fwdlw + fwd - 1;
}
int weeks_in_year(int year, int dow, int doy) {
  return (days_in_year(year) - first_week_offset(year, dow, doy) + first_week_offset(year + 1, dow, doy)) / 7;
}
struct WeekYear {
  int week;
  int year;
};
WeekYear week_of_year(const Civil& c, int dow, int doy) {
  int offset = first_week_offset(c.year, dow, doy);
  int week = static_cast<int>(std::floor((c.yday - offset - 1) / 7.0)) + 1;
  if (week < 1) return {week + weeks_in_year(c.year - 1, dow, doy), c.year - 1};
  int in_year = weeks_in_year(c.year, dow, doy);
  if (week > in_year) return {week - in_year, c.year + 1};
  return {week, c.year};
}

// moment's `\[[^\[]*\]`: from the '[' at `open` to the last ']' before the next '['; npos if none.
size_t bracket_end(std::string_view f, size_t open) {
  size_t next_open = f.find('[', open + 1);
  std::string_view span = f.substr(0, next_open == std::string_view::npos ? f.size() : next_open);
  size_t close = span.rfind(']');
  return close != std::string_view::npos && close > open ? close : std::string_view::npos;
}

// Expands localized tokens (LT, LTS, L…llll) outside [brackets], like moment's expandFormat.
std::string expand_long_formats(std::string_view format, const MomentLocale& loc) {
  if (format.find_first_of("Ll") == std::string_view::npos) return std::string(format);  // nothing to expand
  std::string out;
  size_t i = 0;
  static constexpr std::array<std::string_view, 10> k_names = {"LT", "LTS", "L", "LL", "LLL", "LLLL",
                                                               "l", "ll", "lll", "llll"};
  while (i < format.size()) {
    char c = format[i];
    if (c == '[') {
      size_t close = bracket_end(format, i);
      if (close != std::string_view::npos) {
        out.append(format.substr(i, close - i + 1));
        i = close + 1;
        continue;
      }
    }
    if (c == '\\' && i + 1 < format.size()) {
      out.append(format.substr(i, 2));
      i += 2;
      continue;
    }
    std::string_view rest = format.substr(i);
    std::string_view token;
    if (rest.starts_with("LTS")) token = "LTS";
    else if (rest.starts_with("LT")) token = "LT";
    else if (c == 'L' || c == 'l') {
      size_t n = 1;
      while (n < 4 && n < rest.size() && rest[n] == c) ++n;
      token = rest.substr(0, n);
    }
    if (token.empty()) {
      out += c;
      ++i;
      continue;
    }
    for (size_t k = 0; k < k_names.size(); ++k) {
      if (k_names[k] == token) out += loc.long_formats[k];
    }
    i += token.size();
  }
  return out;
}

// Splits a format into moment tokens, in the order of moment's formattingTokens regex.
std::string_view next_format_token(std::string_view rest) {
  static constexpr std::string_view k_tokens[] = {
      "Hmmss", "hmmss", "Hmm", "hmm", "Mo", "MMMM", "MMM", "MM", "M", "Do", "DDDo", "DDDD", "DDD", "DD", "D",
      "dddd", "ddd", "dd", "do", "d", "wo", "ww", "w", "Wo", "WW", "W", "Qo", "Q", "YYYYYY", "YYYYY", "YYYY",
      "YY", "ggggg", "gggg", "gg", "GGGGG", "GGGG", "GG", "e", "E", "a", "A", "hh", "h", "HH", "H", "kk", "k",
      "mm", "m", "ss", "s", "SSSSSSSSS", "SSSSSSSS", "SSSSSSS", "SSSSSS", "SSSSS", "SSSS", "SSS", "SS", "S",
      "x", "X", "zz", "z", "ZZ", "Z"};
  // "Mo|MM?M?M?" and "Do|DDDo|DD?D?D?" are alternations tried left to right in moment's regex, so
  // "Mo" wins over "MM" only when the text really is "Mo"; the longest-first list above keeps that.
  for (std::string_view t : k_tokens) {
    if (rest.starts_with(t)) return t;
  }
  return rest.substr(0, 1);
}

// One piece of a format: a moment token, or text printed as it is (brackets, escapes, and
// characters that are no token).
struct FormatPiece {
  std::string text;
  bool literal = false;
};

// `format` (its long-date tokens expanded for the locale) split into pieces. Splitting tries
// every moment token at every position, which cost more than printing the date, so the pieces
// of the last few (format, locale) pairs are kept per thread: a site uses one or two formats.
const std::vector<FormatPiece>& compiled_format(std::string_view format, std::string_view locale_name,
                                               const MomentLocale& loc) {
  struct Compiled {
    std::string format, locale;
    std::vector<FormatPiece> pieces;
  };
  constexpr size_t k_kept = 8;
  thread_local std::vector<Compiled> kept;
  for (const Compiled& c : kept) {
    if (c.format == format && c.locale == locale_name) return c.pieces;
  }
  std::vector<FormatPiece> pieces;
  const std::string expanded = expand_long_formats(format, loc);
  const std::string_view f = expanded;
  size_t i = 0;
  while (i < f.size()) {
    if (f[i] == '[') {
      size_t close = bracket_end(f, i);
      if (close != std::string_view::npos) {
        pieces.push_back({std::string(f.substr(i + 1, close - i - 1)), true});
        i = close + 1;
        continue;
      }
    }
    bool escaped = false;
    if (f[i] == '\\' && i + 1 < f.size()) {
      escaped = true;
      ++i;
    }
    std::string_view tok = next_format_token(f.substr(i));
    i += tok.size();
    pieces.push_back({std::string(tok), escaped});
  }
  if (kept.size() == k_kept) kept.erase(kept.begin());
  kept.push_back({std::string(format), std::string(locale_name), std::move(pieces)});
  return kept.back().pieces;
}

} // namespace

namespace {
std::string format_moment_uncached(double utc_ms, std::string_view format, std::string_view zone, std::string_view locale);
} // namespace

std::string format_moment(double utc_ms, std::string_view format, std::string_view zone, std::string_view locale) {
  // Themes print the same dates on many pages (a post's date on every list it is on), so results
  // are kept per thread, keyed by all four inputs (the zone resolved: TZ may change). The memo is
  // direct-mapped: one slot per hash, a new key replaces the old one. A lookup touches one slot
  // (a node-based map took three cache misses per date at 10,000 posts).
  const std::string_view given_zone = zone;
  std::string local;
  if (zone.empty()) zone = local = local_zone();
  struct Slot {
    uint8_t key_size = 0;  // 0: empty
    char key[95];          // room for a long format and zone name (longer keys are not kept)
    std::string value;
  };
  constexpr size_t k_slots = size_t{1} << 14;  // 2 MB per thread, allocated on first use
  char key[sizeof Slot::key];
  const size_t key_size = sizeof utc_ms + format.size() + zone.size() + locale.size() + 3;
  if (key_size > sizeof key) return format_moment_uncached(utc_ms, format, given_zone, locale);
  char* w = key;
  std::memcpy(w, &utc_ms, sizeof utc_ms);
  w += sizeof utc_ms;
  for (std::string_view part : {format, zone, locale}) {
    std::memcpy(w, part.data(), part.size());
    w += part.size();
    *w++ = '\0';
  }
  thread_local std::unique_ptr<Slot[]> memo;
  if (!memo) memo = std::make_unique<Slot[]>(k_slots);
  const std::string_view k(key, key_size);
  Slot& slot = memo[std::hash<std::string_view>{}(k) & (k_slots - 1)];
  if (slot.key_size == key_size && std::memcmp(slot.key, key, key_size) == 0) return slot.value;
  slot.value = format_moment_uncached(utc_ms, format, given_zone, locale);
  std::memcpy(slot.key, key, key_size);
  slot.key_size = static_cast<uint8_t>(key_size);
  return slot.value;
}

namespace {
std::string format_moment_uncached(double utc_ms, std::string_view format, std::string_view zone, std::string_view locale) {
  if (!std::isfinite(utc_ms)) return "Invalid date";
  const MomentLocale& loc = find_locale(locale);
  const icu::TimeZone* tz = find_zone(zone);
  int64_t offset = offset_of(tz, utc_ms);
  Civil c = civil_from_ms(utc_ms + static_cast<double>(offset));
  std::string out;
  auto offset_text = [&](bool colon) {
    int64_t minutes = offset / 60000;
    char sign = minutes < 0 ? '-' : '+';
    if (minutes < 0) minutes = -minutes;
    std::string text(1, sign);
    text += pad(minutes / 60, 2);
    if (colon) text += ':';
    text += pad(minutes % 60, 2);
    return text;
  };
  for (const FormatPiece& piece : compiled_format(format, locale, loc)) {
    const std::string_view tok = piece.text;
    if (piece.literal) {
      out.append(tok);
      continue;
    }
    int h12 = c.hour % 12 == 0 ? 12 : c.hour % 12;
    if (tok == "YYYYYY") {
      out += c.year < 0 ? '-' : '+';
      out += pad(c.year < 0 ? -c.year : c.year, 6);
    }
    else if (tok == "YYYYY") out += pad(c.year, 5);
    else if (tok == "YYYY") out += pad(c.year, 4);
    else if (tok == "YY") out += pad(((c.year % 100) + 100) % 100, 2);
    else if (tok == "Y") out += c.year <= 9999 ? pad(c.year, 4) : "+" + std::to_string(c.year);
    else if (tok == "M") out += std::to_string(c.month);
    else if (tok == "MM") out += pad(c.month, 2);
    else if (tok == "MMM") out += loc.months_short[static_cast<size_t>(c.month - 1)];
    else if (tok == "MMMM") out += loc.months[static_cast<size_t>(c.month - 1)];
    else if (tok == "Mo") out += loc.ordinal(c.month, 'M');
    else if (tok == "D") out += std::to_string(c.day);
    else if (tok == "DD") out += pad(c.day, 2);
    else if (tok == "Do") out += loc.ordinal(c.day, 'd');
    else if (tok == "DDD") out += std::to_string(c.yday);
    else if (tok == "DDDD") out += pad(c.yday, 3);
    else if (tok == "DDDo") out += loc.ordinal(c.yday, 'd');
    else if (tok == "d") out += std::to_string(c.weekday);
    else if (tok == "do") out += loc.ordinal(c.weekday, 'd');
    else if (tok == "dd") out += loc.weekdays_min[static_cast<size_t>(c.weekday)];
    else if (tok == "ddd") out += loc.weekdays_short[static_cast<size_t>(c.weekday)];
    else if (tok == "dddd") out += loc.weekdays[static_cast<size_t>(c.weekday)];
    else if (tok == "e") out += std::to_string((c.weekday + 7 - loc.dow) % 7);
    else if (tok == "E") out += std::to_string(c.weekday == 0 ? 7 : c.weekday);
    else if (tok == "w" || tok == "ww" || tok == "wo") {
      int w = week_of_year(c, loc.dow, loc.doy).week;
      out += tok == "w" ? std::to_string(w) : tok == "ww" ? pad(w, 2) : loc.ordinal(w, 'w');
    } else if (tok == "W" || tok == "WW" || tok == "Wo") {
      int w = week_of_year(c, 1, 4).week;
      out += tok == "W" ? std::to_string(w) : tok == "WW" ? pad(w, 2) : loc.ordinal(w, 'w');
    } else if (tok == "gg" || tok == "gggg" || tok == "ggggg") {
      int y = week_of_year(c, loc.dow, loc.doy).year;
      out += tok == "gg" ? pad(((y % 100) + 100) % 100, 2) : pad(y, static_cast<int>(tok.size()));
    } else if (tok == "GG" || tok == "GGGG" || tok == "GGGGG") {
      int y = week_of_year(c, 1, 4).year;
      out += tok == "GG" ? pad(((y % 100) + 100) % 100, 2) : pad(y, static_cast<int>(tok.size()));
    } else if (tok == "Q") out += std::to_string((c.month + 2) / 3);
    else if (tok == "Qo") out += loc.ordinal((c.month + 2) / 3, 'Q');
    else if (tok == "H") out += std::to_string(c.hour);
    else if (tok == "HH") out += pad(c.hour, 2);
    else if (tok == "h") out += std::to_string(h12);
    else if (tok == "hh") out += pad(h12, 2);
    else if (tok == "k") out += std::to_string(c.hour == 0 ? 24 : c.hour);
    else if (tok == "kk") out += pad(c.hour == 0 ? 24 : c.hour, 2);
    else if (tok == "Hmm") out += std::to_string(c.hour) + pad(c.minute, 2);
    else if (tok == "Hmmss") out += std::to_string(c.hour) + pad(c.minute, 2) + pad(c.second, 2);
    else if (tok == "hmm") out += std::to_string(h12) + pad(c.minute, 2);
    else if (tok == "hmmss") out += std::to_string(h12) + pad(c.minute, 2) + pad(c.second, 2);
    else if (tok == "m") out += std::to_string(c.minute);
    else if (tok == "mm") out += pad(c.minute, 2);
    else if (tok == "s") out += std::to_string(c.second);
    else if (tok == "ss") out += pad(c.second, 2);
    else if (tok == "S") out += std::to_string(c.ms / 100);
    else if (tok == "SS") out += pad(c.ms / 10, 2);
    else if (tok.size() >= 3 && tok[0] == 'S') {
      std::string digits = pad(c.ms, 3);
      digits.append(tok.size() - 3, '0');
      out += digits;
    } else if (tok == "a") out += loc.meridiem(c.hour, c.minute, true);
    else if (tok == "A") out += loc.meridiem(c.hour, c.minute, false);
    else if (tok == "Z") out += offset_text(true);
    else if (tok == "ZZ") out += offset_text(false);
    else if (tok == "X") out += std::to_string(static_cast<int64_t>(std::floor(utc_ms / 1000)));
    else if (tok == "x") out += std::to_string(static_cast<int64_t>(utc_ms));
    else if (tok == "z" || tok == "zz") {
      // Zone abbreviations come from moment-timezone's data; without a site `timezone` moment prints "".
    } else out.append(tok);
  }
  return out;
}
} // namespace

std::string format_rfc1123(double utc_ms) {
  if (!std::isfinite(utc_ms)) return "Invalid Date";
  Civil c = civil_from_ms(utc_ms);
  static constexpr std::array<const char*, 7> k_days = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> k_months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", k_days[static_cast<size_t>(c.weekday)],
                c.day, k_months[static_cast<size_t>(c.month - 1)], c.year, c.hour, c.minute, c.second);
  return buf;
}

} // namespace haven::text
