// The proleptic Gregorian calendar by arithmetic (Howard Hinnant's days_from_civil and
// civil_from_days): day numbers count from 1970-01-01, months are 1-12. No time zones, no locks.
#pragma once

#include <cstdint>

namespace haven::base {

// Days since 1970-01-01 of year `y`, month `m` (1-12), day `d`.
int64_t days_from_civil(int64_t y, int64_t m, int64_t d);

// The date of day number `days` (days since 1970-01-01).
void civil_from_days(int64_t days, int& y, int& m, int& d);

} // namespace haven::base
