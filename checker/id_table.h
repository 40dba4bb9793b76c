// IdTable: an open-addressing hash index from caller-defined items to dense
// ids. The caller owns the items and supplies hash and equality, so the same
// table interns keys, strings and (key, value) pairs without copying them.
// Lookups only: the table is never iterated, so its layout never decides
// output order (DESIGN.md, determinism rules).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kafkasim::checker {

inline constexpr std::uint32_t kNone = 0xffffffffu;

// splitmix64's finalizer: a cheap, well-mixed 64-bit hash of an integer.
inline std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// FNV-1a over the bytes, then mixed.
inline std::uint64_t hash_bytes(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return mix64(h);
}

class IdTable {
 public:
  // The id whose item has this hash and satisfies eq(id), or kNone.
  template <class Eq>
  std::uint32_t find(std::uint64_t hash, Eq&& eq) const {
    if (slots_.empty()) return kNone;
    std::uint32_t h = fold(hash);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.id == kNone) return kNone;
      if (s.hash == h && eq(s.id)) return s.id;
    }
  }

  // REQUIRES: no id with an equal item is present.
  void insert(std::uint64_t hash, std::uint32_t id);

  std::size_t size() const { return size_; }

 private:
  struct Slot {
    std::uint32_t hash;
    std::uint32_t id;
  };
  static std::uint32_t fold(std::uint64_t h) { return static_cast<std::uint32_t>(h ^ (h >> 32)); }
  void grow();

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

// StringPool: distinct strings, each with a dense id in order of arrival.
class StringPool {
 public:
  std::uint32_t intern(std::string_view s);
  const std::string& operator[](std::uint32_t id) const { return strings_[id]; }
  std::size_t size() const { return strings_.size(); }

 private:
  std::vector<std::string> strings_;
  IdTable index_;
};

}  // namespace kafkasim::checker
