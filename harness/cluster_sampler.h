// Samples the cluster's committed state as the run goes, for the report's
// charts: the ISR size of each partition and the number of under-replicated
// partitions (ISR smaller than the replica set), read from the metadata the
// active controller committed (the ground truth, not a broker's view).
//
// Sampling only reads: it draws no random number, records no trace event
// and wakes no fiber, so it never changes a run or its trace hash.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "broker-model/cluster.h"
#include "reports/report_input.h"

namespace kafkasim::harness {

class ClusterSampler {
 public:
  // With more partitions than this, one "isr-size min" series stands for
  // them all.
  static constexpr std::size_t kMaxIsrSeries = 8;

  explicit ClusterSampler(const kafka::Cluster& cluster) : cluster_(cluster) {}

  // Takes one sample at simulated time `time_ms` (called between slices).
  void sample(std::int64_t time_ms);

  std::vector<reports::TimeSeries> series() const;

 private:
  const kafka::Cluster& cluster_;
  std::map<std::string, reports::TimeSeries> isr_;
  reports::TimeSeries isr_min_{"isr-size min", "replicas", {}};
  reports::TimeSeries under_replicated_{"under-replicated-partitions", "partitions", {}};
};

}  // namespace kafkasim::harness
