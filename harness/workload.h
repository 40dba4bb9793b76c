// A workload: the clients of a run. It adds its client nodes to the
// simulation, drives them through the fault phase, performs final reads in
// the recovery phase, and records what the clients saw as a history
// (SPEC.md §4).
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "checker/check.h"
#include "checker/history.h"
#include "reports/report_input.h"
#include "sim/simulation.h"

namespace kafkasim::kafka {
class Cluster;
}

namespace kafkasim::harness {

struct Scenario;

struct WorkloadStats {
  int64_t sent = 0;    // send micro-ops invoked
  int64_t acked = 0;   // send micro-ops acknowledged (ok)
  int64_t polled = 0;  // records returned by polls
  // Subscribe mode: records a consumer of the group polled during the fault
  // phase at an offset the group had already delivered (at-least-once
  // redelivery after a crash or a failed commit).
  int64_t redelivered = 0;
};

class Workload {
 public:
  virtual ~Workload() = default;

  // Adds the client nodes (down) and prepares the history.
  virtual void setup(sim::Simulation& sim, kafka::Cluster& cluster) = 0;
  // Starts the clients: called once, at time 0, after the cluster starts.
  virtual void start() = 0;
  // The recovery phase has begun: faults are healed and every node is up.
  // Clients stop issuing new sends and read everything acknowledged so
  // far, so that "never seen" can be told apart from "lost".
  virtual void begin_final_reads() = 0;
  // True when the final reads are complete; the run may end early then.
  virtual bool finished() const = 0;

  // The client nodes, for client:NAME targets and the nemesis.
  virtual std::vector<sim::Node*> client_nodes() const = 0;
  virtual const checker::History& history() const = 0;
  virtual WorkloadStats stats() const = 0;

  // A workload with its own checker (ml-pipeline) judges the run itself:
  // its verdict, with `allow` not making it invalid. nullptr: the queue
  // checks over history().
  // `disturbed`: the run's fault windows [from, to) in ms.
  virtual std::shared_ptr<checker::Verdict> own_verdict(
      const std::set<std::string>& /*allow*/,
      const std::vector<std::pair<std::int64_t, std::int64_t>>& /*disturbed*/) const {
    return nullptr;
  }
  // What the workload measured (result.json "figures"); null for none.
  virtual nlohmann::ordered_json figures() const { return nullptr; }
  // Time series the workload sampled, for the report's charts.
  virtual std::vector<reports::TimeSeries> series() const { return {}; }
};

// The workload of `scenario.workload.kind`. REQUIRES: a supported kind.
std::unique_ptr<Workload> make_workload(const Scenario& scenario);

}  // namespace kafkasim::harness
