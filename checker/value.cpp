#include "checker/value.h"

#include <algorithm>

namespace kafkasim::checker {

ValueRef ValueRef::of(const Value& v) {
  if (const auto* n = std::get_if<std::int64_t>(&v)) return integer(*n);
  return string(std::get<std::string>(v));
}

Value ValueRef::to_value() const {
  if (is_string) return Value(std::string(str));
  return Value(num);
}

std::strong_ordering compare_values(ValueRef a, ValueRef b) {
  if (a.is_string != b.is_string) return a.is_string ? std::strong_ordering::greater
                                                     : std::strong_ordering::less;
  if (!a.is_string) return a.num <=> b.num;
  return a.str.compare(b.str) <=> 0;
}

namespace {

bool canonical_integer(std::string_view s) {
  if (!s.empty() && s.front() == '-') s.remove_prefix(1);
  if (s.empty() || s.size() > 18) return false;
  if (s.size() > 1 && s.front() == '0') return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::int64_t parse_canonical(std::string_view s) {
  bool neg = !s.empty() && s.front() == '-';
  if (neg) s.remove_prefix(1);
  std::int64_t n = 0;
  for (char c : s) n = n * 10 + (c - '0');
  return neg ? -n : n;
}

}  // namespace

std::strong_ordering compare_keys(std::string_view a, std::string_view b) {
  bool ia = canonical_integer(a), ib = canonical_integer(b);
  if (ia != ib) return ia ? std::strong_ordering::less : std::strong_ordering::greater;
  if (ia) {
    auto c = parse_canonical(a) <=> parse_canonical(b);
    if (c != 0) return c;
  }
  return a.compare(b) <=> 0;
}

std::string integer_key(std::int64_t k) { return std::to_string(k); }

}  // namespace kafkasim::checker
