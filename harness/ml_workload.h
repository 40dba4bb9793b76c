// The ml-pipeline workload (docs/ml-pipeline.md): sensors, a feature
// service and an inference service (consumer groups of client nodes the
// nemesis can crash), a monitor and a trainer, over the topics of
// harness/ml_pipeline.h. The run is judged by checker/ml_check.h, not by
// the queue checks: history() is empty.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "broker-model/cluster.h"
#include "harness/scenario.h"
#include "harness/workload.h"

namespace kafkasim::harness {

// Why a scenario cannot run the pipeline, as (JSON path, message): a topic
// of the pipeline missing, `models` not compacted. nullopt when it can.
std::optional<std::pair<std::string, std::string>> ml_pipeline_problem(const MlSpec& ml,
                                                                       const std::vector<Topic>& topics);

// The feature service's changelog topic (harness/ml_pipeline.h) when the
// scenario runs the pipeline exactly_once_v2: partitions, replication and
// topic config of `raw-readings`, compacted. nullopt otherwise.
std::optional<kafka::TopicSpec> ml_changelog_topic(const Scenario& scenario);

class MlWorkload final : public Workload {
 public:
  explicit MlWorkload(const Scenario& scenario);
  ~MlWorkload() override;

  void setup(sim::Simulation& sim, kafka::Cluster& cluster) override;
  void start() override;
  void begin_final_reads() override;
  bool finished() const override;
  std::vector<sim::Node*> client_nodes() const override { return clients_; }
  const checker::History& history() const override;
  WorkloadStats stats() const override;
  std::shared_ptr<checker::Verdict> own_verdict(
      const std::set<std::string>& allow,
      const std::vector<std::pair<std::int64_t, std::int64_t>>& disturbed) const override;
  nlohmann::ordered_json figures() const override;
  std::vector<reports::TimeSeries> series() const override;

  struct Shared;

 private:
  std::shared_ptr<Shared> shared_;
  std::vector<sim::Node*> clients_;
};

}  // namespace kafkasim::harness
