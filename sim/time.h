// Simulated time: one clock for the whole world, integer nanoseconds since
// the start of the run. Nothing in the simulated world reads a wall clock.
#pragma once

#include <cstdint>

namespace kafkasim::sim {

using SimTime = int64_t;      // an instant, ns since the run began
using Duration = int64_t;     // a span, ns

constexpr SimTime kNever = INT64_MAX;

constexpr Duration nanoseconds(int64_t n) { return n; }
constexpr Duration microseconds(int64_t n) { return n * 1000; }
constexpr Duration milliseconds(int64_t n) { return n * 1000 * 1000; }
constexpr Duration seconds(int64_t n) { return n * 1000 * 1000 * 1000; }

constexpr int64_t to_ms(Duration d) { return d / (1000 * 1000); }

}  // namespace kafkasim::sim
