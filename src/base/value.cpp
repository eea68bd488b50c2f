#include "base/value.hpp"

#include <cmath>
#include <cstdio>

#include "base/calendar.hpp"

namespace haven::base {

namespace {
const Array k_empty_array;
const Object k_empty_object;
} // namespace

Object& Object::operator=(const Object& other) {
  if (this != &other) {
    m_entries = other.m_entries;
    rebuild_index();
  }
  return *this;
}

void Object::rebuild_index() {
  if (m_entries.size() < k_index_threshold) {
    m_slots.reset();
    m_mask = 0;
    return;
  }
  size_t slots = 32;
  while (slots < m_entries.size() * 2) slots *= 2;
  m_slots = std::make_unique<uint32_t[]>(slots);  // zeroed: all empty
  m_mask = static_cast<uint32_t>(slots - 1);
  for (uint32_t i = 0; i < m_entries.size(); ++i) index_insert(i);
}

void Object::index_insert(uint32_t position) {
  size_t at = std::hash<std::string_view>{}(m_entries[position].first) & m_mask;
  while (m_slots[at] != 0) at = (at + 1) & m_mask;
  m_slots[at] = position + 1;
}

const Value* Object::find(std::string_view key) const {
  if (m_slots) {
    for (size_t at = std::hash<std::string_view>{}(key) & m_mask; m_slots[at] != 0; at = (at + 1) & m_mask) {
      const auto& entry = m_entries[m_slots[at] - 1];
      if (entry.first == key) return &entry.second;
    }
    return nullptr;
  }
  for (const auto& [k, v] : m_entries) {
    if (k == key) return &v;
  }
  return nullptr;
}

Value* Object::find_mut(std::string_view key) { return const_cast<Value*>(find(key)); }

void Object::set(std::string key, Value value) {
  if (Value* existing = find_mut(key)) {
    *existing = std::move(value);
    return;
  }
  m_entries.emplace_back(std::move(key), std::move(value));
  if (m_slots && m_entries.size() * 2 <= size_t(m_mask) + 1) {
    index_insert(static_cast<uint32_t>(m_entries.size() - 1));
  } else if (m_entries.size() >= k_index_threshold) {
    rebuild_index();  // first index, or grown past half full
  }
}

bool Object::erase(std::string_view key) {
  for (auto it = m_entries.begin(); it != m_entries.end(); ++it) {
    if (it->first == key) {
      m_entries.erase(it);
      rebuild_index();
      return true;
    }
  }
  return false;
}

Value Native::get(std::string_view) const { return {}; }
std::vector<std::string> Native::keys() const { return {}; }

Value::Value(std::string s, bool safe) : Value(std::make_shared<const std::string>(std::move(s)), safe) {}
Value::Value(Array a) : m_kind(Kind::Array), m_ptr(std::make_shared<const Array>(std::move(a))) {}
Value::Value(Object o) : m_kind(Kind::Object), m_ptr(std::make_shared<const Object>(std::move(o))) {}
Value::Value(std::shared_ptr<const Array> a) : m_kind(Kind::Array), m_ptr(std::move(a)) {}
Value::Value(std::shared_ptr<const Object> o) : m_kind(Kind::Object), m_ptr(std::move(o)) {}
Value::Value(std::shared_ptr<const Native> n) : m_kind(Kind::Native), m_ptr(std::move(n)) {}
Value::Value(std::shared_ptr<const std::string> s, bool safe) : m_kind(Kind::String), m_safe(safe) {
  m_len = s ? s->size() : 0;
  const char* data = s ? s->data() : nullptr;
  m_ptr = std::shared_ptr<const void>(std::move(s), data);  // ownership moved: no reference counting
}

Value Value::slice(std::shared_ptr<const void> owner, std::string_view text, bool safe) {
  Value v;
  v.m_kind = Kind::String;
  v.m_safe = safe;
  v.m_len = text.size();
  v.m_ptr = std::shared_ptr<const void>(std::move(owner), text.data());
  return v;
}
const Array& Value::as_array() const {
  return m_kind == Kind::Array && m_ptr ? *static_cast<const Array*>(m_ptr.get()) : k_empty_array;
}
const Object& Value::as_object() const {
  return m_kind == Kind::Object && m_ptr ? *static_cast<const Object*>(m_ptr.get()) : k_empty_object;
}

bool Value::truthy() const {
  switch (m_kind) {
  case Kind::Undefined:
  case Kind::Null: return false;
  case Kind::Bool: return m_num != 0;
  case Kind::Number: return m_num != 0 && !std::isnan(m_num);
  case Kind::String: return !as_string().empty();
  case Kind::Date:
  case Kind::Array:
  case Kind::Object:
  case Kind::Native: return true;
  }
  return false;
}

Value Value::get(std::string_view key) const {
  if (m_kind == Kind::Object) {
    const Value* v = as_object().find(key);
    return v ? *v : Value();
  }
  if (m_kind == Kind::Native && m_ptr) return static_cast<const Native*>(m_ptr.get())->get(key);
  return {};
}

Value Value::at(size_t index) const {
  if (m_kind == Kind::Array && index < as_array().size()) return as_array()[index];
  return {};
}

std::string format_number(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return "0";
  // Shortest digits that round-trip, then laid out as ECMAScript Number::toString does:
  // plain notation for 1e-6 <= |d| < 1e21, exponent notation outside.
  char buf[40];
  int precision = 1;
  for (; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*e", precision - 1, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  std::string s = buf;
  bool negative = s[0] == '-';
  if (negative) s.erase(0, 1);
  size_t e = s.find('e');
  int exponent = std::atoi(s.c_str() + e + 1);
  std::string digits;
  for (size_t i = 0; i < e; ++i) {
    if (s[i] != '.') digits += s[i];
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;  // position of the decimal point relative to the digits
  std::string out;
  if (k <= n && n <= 21) {
    out = digits + std::string(static_cast<size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, static_cast<size_t>(n)).append(".").append(digits, static_cast<size_t>(n));
  } else if (-6 < n && n <= 0) {
    out.append("0.").append(static_cast<size_t>(-n), '0').append(digits);
  } else {
    out.append(digits, 0, 1);
    if (k > 1) out.append(".").append(digits, 1);
    out.append(n - 1 >= 0 ? "e+" : "e-").append(std::to_string(std::abs(n - 1)));
  }
  return negative ? out.insert(0, 1, '-') : out;
}

std::string format_iso_utc(double epoch_ms) {
  auto ms_total = static_cast<int64_t>(std::floor(epoch_ms));
  int64_t secs = ms_total >= 0 ? ms_total / 1000 : -((-ms_total + 999) / 1000);
  int ms = static_cast<int>(ms_total - secs * 1000);
  // the UTC date by arithmetic, not gmtime_r, which takes glibc's time-zone lock on every call
  int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  int64_t second_of_day = secs - days * 86400;
  int year = 0, month = 0, day = 0;
  civil_from_days(days, year, month, day);
  int hour = static_cast<int>(second_of_day / 3600), minute = static_cast<int>(second_of_day / 60 % 60),
      second = static_cast<int>(second_of_day % 60);
  if (year < 0 || year > 9999) {  // outside the fixed-width form: printf pads what it can
    char buf[96];  // sized for any int fields, so the compiler can prove no truncation
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", year, month, day, hour, minute, second, ms);
    return buf;
  }
  // "YYYY-MM-DDTHH:mm:ss.sssZ" written digit by digit: called for every date a page shows
  std::string out = "0000-00-00T00:00:00.000Z";
  auto put = [&out](size_t at, int value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10) out[at + static_cast<size_t>(i)] = static_cast<char>('0' + value % 10);
  };
  put(0, year, 4);
  put(5, month, 2);
  put(8, day, 2);
  put(11, hour, 2);
  put(14, minute, 2);
  put(17, second, 2);
  put(20, ms, 3);
  return out;
}

std::string Value::to_string() const {
  switch (m_kind) {
  case Kind::Undefined:
  case Kind::Null: return {};
  case Kind::Bool: return m_num != 0 ? "true" : "false";
  case Kind::Number: return format_number(m_num);
  case Kind::String: return std::string(as_string());
  case Kind::Date: return format_iso_utc(m_num);
  case Kind::Array: {
    std::string out;
    bool first = true;
    for (const auto& v : as_array()) {
      if (!first) out += ',';
      first = false;
      out += v.to_string();
    }
    return out;
  }
  case Kind::Object: return "[object Object]";
  case Kind::Native: return "[object Object]";
  }
  return {};
}

bool operator==(const Value& a, const Value& b) {
  if (a.m_kind != b.m_kind) return false;
  switch (a.m_kind) {
  case Value::Kind::Undefined:
  case Value::Kind::Null: return true;
  case Value::Kind::Bool:
  case Value::Kind::Number:
  case Value::Kind::Date: return a.m_num == b.m_num;
  case Value::Kind::String: return a.as_string() == b.as_string();
  case Value::Kind::Array:
  case Value::Kind::Object:
  case Value::Kind::Native: return a.m_ptr == b.m_ptr;
  }
  return false;
}

} // namespace haven::base
