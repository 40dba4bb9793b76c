// How far an assign-mode consumer has read, for the workloads' readers.
#pragma once

#include <vector>

#include "broker-model/consumer.h"

namespace kafkasim::harness {

// True when `c` has read every partition of `tps` up to the high
// watermark its last fetch of it saw (false before any fetch). Under
// read_committed a pending transaction keeps the position below it.
inline bool caught_up(const kafka::Consumer& c, const std::vector<kafka::TopicPartition>& tps) {
  for (const auto& tp : tps) {
    const int64_t hw = c.high_watermark(tp);
    if (hw < 0 || c.position(tp) < hw) return false;
  }
  return true;
}

}  // namespace kafkasim::harness
