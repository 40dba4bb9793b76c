#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "harness/run.h"
#include "harness/scenario.h"
#include "real-clients/delivery_outcome.h"
#include "real-clients/mock_cluster.h"
#include "real-clients/real_run.h"

using namespace kafkasim;

namespace {
harness::Scenario shipped(const std::string& name) {
  return harness::load_scenario_file(std::string(KAFKASIM_SOURCE_DIR) + "/scenarios/real/" + name);
}
harness::Scenario parse(const std::string& text) { return harness::parse_scenario(text, "t.json"); }
constexpr const char* kBase = R"({"name": "t", "duration_ms": 3000, "cluster": {"brokers": 3},
  "topics": [{"name": "orders", "partitions": 1, "replication_factor": 3}],
  "workload": {"kind": "queue"}, )";
}  // namespace

TEST_CASE("a shipped queue scenario against the mock cluster checks valid in well under a minute") {
  real::RealOptions options;
  options.scenario_path = "scenarios/real/mock-queue-clog.json";
  const harness::RunResult r = real::run_real(shipped("mock-queue-clog.json"), options);
  INFO(harness::to_json(r).dump());
  CHECK(r.valid);
  CHECK(r.expected);
  CHECK(r.stats.acked > 100);
  CHECK(r.stats.wall_ms < 30000);
  CHECK(r.parameters.at("reproducible") == false);
  CHECK(r.trace_hash.empty());
}

TEST_CASE("moving leadership while the leader is slow and then down duplicates records on the mock") {
  real::RealOptions options;
  options.scenario_path = "scenarios/real/mock-leader-move-rtt.json";
  const harness::RunResult r = real::run_real(shipped("mock-leader-move-rtt.json"), options);
  INFO(harness::to_json(r).dump());
  CHECK(r.anomalies.count("duplicate") == 1);
  CHECK(r.expected);
}

TEST_CASE("faults the mock cluster cannot inject are refused, each named") {
  const harness::Scenario s = parse(std::string(kBase) + R"("faults": [
      {"at_ms": 100, "kind": "pause", "target": "broker-1"},
      {"at_ms": 200, "kind": "clog", "groups": [["broker-1"], ["broker-2"]], "latency_ms": 10}]})");
  const auto why = real::refusals(s, real::RealOptions{});
  REQUIRE(why.size() == 2);
  CHECK(why[0] == "faults[0]: the mock cluster cannot inject pause (it can: crash, restart, clog, heal, move-leader)");
  CHECK(why[1].rfind("faults[1]: the mock cluster cannot clog groups", 0) == 0);
  CHECK_THROWS_AS(real::run_real(s, real::RealOptions{}), real::Refused);
}

TEST_CASE("a real cluster needs a command for every fault and refuses request errors") {
  real::RealOptions options;
  options.bootstrap = "localhost:1";
  const harness::Scenario bare = parse(std::string(kBase) + R"("faults": [{"at_ms": 100, "kind": "crash", "target": "broker-1", "duration_ms": 50}],
      "request_errors": [{"at_ms": 100, "errors": ["NOT_LEADER_OR_FOLLOWER"]}]})");
  const auto why = real::refusals(bare, options);
  REQUIRE(why.size() == 3);
  CHECK(why[0] == "faults[0]: a real cluster needs the command for crash on broker-1: give "
                  "real.fault_commands[\"crash\"][\"broker-1\"]");
  CHECK(why[1] == "faults[0].duration_ms: reverting needs real.fault_commands[\"restart\"][\"broker-1\"]");
  const harness::Scenario given = parse(std::string(kBase) + R"("faults": [{"at_ms": 100, "kind": "crash", "target": "broker-1", "duration_ms": 50}],
      "real": {"fault_commands": {"crash": {"broker-1": "true"}, "restart": {"broker-1": "true"}}}})");
  CHECK(real::refusals(given, options).empty());
}

TEST_CASE("a client setting librdkafka refuses is bad input naming the scenario key") {
  const harness::Scenario s = parse(std::string(kBase) + R"("real": {"client_config": {"no.such.setting": "1"}}})");
  try {
    real::run_real(s, real::RealOptions{});
    FAIL("no error");
  } catch (const real::Refused& e) {
    CHECK(std::string(e.what()).find("real.client_config[\"no.such.setting\"]: librdkafka") == 0);
  }
}

TEST_CASE("delivery reports map to ok only when persisted and to fail only when certainly not written") {
  using checker::OpType;
  CHECK(real::delivery_op_type(RD_KAFKA_RESP_ERR_NO_ERROR, RD_KAFKA_MSG_STATUS_PERSISTED) == OpType::ok);
  CHECK(real::delivery_op_type(RD_KAFKA_RESP_ERR_NO_ERROR, RD_KAFKA_MSG_STATUS_POSSIBLY_PERSISTED) == OpType::info);
  CHECK(real::delivery_op_type(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT, RD_KAFKA_MSG_STATUS_POSSIBLY_PERSISTED) == OpType::info);
  CHECK(real::delivery_op_type(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, RD_KAFKA_MSG_STATUS_NOT_PERSISTED) == OpType::fail);
  CHECK(real::delivery_op_type(RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_MSG_STATUS_PERSISTED) == OpType::info);
}

TEST_CASE("the simulator refuses a move-leader fault and honours request errors") {
  const harness::Scenario moved = parse(std::string(kBase) +
                                        R"("faults": [{"at_ms": 100, "kind": "move-leader", "target": "broker-2", "partition": "orders/0"}]})");
  REQUIRE(harness::unsupported_by_simulator(moved));
  CHECK(harness::unsupported_by_simulator(moved)->rfind("faults[0].kind: move-leader is only supported by", 0) == 0);
  const harness::Scenario errors =
      parse(std::string(kBase) + R"("request_errors": [{"at_ms": 100, "errors": ["TRANSPORT", "NOT_LEADER_OR_FOLLOWER"]}]})");
  CHECK_FALSE(harness::unsupported_by_simulator(errors));
  CHECK(errors.request_errors.at(0).errors.size() == 2);
  CHECK(harness::parse_scenario(errors.to_json().dump(), "t.json") == errors);
  harness::RunOptions options;
  options.keep_history = false;
  const harness::RunResult r = harness::run_scenario(errors, options);
  INFO(harness::to_json(r).dump());
  CHECK(r.expected);
  CHECK(r.stats.acked > 100);
}

// The mock cluster stands in for a real one here. librdkafka 2.0.2's mock
// does not answer CreateTopics, so topic creation (real-clients/topics.h)
// is not exercised: the topic exists already.
TEST_CASE("with --bootstrap faults run the scenario's shell commands") {
  real::MockCluster cluster(3, {harness::Topic{"orders", 1, 3}});
  const std::string marker = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") +
                             "/kafkasim-real-test-" + std::to_string(::getpid());
  std::remove(marker.c_str());
  const harness::Scenario s = parse(std::string(kBase) + R"("faults": [{"at_ms": 500, "kind": "crash", "target": "broker-1", "duration_ms": 500}],
      "real": {"fault_commands": {"crash": {"broker-1": "echo crash >> )" + marker + R"("},
                                  "restart": {"broker-1": "echo restart >> )" + marker + R"("}}},
      "recovery_ms": 20000})");
  real::RealOptions options;
  options.bootstrap = cluster.bootstrap();
  const harness::RunResult r = real::run_real(s, options);
  INFO(harness::to_json(r).dump());
  CHECK_FALSE(r.harness_error);
  CHECK(r.expected);
  CHECK(r.stats.acked > 50);
  std::ifstream in(marker);
  std::string first, second;
  in >> first >> second;
  CHECK(first == "crash");
  CHECK(second == "restart");
  REQUIRE(r.fault_log.size() == 2);
  CHECK(r.fault_log[0].note == "ran `echo crash >> " + marker + "`: exit status 0");
  std::remove(marker.c_str());
}

TEST_CASE("one scenario with request errors checks valid in the simulator and with librdkafka on the mock") {
  const std::string path = std::string(KAFKASIM_SOURCE_DIR) + "/scenarios/replication/produce-request-errors.json";
  const harness::Scenario s = harness::load_scenario_file(path);
  harness::RunOptions sim_options;
  sim_options.keep_history = false;
  const harness::RunResult simulated = harness::run_scenario(s, sim_options);
  real::RealOptions real_options;
  real_options.scenario_path = path;
  const harness::RunResult real_run = real::run_real(s, real_options);
  INFO(harness::to_json(simulated).dump() << "\n" << harness::to_json(real_run).dump());
  CHECK(simulated.expected);
  CHECK(real_run.expected);
  CHECK(simulated.fault_log.size() == real_run.fault_log.size());
}

TEST_CASE("subscribed consumers share a group on the mock and the final reads still see everything") {
  const harness::Scenario s = parse(R"({"name": "t", "duration_ms": 4000, "cluster": {"brokers": 3},
      "topics": [{"name": "orders", "partitions": 3, "replication_factor": 3}],
      "workload": {"kind": "queue", "producers": 1, "consumers": 2, "subscribe": true}, "recovery_ms": 20000})");
  const harness::RunResult r = real::run_real(s, real::RealOptions{});
  INFO(harness::to_json(r).dump());
  CHECK(r.expected);
  CHECK(r.liveness == "ok");
  CHECK(r.stats.acked > 100);
}
