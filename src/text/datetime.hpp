// Dates and time zones as Hexo sees them: JavaScript Date parsing (V8), IANA zone offsets (ICU) and
// moment.js formatting for the locales Haven ships. Instants are epoch milliseconds (doubles, like a
// JavaScript Date); wall clocks are `Civil` values. No ICU types appear here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace haven::text {

// A wall-clock reading. `month` is 1-12, `weekday` 0 = Sunday, `yday` 1-366.
struct Civil {
  int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, ms = 0;
  int weekday = 4; // 0=Sun
  int yday = 1;
};

// The process-local zone name Hexo would use (TZ env, else /etc/timezone or /etc/localtime; "UTC" when none).
std::string local_zone();

// Offset of `zone` (IANA name, "" = local_zone()) from UTC at instant utc_ms, in ms; unknown zone → nullopt.
std::optional<int64_t> zone_offset_ms(std::string_view zone, double utc_ms);

// Whether ICU knows `zone` as an IANA (or "UTC"/"GMT"-style) zone id.
bool is_valid_zone(std::string_view zone);

// The wall clock of instant `utc_ms` in `zone` ("" = local_zone(); unknown zones read as UTC).
Civil civil_in_zone(double utc_ms, std::string_view zone);

// Wall clock in `zone` → instant (for ambiguous/skipped DST times choose like JavaScript/moment: the earlier offset).
// Out-of-range fields roll over like JavaScript's Date.UTC (month 13 = January of the next year).
double instant_from_civil(const Civil& c, std::string_view zone);

// JavaScript's Date.UTC(year, month - 1, day, hour, minute, second, ms) with `month` 1-based:
// fields overflow into the next unit, and years 0-99 mean 1900-1999 as in JavaScript.
double utc_ms_from_fields(double year, double month, double day, double hour = 0, double minute = 0,
                          double second = 0, double ms = 0);

// V8's `new Date(str)` for the forms bloggers write, interpreted with local zone `zone`: ISO date-only
// ("2023-12-31") → UTC midnight; ISO date-time without offset ("2024-01-15T10:00:00", "2024-01-15 10:00:00") → local;
// with Z/±hh:mm → that instant; "YYYY/MM/DD[ HH:mm[:ss]]" → local; RFC 2822 ("Mon, 15 Jan 2024 10:00:00 GMT").
// Unparseable → nullopt.
std::optional<double> parse_js_date(std::string_view s, std::string_view zone);

// moment.js format tokens (YYYY YY Y M MM MMM MMMM Mo D DD Do d dd ddd dddd DDD DDDD H HH h hh k kk m mm s ss
// S SS SSS A a Z ZZ X x Q w ww W WW E e, [escaped text], and localized L LL LLL LLLL l ll lll llll LT LTS) in
// `zone`, with month/weekday names and localized formats for locales en, zh-cn, zh-tw, ja (moment's own
// tables; locale names are case-insensitive and "zh-CN" = "zh-cn"; unknown → en).
std::string format_moment(double utc_ms, std::string_view format, std::string_view zone,
                          std::string_view locale = "en");

// "Fri, 07 Nov 2025 12:22:09 GMT" (RSS pubDate, JS toUTCString).
std::string format_rfc1123(double utc_ms);

} // namespace haven::text
