// The one dynamic value type of Haven: YAML/JSON front matter and config parse into it, the
// template engine renders from it. Copies are cheap (strings, arrays and objects are shared,
// immutable once built), so site-wide data is shared between pages, never copied per page.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace haven::base {

class Value;
using Array = std::vector<Value>;

// An ordered string → Value map (insertion order, like a JavaScript object). Lookups are linear
// for small maps and hashed once a map grows past k_index_threshold entries.
class Object {
public:
  Object() = default;
  Object(const Object& other) : m_entries(other.m_entries) { rebuild_index(); }
  Object(Object&&) noexcept = default;
  Object& operator=(const Object& other);
  Object& operator=(Object&&) noexcept = default;
  // Sets `key` to `value`, keeping the key's original position if it already exists.
  void set(std::string key, Value value);
  // Makes room for `n` entries (a map about to get many keys grows once, without slack).
  void reserve(size_t n) { m_entries.reserve(n); }
  // The value at `key`, or nullptr.
  const Value* find(std::string_view key) const;
  Value* find_mut(std::string_view key);
  bool contains(std::string_view key) const { return find(key) != nullptr; }
  // Removes `key` if present; returns whether it was.
  bool erase(std::string_view key);
  size_t size() const { return m_entries.size(); }
  bool empty() const { return m_entries.empty(); }
  const std::vector<std::pair<std::string, Value>>& entries() const { return m_entries; }
  auto begin() const { return m_entries.begin(); }
  auto end() const { return m_entries.end(); }

private:
  static constexpr size_t k_index_threshold = 12; // below this a scan beats hashing
  void rebuild_index();
  void index_insert(uint32_t position);
  std::vector<std::pair<std::string, Value>> m_entries;
  // Open-addressing hash index over m_entries (linear probing): slot = position + 1, 0 = empty;
  // at most half full. 4 bytes a slot instead of a node per key: every post's value is an Object
  // of ~30 keys, and a 100,000-post site has hundreds of thousands of them.
  std::unique_ptr<uint32_t[]> m_slots;
  uint32_t m_mask = 0;  // slot count - 1 (a power of two minus one); 0 without an index
};

// A host object the template engine can look into without the data being materialised as an
// Object (lazy fields like `page.prev`, or callables). Subclasses live in higher modules.
class Native {
public:
  virtual ~Native() = default;
  // Attribute lookup; an Undefined value when there is no such attribute.
  virtual Value get(std::string_view key) const;
  // Names for iteration (`for k, v in obj`) and `dump`; empty by default.
  virtual std::vector<std::string> keys() const;
  // Shown in error messages and by `typeof`-like checks.
  virtual std::string_view type_name() const { return "object"; }
};

class Value {
public:
  enum class Kind : uint8_t { Undefined, Null, Bool, Number, String, Date, Array, Object, Native };

  Value() = default; // Undefined
  static Value null() { Value v; v.m_kind = Kind::Null; return v; }
  Value(bool b) : m_kind(Kind::Bool) { m_num = b ? 1 : 0; }
  Value(double d) : m_kind(Kind::Number) { m_num = d; }
  Value(int i) : Value(static_cast<double>(i)) {}
  Value(int64_t i) : Value(static_cast<double>(i)) {}
  Value(uint64_t i) : Value(static_cast<double>(i)) {}
  Value(std::string s, bool safe = false);
  Value(std::string_view s) : Value(std::string(s)) {}
  Value(const char* s) : Value(std::string(s)) {}
  Value(Array a);
  Value(Object o);
  Value(std::shared_ptr<const Array> a);
  Value(std::shared_ptr<const Object> o);
  Value(std::shared_ptr<const Native> n);
  // A string shared with its owner, not copied (an aliasing shared_ptr into a larger object
  // keeps that object alive); `safe` as for Value::safe.
  Value(std::shared_ptr<const std::string> s, bool safe);
  // A string that is part of a text `owner` keeps alive (`text` must point into it, and stay
  // unchanged while any Value refers to it): a view, not a copy, e.g. a post's excerpt inside
  // its content. A null owner is for texts that outlive every Value (the site model's).
  static Value slice(std::shared_ptr<const void> owner, std::string_view text, bool safe);
  // A point in time as milliseconds since the Unix epoch (UTC), like a JavaScript Date.
  static Value date(double epoch_ms) { Value v; v.m_kind = Kind::Date; v.m_num = epoch_ms; return v; }
  // A string already escaped for HTML (`safe` filter); the mark travels with the value.
  static Value safe(std::string s) { return Value(std::move(s), true); }

  Kind kind() const { return m_kind; }
  bool is_undefined() const { return m_kind == Kind::Undefined; }
  bool is_null() const { return m_kind == Kind::Null; }
  bool is_nullish() const { return m_kind == Kind::Undefined || m_kind == Kind::Null; }
  bool is_bool() const { return m_kind == Kind::Bool; }
  bool is_number() const { return m_kind == Kind::Number; }
  bool is_string() const { return m_kind == Kind::String; }
  bool is_date() const { return m_kind == Kind::Date; }
  bool is_array() const { return m_kind == Kind::Array; }
  bool is_object() const { return m_kind == Kind::Object; }
  bool is_native() const { return m_kind == Kind::Native; }
  bool is_safe() const { return m_safe; }

  // Accessors assume the kind was checked; on a mismatch they return an empty/zero value.
  bool as_bool() const { return scalar() != 0; }
  double as_number() const { return scalar(); }
  double as_date_ms() const { return scalar(); }
  // A view of the string (valid while this Value or another one sharing the text lives).
  std::string_view as_string() const {
    return m_kind == Kind::String ? std::string_view(static_cast<const char*>(m_ptr.get()), m_len) : std::string_view();
  }
  const Array& as_array() const;
  const Object& as_object() const;
  // The shared container (null for other kinds).
  std::shared_ptr<const Array> array_ptr() const {
    return m_kind == Kind::Array ? std::static_pointer_cast<const Array>(m_ptr) : nullptr;
  }
  std::shared_ptr<const Object> object_ptr() const {
    return m_kind == Kind::Object ? std::static_pointer_cast<const Object>(m_ptr) : nullptr;
  }
  std::shared_ptr<const Native> native_ptr() const {
    return m_kind == Kind::Native ? std::static_pointer_cast<const Native>(m_ptr) : nullptr;
  }
  // The native object without touching the reference count (null for other kinds).
  const Native* as_native() const {
    return m_kind == Kind::Native ? static_cast<const Native*>(m_ptr.get()) : nullptr;
  }
  // The address of the shared array, object or native, or of a string's first byte (null for
  // scalars): an identity for lookups, without touching the reference count.
  const void* identity() const { return m_ptr.get(); }

  // JavaScript truthiness: undefined, null, false, 0, NaN and "" are false; arrays and objects
  // (even empty) are true, as in Nunjucks.
  bool truthy() const;

  // Object field or Native attribute; Undefined when absent or not an object.
  Value get(std::string_view key) const;
  // Array element; Undefined when out of range or not an array.
  Value at(size_t index) const;

  // The string JavaScript's String(v) would give (numbers without a trailing ".0", arrays joined
  // with ",", objects as "[object Object]", undefined/null as ""). Dates print as ISO 8601 UTC.
  std::string to_string() const;

  // Structural equality with JavaScript `===` semantics for scalars and identity for containers.
  friend bool operator==(const Value& a, const Value& b);

private:
  double scalar() const { return m_kind == Kind::String ? 0 : m_num; }
  // 32 bytes: every front-matter field, template variable and list entry is a Value, so its size
  // is a good part of a big site's memory. m_ptr points to the Array, Object or Native that
  // m_kind names (as the matching const pointer type converted to const void*), or for a string
  // to its first byte, with m_len bytes (the pointer aliases whatever owns the text).
  Kind m_kind = Kind::Undefined;
  bool m_safe = false;
  union {
    double m_num = 0;  // Bool, Number, Date
    size_t m_len;      // String
  };
  std::shared_ptr<const void> m_ptr;
};

// Formats a number as JavaScript's Number.prototype.toString() does for the common cases:
// integers without a decimal point, up to 17 significant digits otherwise, NaN, Infinity.
std::string format_number(double d);

// Formats epoch milliseconds as ISO 8601 UTC with milliseconds ("2025-11-07T12:22:09.000Z").
std::string format_iso_utc(double epoch_ms);

} // namespace haven::base
