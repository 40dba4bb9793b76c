#include "checker/version_order.h"

#include <algorithm>
#include <stdexcept>

namespace kafkasim::checker {

namespace {
constexpr std::int64_t kUnseen = -2;
}

VersionOrders::VersionOrders(const History& h, const std::vector<std::uint8_t>& committed) {
  const std::size_t E = h.elem_count(), K = h.key_count();
  // One offset per value in the common case; further distinct offsets of a
  // value (duplicates) go to `extra`.
  std::vector<std::int64_t> seen(E, kUnseen);
  std::vector<std::pair<ElemId, std::int64_t>> extra;
  for (std::size_t pos = 0; pos < h.size(); ++pos) {
    const Op& op = h.op(pos);
    if (op.type == OpType::invoke) continue;
    if (op.f != OpFn::send && op.f != OpFn::poll && op.f != OpFn::txn) continue;
    bool took_effect = committed[pos];
    for (const Event& ev : h.events(op)) {
      if (ev.kind != EventKind::read && !(ev.kind == EventKind::send && took_effect)) continue;
      std::int64_t o = ev.offset();
      if (o < 0) continue;
      std::int64_t& s = seen[ev.id];
      if (s == kUnseen) {
        s = o;
      } else if (s != o) {
        extra.emplace_back(ev.id, o);
      }
    }
  }
  std::sort(extra.begin(), extra.end());
  extra.erase(std::unique(extra.begin(), extra.end()), extra.end());

  // Bucket (offset, value) entries by key (counting sort), then order each
  // key's log.
  struct Entry {
    std::int64_t offset;
    ElemId elem;
  };
  std::vector<std::uint64_t> entry_begin(K + 1, 0);
  for (ElemId e = 0; e < E; ++e)
    if (seen[e] != kUnseen) ++entry_begin[h.elem_key(e) + 1];
  for (const auto& [e, o] : extra) ++entry_begin[h.elem_key(e) + 1];
  for (std::size_t k = 0; k < K; ++k) entry_begin[k + 1] += entry_begin[k];
  if (entry_begin[K] >= kNone) throw std::length_error("history has too many values");
  std::vector<Entry> entries(entry_begin[K]);
  {
    std::vector<std::uint64_t> fill(entry_begin.begin(), entry_begin.end() - 1);
    for (ElemId e = 0; e < E; ++e)
      if (seen[e] != kUnseen) entries[fill[h.elem_key(e)]++] = Entry{seen[e], e};
    for (const auto& [e, o] : extra) entries[fill[h.elem_key(e)]++] = Entry{o, e};
  }
  seen = {};

  // Values at several offsets are exactly those in `extra`.
  auto seen_twice = [&](ElemId e) {
    if (extra.empty()) return false;
    auto it = std::lower_bound(extra.begin(), extra.end(), e, [](const auto& x, ElemId y) { return x.first < y; });
    return it != extra.end() && it->first == e;
  };
  first_pos_.assign(E, -1);
  last_pos_.assign(E, -1);
  pos_begin_.assign(K + 1, 0);
  pos_values_.reserve(entries.size());
  for (KeyId k = 0; k < K; ++k) {
    auto b = entries.begin() + static_cast<std::ptrdiff_t>(entry_begin[k]);
    auto en = entries.begin() + static_cast<std::ptrdiff_t>(entry_begin[k + 1]);
    std::sort(b, en, [](const Entry& x, const Entry& y) {
      return x.offset != y.offset ? x.offset < y.offset : x.elem < y.elem;
    });
    pos_begin_[k] = pos_offset_.size();
    std::int32_t p = 0;
    for (auto it = b; it != en; ++p) {
      auto group_end = it;
      ElemId rep = it->elem;
      while (group_end != en && group_end->offset == it->offset) {
        if (compare_values(h.elem_value(group_end->elem), h.elem_value(rep)) < 0) rep = group_end->elem;
        ++group_end;
      }
      pos_offset_.push_back(it->offset);
      by_index_.push_back(rep);
      pos_value_begin_.push_back(static_cast<std::uint32_t>(pos_values_.size()));
      if (group_end - it > 1) conflicts_.emplace_back(k, p);
      for (; it != group_end; ++it) {
        ElemId e = it->elem;
        pos_values_.push_back(e);
        if (first_pos_[e] < 0) first_pos_[e] = p;
        last_pos_[e] = p;
        if (seen_twice(e)) multi_pos_[{e, it->offset}] = p;
      }
    }
  }
  pos_begin_[K] = pos_offset_.size();
  pos_value_begin_.push_back(static_cast<std::uint32_t>(pos_values_.size()));
}

std::int32_t VersionOrders::position(ElemId e, std::int64_t offset) const {
  if (first_pos_[e] == last_pos_[e]) return first_pos_[e];
  if (offset < 0) return -1;
  auto it = multi_pos_.find({e, offset});
  return it == multi_pos_.end() ? -1 : it->second;
}

std::vector<std::int32_t> VersionOrders::positions_of(ElemId e) const {
  if (first_pos_[e] < 0) return {};
  if (!multi(e)) return {first_pos_[e]};
  std::vector<std::int32_t> out;
  for (auto it = multi_pos_.lower_bound({e, INT64_MIN}); it != multi_pos_.end() && it->first.first == e; ++it)
    out.push_back(it->second);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace kafkasim::checker
