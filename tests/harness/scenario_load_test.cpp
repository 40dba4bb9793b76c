#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>

#include "harness/scenario.h"

using namespace kafkasim::harness;

namespace {

// SPEC.md §3's example, with a few more keys.
const char* kFull = R"({
  "name": "leader-failover",
  "description": "Crash the leader of every partition in turn under acks=all.",
  "seed": 1,
  "duration_ms": 60000,
  "cluster": {
    "brokers": 3,
    "controllers": 1,
    "config": {"unclean.leader.election.enable": false,
               "replica.lag.time.max.ms": 10000}
  },
  "network": {"latency_ms": {"min": 1, "max": 5}},
  "topics": [
    {"name": "orders", "partitions": 3, "replication_factor": 3,
     "config": {"min.insync.replicas": 2}}
  ],
  "workload": {
    "kind": "queue",
    "producers": 2,
    "consumers": 2,
    "rate_per_s": 500,
    "txn": false,
    "subscribe": false,
    "producer": {"acks": "all", "enable.idempotence": true},
    "consumer": {"isolation.level": "read_committed"}
  },
  "faults": [
    {"at_ms": 10000, "kind": "crash", "target": "leader:orders/0"},
    {"at_ms": 20000, "kind": "restart", "target": "leader-crashed"},
    {"at_ms": 30000, "kind": "partition", "isolate": "leader:orders/1",
     "duration_ms": 8000},
    {"at_ms": 40000, "kind": "partition", "groups": [["broker-1"], ["broker-2", "broker-3"]],
     "one_way": true},
    {"at_ms": 45000, "kind": "heal"},
    {"at_ms": 46000, "kind": "clog", "target": "client:producer-1", "latency_ms": 200, "duration_ms": 1000},
    {"at_ms": 47000, "kind": "clock-skew", "target": "controller-1", "offset_ms": -500, "drift_ppm": 100},
    {"at_ms": 48000, "kind": "power-loss", "target": "follower:orders/2", "torn": true},
    {"at_ms": 49000, "kind": "pause", "target": "coordinator:group/g1"},
    {"at_ms": 50000, "kind": "resume", "target": "coordinator:group/g1"}
  ],
  "nemesis": {"kinds": ["crash", "partition"],
              "interval_ms": {"min": 2000, "max": 8000},
              "duration_ms": {"min": 1000, "max": 5000},
              "max_concurrent": 1},
  "recovery_ms": 20000,
  "bugs": ["hw-truncation"],
  "expect": {"valid": true}
})";

const char* kMinimal = R"({
  "name": "minimal", "duration_ms": 1000,
  "cluster": {"brokers": 1},
  "topics": [{"name": "t"}],
  "workload": {"kind": "queue"}
})";

}  // namespace

TEST_CASE("A full scenario loads with every key read and defaults filled") {
  Scenario s = parse_scenario(kFull, "leader-failover.json");
  CHECK(s.name == "leader-failover");
  CHECK(s.seed == 1);
  CHECK(s.duration_ms == 60000);
  CHECK(s.cluster.brokers == 3);
  CHECK(s.cluster.config.get_long("replica.lag.time.max.ms") == 10000);
  CHECK(s.cluster.config.get_int("min.insync.replicas") == 1);
  REQUIRE(s.topics.size() == 1);
  CHECK(s.topics[0].config.get_int("min.insync.replicas") == 2);
  CHECK(s.topics[0].config.get_string("cleanup.policy") == "delete");
  CHECK(s.workload.producer.get_int("acks") == -1);
  CHECK(s.workload.producer.get_int("max.in.flight.requests.per.connection") == 5);
  CHECK(s.workload.keys == std::vector<std::string>{"orders"});
  REQUIRE(s.faults.size() == 10);
  CHECK(s.faults[0].kind == FaultKind::crash);
  CHECK(s.faults[0].target == Target{LeaderTarget{"orders", 0}});
  CHECK(s.faults[1].target == Target{LeaderCrashedTarget{}});
  CHECK(s.faults[2].duration_ms == 8000);
  CHECK(s.faults[3].groups.size() == 2);
  CHECK(s.faults[3].one_way);
  CHECK(s.faults[5].latency_ms == 200);
  CHECK(s.faults[6].offset_ms == -500);
  CHECK(s.faults[6].drift_ppm == 100);
  CHECK(s.faults[7].torn);
  CHECK(s.faults[7].target == Target{FollowerTarget{"orders", 2}});
  REQUIRE(s.nemesis);
  CHECK(s.nemesis->max_concurrent == 1);
  CHECK(s.nemesis->targets == std::vector<NemesisTargets>{NemesisTargets::brokers});
  CHECK(s.bugs == std::vector<std::string>{"hw-truncation"});
  CHECK(s.expect.valid);
}

TEST_CASE("A minimal scenario gets Kafka's and kafkasim's defaults") {
  Scenario s = parse_scenario(kMinimal, "minimal.json");
  CHECK(s.seed == 1);
  CHECK(s.description.empty());
  CHECK(s.cluster.controllers == 1);
  CHECK(s.network.latency_ms == MsRange{1, 5});
  CHECK(s.topics[0].partitions == 1);          // num.partitions
  CHECK(s.topics[0].replication_factor == 1);  // default.replication.factor
  CHECK(s.workload.producers == 1);
  CHECK(s.workload.consumers == 1);
  CHECK(s.workload.rate_per_s == 100);
  CHECK_FALSE(s.workload.txn);
  CHECK(s.workload.consumer.get_string("isolation.level") == "read_committed");  // librdkafka
  // kafkasim's queue workload reads from the start, as Jepsen's does (librdkafka: latest).
  CHECK(s.workload.consumer.get_string("auto.offset.reset") == "earliest");
  CHECK(s.faults.empty());
  CHECK_FALSE(s.nemesis);
  CHECK(s.recovery_ms == 10000);
  CHECK(s.expect.valid);
  CHECK(s.expect.anomalies.empty());
}

TEST_CASE("Topic configs inherit broker-level overrides as Kafka does") {
  Scenario s = parse_scenario(R"({
    "name": "inherit", "duration_ms": 1000,
    "cluster": {"brokers": 3, "config": {"min.insync.replicas": 2, "log.retention.ms": 1000,
                                         "num.partitions": 4, "default.replication.factor": 3}},
    "topics": [{"name": "a"}, {"name": "b", "config": {"min.insync.replicas": 3}}],
    "workload": {"kind": "queue"}})",
                              "inherit.json");
  CHECK(s.topics[0].partitions == 4);
  CHECK(s.topics[0].replication_factor == 3);
  CHECK(s.topics[0].config.get_int("min.insync.replicas") == 2);
  CHECK(s.topics[0].config.get_long("retention.ms") == 1000);
  CHECK(s.topics[1].config.get_int("min.insync.replicas") == 3);
}

TEST_CASE("An expect block with anomalies means the run must be invalid") {
  Scenario s = parse_scenario(R"({
    "name": "weak", "duration_ms": 1000, "cluster": {"brokers": 1},
    "topics": [{"name": "t"}], "workload": {"kind": "queue"},
    "expect": {"anomalies": ["lost-write"], "allow": ["G0"]}})",
                              "weak.json");
  CHECK_FALSE(s.expect.valid);
  CHECK(s.expect.anomalies == std::vector<std::string>{"lost-write"});
  CHECK(s.expect.allow == std::vector<std::string>{"G0"});
}

TEST_CASE("The canonical form parses back to the same scenario") {
  for (const char* text : {kFull, kMinimal}) {
    Scenario s = parse_scenario(text, "x.json");
    nlohmann::json canonical = s.to_json();
    Scenario again = parse_scenario(canonical.dump(2), "canonical.json");
    CHECK(again == s);
    CHECK(again.to_json() == canonical);
  }
}

TEST_CASE("A scenario file is read from disk and named by its base name in errors") {
  std::string dir = std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp");
  std::string path = dir + "/kafkasim-scenario-load-test.json";
  {
    std::ofstream out(path);
    out << kMinimal;
  }
  CHECK(load_scenario_file(path).name == "minimal");
  {
    std::ofstream out(path);
    out << R"({"name": "x"})";
  }
  try {
    load_scenario_file(path);
    FAIL("no error");
  } catch (const ScenarioError& e) {
    CHECK(e.file() == "kafkasim-scenario-load-test.json");
    CHECK(std::string(e.what()).rfind("kafkasim-scenario-load-test.json: ", 0) == 0);
  }
  std::remove(path.c_str());
  CHECK_THROWS_AS(load_scenario_file(path), ScenarioError);
}

TEST_CASE("Targets parse into typed values and print back the same") {
  for (const char* text : {"broker-1", "controller-3", "leader:orders/0", "follower:my.topic-1/12",
                           "controller-leader", "coordinator:group/g1", "coordinator:txn/tx-1",
                           "random-broker", "leader-crashed", "client:producer-1"}) {
    auto t = parse_target(text);
    REQUIRE(t);
    CHECK(to_string(*t) == text);
  }
  CHECK(parse_target("broker-2") == Target{BrokerTarget{2}});
  CHECK(parse_target("leader:a/b/7") == Target{LeaderTarget{"a/b", 7}});
  std::string error;
  for (const char* bad : {"broker-0", "broker-", "broker-x", "broker--1", "leader:orders",
                          "leader:/1", "leader:orders/-1", "client:", "coordinator:group/", "node-1",
                          "", "broker-99999999999"}) {
    CHECK_FALSE(parse_target(bad, &error));
    CHECK_FALSE(error.empty());
  }
}
