// A node's view of time. Real machines disagree about the time: a node's
// local clock is the simulated clock plus an offset, running fast or slow by
// `drift_ppm` parts per million since the skew was applied. Clock-skew
// faults change these; the simulated clock itself never changes.
//
// INVARIANT: local time is monotonic as long as drift_ppm > -1e6 and offsets
// only move forward; a backward offset step models an NTP step and is allowed.
#pragma once

#include "sim/time.h"

namespace kafkasim::sim {

class LocalClock {
 public:
  // Local time at simulated instant `t`.
  SimTime at(SimTime t) const {
    return t + offset_ + static_cast<int64_t>(static_cast<__int128>(t - anchor_) * drift_ppm_ / 1000000);
  }

  // How much simulated time passes while `local` elapses on this clock.
  Duration to_sim(Duration local) const {
    if (drift_ppm_ == 0) return local;
    return static_cast<Duration>(static_cast<__int128>(local) * 1000000 / (1000000 + drift_ppm_));
  }

  // From simulated instant `now` on, local time is now + offset and runs
  // drift_ppm parts per million fast (negative: slow).
  void skew(SimTime now, Duration offset, int64_t drift_ppm) {
    offset_ = offset;
    anchor_ = now;
    drift_ppm_ = drift_ppm;
  }

  void reset(SimTime now) { skew(now, 0, 0); }

  Duration offset() const { return offset_; }
  int64_t drift_ppm() const { return drift_ppm_; }

 private:
  Duration offset_ = 0;
  SimTime anchor_ = 0;
  int64_t drift_ppm_ = 0;  // > -1000000
};

}  // namespace kafkasim::sim
