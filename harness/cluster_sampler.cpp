#include "harness/cluster_sampler.h"

#include <algorithm>

#include "broker-model/metadata.h"

namespace kafkasim::harness {

void ClusterSampler::sample(std::int64_t time_ms) {
  const auto& partitions = cluster_.committed_metadata().partitions();
  if (partitions.empty()) return;
  int under = 0;
  double min_isr = 1e9;
  for (const auto& [tp, state] : partitions) {
    const double isr = static_cast<double>(state.isr.size());
    if (state.isr.size() < state.replicas.size()) ++under;
    min_isr = std::min(min_isr, isr);
    if (partitions.size() <= kMaxIsrSeries) {
      reports::TimeSeries& s = isr_[tp.str()];
      if (s.name.empty()) s = reports::TimeSeries{"isr-size " + tp.str(), "replicas", {}};
      s.points.emplace_back(time_ms, isr);
    }
  }
  if (partitions.size() > kMaxIsrSeries) isr_min_.points.emplace_back(time_ms, min_isr);
  under_replicated_.points.emplace_back(time_ms, under);
}

std::vector<reports::TimeSeries> ClusterSampler::series() const {
  std::vector<reports::TimeSeries> out;
  for (const auto& [tp, s] : isr_) out.push_back(s);
  if (!isr_min_.points.empty()) out.push_back(isr_min_);
  if (!under_replicated_.points.empty()) out.push_back(under_replicated_);
  return out;
}

}  // namespace kafkasim::harness
