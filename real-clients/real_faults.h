// The scenario's faults and request errors for `kafkasim real`:
//
// On librdkafka's mock cluster (rdkafka_mock.h):
//   crash        rd_kafka_mock_broker_set_down      reverts by set_up
//   restart      rd_kafka_mock_broker_set_up
//   clog         rd_kafka_mock_broker_set_rtt(latency_ms) on one broker
//                                                    reverts to rtt 0
//   heal         rtt 0 on every broker (the mock has no network partitions)
//   move-leader  rd_kafka_mock_partition_set_leader
//   request_errors  rd_kafka_mock_push_request_errors
// Targets: broker-N, leader:T/P and follower:T/P (asked of the cluster's
// metadata when the fault fires), leader-crashed.
//
// On a real cluster (--bootstrap): each fault runs the shell command the
// scenario gives for its kind and target (real.fault_commands[KIND][TARGET],
// TARGET as written, "*" for a fault without one); a fault with duration_ms
// reverts by the command of its reverting kind (crash, power-loss ->
// restart; pause -> resume; partition, clog -> heal "*").
//
// Whatever cannot be done is refused before the run (refusals()).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "harness/faults.h"
#include "harness/scenario.h"
#include "real-clients/mock_cluster.h"

namespace kafkasim::real {

// Every fault, nemesis and request error of `s` the target cannot inject,
// one message each naming its JSON path; empty when all can be.
std::vector<std::string> fault_refusals(const harness::Scenario& s, bool mock);

class FaultDriver {
 public:
  // mock == nullptr: a real cluster at `bootstrap`, faults by command.
  FaultDriver(const harness::Scenario& s, MockCluster* mock, const std::string& bootstrap);
  ~FaultDriver();

  // Injects and reverts faults at their times (ms after `start`) until
  // stop() is called. Runs in the calling thread.
  void run(std::chrono::steady_clock::time_point start);
  void stop();
  // Ends every fault still active (mock: every broker up, no rtt, no
  // pending request errors; real cluster: the revert commands).
  void recover(std::chrono::steady_clock::time_point start);
  std::vector<harness::FaultLogEntry> log() const;

 private:
  struct Action {
    std::int64_t at_ms;
    bool revert;
    int id;  // fault index, or -1 - request_errors index
  };
  void inject(int id, std::int64_t now_ms);
  void revert(int id, std::int64_t now_ms);
  void push_errors(int index, std::int64_t now_ms);
  std::optional<int32_t> resolve(const harness::Target& t, std::string* why);
  std::string run_command(const std::string& kind, const std::string& target);
  void add_log(harness::FaultLogEntry e);
  // The log entry of fault `id`, before its node and note are known.
  harness::FaultLogEntry log_entry(int id, const char* action, std::int64_t now_ms) const;

  const harness::Scenario& s_;
  MockCluster* mock_;
  std::string bootstrap_;
  std::vector<Action> actions_;
  std::vector<std::optional<int32_t>> applied_broker_;  // per fault: the broker hit
  std::vector<bool> active_;
  std::optional<int32_t> last_crashed_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stopped_ = false;
  std::vector<harness::FaultLogEntry> log_;
};

}  // namespace kafkasim::real
