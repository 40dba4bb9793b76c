// Version orders (jepsen.tests.kafka/version-orders): for each key, the
// offsets observed and the values seen at each, from every poll (of any
// completed op, as in Jepsen: pollers are meant to emit safe data even in
// transactions that abort) and from the sends of ops that must have taken
// effect (ok, or info with one of its values read by an ok op).
//
// Offsets are Kafka's and may have gaps (transaction markers, aborted
// records). A *position* is a dense index: the rank of an offset among the
// distinct offsets observed for its key. Skips and inversions are judged on
// positions, never on raw offsets, so gaps are not skips.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <utility>
#include <vector>

#include "checker/history.h"

namespace kafkasim::checker {

class VersionOrders {
 public:
  // `committed[pos]` says whether op `pos` must have taken effect.
  VersionOrders(const History& h, const std::vector<std::uint8_t>& committed);

  std::int32_t positions(KeyId k) const {
    return static_cast<std::int32_t>(pos_begin_[k + 1] - pos_begin_[k]);
  }
  std::int64_t offset_at(KeyId k, std::int32_t p) const { return pos_offset_[pos_begin_[k] + p]; }
  // The value at position `p`: Jepsen's :by-index. Where an offset holds
  // several values, the least by compare_values.
  ElemId at(KeyId k, std::int32_t p) const { return by_index_[pos_begin_[k] + p]; }
  // Every value observed at position `p`, by ElemId.
  std::span<const ElemId> values_at(KeyId k, std::int32_t p) const {
    std::uint64_t i = pos_begin_[k] + static_cast<std::uint64_t>(p);
    return {pos_values_.data() + pos_value_begin_[i], pos_value_begin_[i + 1] - pos_value_begin_[i]};
  }

  // First and last position of a value, or -1 if never observed at an offset.
  std::int32_t first_pos(ElemId e) const { return first_pos_[e]; }
  std::int32_t last_pos(ElemId e) const { return last_pos_[e]; }
  // True if the value was observed at more than one offset.
  bool multi(ElemId e) const { return first_pos_[e] != last_pos_[e]; }

  // The position of value `e` as observed at `offset` (kUnknownOffset if
  // not known): its only position, or for a value at several positions the
  // one of that offset; -1 if unknown.
  std::int32_t position(ElemId e, std::int64_t offset) const;
  // Every position of `e`, ascending.
  std::vector<std::int32_t> positions_of(ElemId e) const;

  // Offsets holding two or more values: (key, position).
  const std::vector<std::pair<KeyId, std::int32_t>>& conflicts() const { return conflicts_; }

 private:
  std::vector<std::uint64_t> pos_begin_;  // per key, into the per-position arrays
  std::vector<std::int64_t> pos_offset_;
  std::vector<ElemId> by_index_;
  std::vector<std::uint32_t> pos_value_begin_;  // per position, into pos_values_; + sentinel
  std::vector<ElemId> pos_values_;
  std::vector<std::int32_t> first_pos_, last_pos_;
  std::map<std::pair<ElemId, std::int64_t>, std::int32_t> multi_pos_;
  std::vector<std::pair<KeyId, std::int32_t>> conflicts_;
};

}  // namespace kafkasim::checker
