#include <catch2/catch.hpp>

#include <string>

#include "tests/cli/cli_support.h"

using namespace kafkasim::cli::test;

namespace {
const std::string kScenario = R"({"name": "t", "duration_ms": 2000, "cluster": {"brokers": 3},
  "topics": [{"name": "orders", "partitions": 1, "replication_factor": 3}],
  "workload": {"kind": "queue"}, "recovery_ms": 15000,
  "faults": [)";
}  // namespace

TEST_CASE("kafkasim real refuses faults the mock cluster cannot inject, naming each, with exit 2") {
  TempDir dir;
  const std::string path = dir.write("t.json", kScenario + R"({"at_ms": 100, "kind": "pause", "target": "broker-1"},
      {"at_ms": 200, "kind": "power-loss", "target": "broker-2"}]})");
  const Output o = run_kafkasim({"real", path, "--out", dir.path("out")});
  CHECK(o.code == 2);
  CHECK(o.err.find("faults[0]: the mock cluster cannot inject pause") != std::string::npos);
  CHECK(o.err.find("faults[1]: the mock cluster cannot inject power-loss") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path("out")));
}

TEST_CASE("kafkasim run refuses a move-leader fault, which only the mock cluster can do") {
  TempDir dir;
  const std::string path =
      dir.write("t.json", kScenario + R"({"at_ms": 100, "kind": "move-leader", "target": "broker-2", "partition": "orders/0"}]})");
  const Output o = run_kafkasim({"run", path});
  CHECK(o.code == 2);
  CHECK(o.err.find("faults[0].kind: move-leader is only supported by `kafkasim real`") != std::string::npos);
}

TEST_CASE("a kafkasim real run writes the usual folder, and replay refuses its result as not reproducible") {
  TempDir dir;
  const std::string path = dir.write("t.json", kScenario + "]}");
  const Output o = run_kafkasim({"real", path, "--out", dir.path("out"), "--quiet"});
  INFO(o.out << o.err);
  REQUIRE(o.code == 0);
  const std::string result = dir.path("out/t/seed-1/result.json");
  REQUIRE(fs::exists(result));
  CHECK(fs::exists(dir.path("out/t/seed-1/history.jsonl")));
  const Output replay = run_kafkasim({"replay", result});
  CHECK(replay.code == 2);
  CHECK(replay.err.find("not reproducible bit for bit") != std::string::npos);
  const Output check = run_kafkasim({"check", dir.path("out/t/seed-1/history.jsonl")});
  CHECK(check.code == 0);
}
