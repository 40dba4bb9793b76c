// VALUEs and KEYs of SPEC.md §4.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace kafkasim::checker {

// A VALUE: an integer or a string, unique per key within a history.
using Value = std::variant<std::int64_t, std::string>;

// A non-owning VALUE. `str` is meaningful only when `is_string`.
struct ValueRef {
  bool is_string = false;
  std::int64_t num = 0;
  std::string_view str;

  static ValueRef integer(std::int64_t n) { return ValueRef{false, n, {}}; }
  static ValueRef string(std::string_view s) { return ValueRef{true, 0, s}; }
  static ValueRef of(const Value& v);
  Value to_value() const;
};

// The order used to sort witnesses: integers numerically, then strings
// bytewise.
std::strong_ordering compare_values(ValueRef a, ValueRef b);

// The order used to sort keys in output: keys spelled as canonical decimal
// integers numerically, then all others bytewise.
std::strong_ordering compare_keys(std::string_view a, std::string_view b);

// The KEY spelling of an integer key (SPEC §4: an integer key equals its
// decimal string).
std::string integer_key(std::int64_t k);

}  // namespace kafkasim::checker
