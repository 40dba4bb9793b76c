// Internal to checker/: helpers shared by the analyses of poll and send
// order (internal_anomalies.cpp, process_anomalies.cpp).
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "checker/analysis.h"

namespace kafkasim::checker {

// One observation of a value: the value, the offset it was seen at and its
// position in the key's version order (-1 if unknown).
struct Seen {
  ElemId elem;
  std::int64_t offset;
  std::int32_t pos;
};

inline Seen seen(const Facts& f, const Event& ev) {
  return Seen{ev.id, ev.offset, f.vo.position(ev.id, ev.offset)};
}

// Jepsen's delta between consecutive observations a then b of one key:
// the difference of their positions, or 1 (in order) if either is unknown.
inline std::int64_t delta(const Seen& a, const Seen& b) {
  if (a.pos < 0 || b.pos < 0) return 1;
  return static_cast<std::int64_t>(b.pos) - a.pos;
}

// The events of `kind` in `events`, as (key, index into events), grouped by
// key and in op order within a key (Jepsen's op-reads / op-writes).
inline void group_by_key(const Facts& f, std::span<const Event> events, EventKind kind,
                         std::vector<std::pair<KeyId, std::uint32_t>>& out) {
  out.clear();
  for (std::uint32_t i = 0; i < events.size(); ++i)
    if (events[i].kind == kind) out.emplace_back(f.h.elem_key(events[i].id), i);
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
}

// The JSON fields common to skip and nonmonotonic witnesses.
inline nlohmann::json order_witness(const Facts& f, KeyId k, const Seen& a, const Seen& b) {
  nlohmann::json w = {{"key", f.key_json(k)},
                      {"values", {f.value_json(a.elem), f.value_json(b.elem)}},
                      {"offsets", {Facts::offset_json(a.offset), Facts::offset_json(b.offset)}},
                      {"delta", delta(a, b)}};
  if (delta(a, b) > 1) w["skipped"] = f.values_between(k, a.pos, b.pos);
  return w;
}

}  // namespace kafkasim::checker
