#include "real-clients/real_run.h"

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <memory>
#include <thread>

#include "harness/judge.h"
#include "harness/run.h"
#include "real-clients/mock_cluster.h"
#include "real-clients/rdkafka_handles.h"
#include "real-clients/real_faults.h"
#include "real-clients/real_workload.h"

namespace kafkasim::real {

using Clock = std::chrono::steady_clock;

std::vector<std::string> refusals(const harness::Scenario& s, const RealOptions& options) {
  std::vector<std::string> out;
  if (s.workload.kind != "queue") out.push_back("workload.kind: kafkasim real runs the queue workload only");
  if (s.workload.txn) out.push_back("workload.txn: kafkasim real does not run transactional workloads");
  if (!s.bugs.empty()) out.push_back("bugs: bug switches plant bugs in the simulated brokers; real clients cannot have them");
  for (std::string& r : fault_refusals(s, !options.bootstrap)) out.push_back(std::move(r));
  return out;
}

std::string real_repro_line(const std::string& scenario_path, const std::optional<std::string>& bootstrap) {
  return "kafkasim real " + scenario_path + (bootstrap ? " --bootstrap " + *bootstrap : std::string());
}

harness::RunResult run_real(const harness::Scenario& s, const RealOptions& options) {
  if (auto why = refusals(s, options); !why.empty()) {
    std::string text;
    for (const std::string& w : why) text += (text.empty() ? "" : "\n") + w;
    throw Refused(text);
  }
  harness::RunResult r;
  r.scenario = s.name;
  r.scenario_path = options.scenario_path;
  r.seed = s.seed;
  r.expect = s.expect;
  r.repro = real_repro_line(options.scenario_path, options.bootstrap);
  r.version = KAFKASIM_VERSION;
  r.liveness_detail.recovery_ms = s.recovery_ms;
  r.parameters["mode"] = "real";
  r.parameters["reproducible"] = false;
  r.parameters["target"] = options.bootstrap ? "bootstrap " + *options.bootstrap : std::string("librdkafka mock cluster");
  r.parameters["librdkafka_version"] = rd_kafka_version_str();
  r.parameters["scenario_fingerprint"] = harness::scenario_fingerprint(s);

  std::unique_ptr<MockCluster> mock;
  if (!options.bootstrap) mock = std::make_unique<MockCluster>(s.cluster.brokers, s.topics);
  const std::string bootstrap = options.bootstrap ? *options.bootstrap : mock->bootstrap();
  std::unique_ptr<RealWorkload> workload;
  try {
    workload = std::make_unique<RealWorkload>(s, bootstrap);
  } catch (const ClientConfigError& e) {
    throw Refused(e.what());
  }
  FaultDriver faults(s, mock.get(), bootstrap);
  try {
    workload->prepare(/*create_topics=*/options.bootstrap.has_value());
  } catch (const std::exception& e) {
    r.harness_error = harness::HarnessError{"setup", e.what()};
    return r;
  }

  const auto start = Clock::now();
  try {
    workload->start();
    std::thread fault_thread([&] { faults.run(start); });
    std::this_thread::sleep_until(start + std::chrono::milliseconds(s.duration_ms));
    faults.stop();
    fault_thread.join();
    faults.recover(start);
    // Half the recovery budget for deliveries still pending, the rest (at
    // least) for the final reads.
    const auto recovery_end = Clock::now() + std::chrono::milliseconds(s.recovery_ms);
    workload->stop_sends(std::chrono::milliseconds(s.recovery_ms / 2));
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(recovery_end - Clock::now());
    const bool finished = workload->final_reads(std::max(left, std::chrono::milliseconds(0)));
    const std::int64_t elapsed_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    workload->stop();
    if (const std::string err = workload->thread_error(); !err.empty()) {
      r.harness_error = harness::HarnessError{"client-error", err};
    }
    const harness::WorkloadStats ws = workload->stats();
    r.stats.sent = ws.sent;
    r.stats.acked = ws.acked;
    r.stats.polled = ws.polled;
    r.stats.sim_time_ms = elapsed_ms;  // real time: there is no simulated clock
    r.stats.wall_ms = elapsed_ms;
    r.fault_log = faults.log();
    if (finished) {
      r.liveness_detail.final_reads_finished = true;
      r.liveness_detail.final_reads_ms = elapsed_ms;
    } else {
      r.liveness = "failed: the final reads did not finish within recovery_ms (" + std::to_string(s.recovery_ms) +
                   " ms): " + std::to_string(ws.acked) + " sends acked, " + std::to_string(ws.polled) +
                   " records polled";
    }
    harness::judge_history(r, workload->history(), s, options.keep_history);
  } catch (const std::exception& e) {
    faults.stop();
    workload->stop();
    r.harness_error = harness::HarnessError{"internal-error", std::string("internal error: ") + e.what()};
    r.valid = false;
    r.expected = false;
  }
  return r;
}

}  // namespace kafkasim::real
