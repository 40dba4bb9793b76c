// Charts over simulated time, drawn as inline SVG (no script, no library):
// the sampled cluster state from the harness and the series derived here
// from the history.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checker/history.h"
#include "reports/report_input.h"

namespace kafkasim::reports {

// A span of simulated time a fault was active, shaded on every chart.
struct FaultSpan {
  std::int64_t begin_ms = 0;
  std::int64_t end_ms = 0;
  std::string label;
};

// Series derived from the history, in `bucket_ms` buckets of simulated time:
//   "throughput"       sends acknowledged per second
//   "ack-latency-p50"  median time from a send's invoke to its ok, ms
//   "ack-latency-max"  the slowest, ms
//   "consumer-lag"     records acknowledged to producers and not yet
//                      returned by any poll, summed over keys (by offset:
//                      the highest acknowledged offset + 1 minus the
//                      highest polled offset + 1, never below 0)
std::vector<TimeSeries> history_series(const checker::History& h, std::int64_t bucket_ms = 1000);

// One chart of `series` (sharing a unit) over [0, end_ms], faults shaded.
// Every text is escaped. `id` names the <svg> element.
std::string line_chart_svg(const std::string& id, const std::string& title, const std::string& unit,
                           const std::vector<TimeSeries>& series, const std::vector<FaultSpan>& faults,
                           std::int64_t end_ms);

}  // namespace kafkasim::reports
