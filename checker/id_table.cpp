#include "checker/id_table.h"

namespace kafkasim::checker {

void IdTable::insert(std::uint64_t hash, std::uint32_t id) {
  if ((size_ + 1) * 2 > slots_.size()) grow();
  std::uint32_t h = fold(hash);
  std::size_t i = h & mask_;
  while (slots_[i].id != kNone) i = (i + 1) & mask_;
  slots_[i] = Slot{h, id};
  ++size_;
}

void IdTable::grow() {
  std::vector<Slot> old;
  old.swap(slots_);
  std::size_t cap = old.empty() ? 64 : old.size() * 2;
  slots_.assign(cap, Slot{0, kNone});
  mask_ = cap - 1;
  for (const Slot& s : old) {
    if (s.id == kNone) continue;
    std::size_t i = s.hash & mask_;
    while (slots_[i].id != kNone) i = (i + 1) & mask_;
    slots_[i] = s;
  }
}

std::uint32_t StringPool::intern(std::string_view s) {
  std::uint64_t h = hash_bytes(s);
  std::uint32_t id = index_.find(h, [&](std::uint32_t i) { return strings_[i] == s; });
  if (id != kNone) return id;
  id = static_cast<std::uint32_t>(strings_.size());
  strings_.emplace_back(s);
  index_.insert(h, id);
  return id;
}

}  // namespace kafkasim::checker
