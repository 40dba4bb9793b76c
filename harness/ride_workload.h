// The ride-sharing workload (docs/ride-sharing.md): rider-app, driver-app,
// dispatcher, trip-service and billing, each `instances` client nodes (the
// last four consumer groups on harness/stream_task.h, with the scenario's
// processing.guarantee), the payment gateway, and an auditor that reads
// the topics when recovery begins. The run is judged by
// checker::check_ride_sharing, not by the queue checks: history() is empty.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/scenario.h"
#include "harness/workload.h"

namespace kafkasim::harness {

// Why a scenario cannot run the system, as (JSON path, message): a topic
// missing, a store topic not compacted, the topics not co-partitioned.
// nullopt when it can.
std::optional<std::pair<std::string, std::string>> ride_sharing_problem(const std::vector<Topic>& topics);

// The workload's client names, in the order it adds them.
std::vector<std::string> ride_sharing_client_names(const RideSpec& rides);

class RideWorkload final : public Workload {
 public:
  explicit RideWorkload(const Scenario& scenario);
  ~RideWorkload() override;

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

  struct Shared;

 private:
  std::shared_ptr<Shared> shared_;
  std::vector<sim::Node*> clients_;
};

}  // namespace kafkasim::harness
