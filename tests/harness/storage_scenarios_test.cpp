#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "harness/run.h"
#include "harness/scenario.h"

using namespace kafkasim::harness;

namespace {
RunResult run_storage(const std::string& name, uint64_t seed, const std::string& folder = "storage") {
  const std::string file = std::string(KAFKASIM_SOURCE_DIR) + "/scenarios/" + folder + "/" + name + ".json";
  RunOptions options;
  options.seed = seed;
  options.scenario_path = file;
  options.record = kafkasim::sim::RecordLevel::kEvents;
  return run_scenario(load_scenario_file(file), options);
}

bool any_event_starting(const RunResult& r, const std::string& prefix) {
  return std::any_of(r.trace_events.begin(), r.trace_events.end(),
                     [&](const kafkasim::sim::TraceEvent& e) { return e.text.rfind(prefix, 0) == 0; });
}
}  // namespace

TEST_CASE("retention deleting what a slow consumer never read shows as lost-write with a retention event") {
  const RunResult r = run_storage("retention-slow-consumer", 1, "ml-pipeline");
  REQUIRE(r.expected);
  REQUIRE(r.anomalies.count("lost-write"));
  // The report's narrative finds retention by this prefix.
  REQUIRE(any_event_starting(r, "retention: deleted events-0 offsets [0, "));
  REQUIRE(any_event_starting(r, "consumer-1 fetch of events/"));
}

TEST_CASE("a compacted topic under crashes keeps every key's latest value, and the cleaner ran") {
  const RunResult r = run_storage("compaction-latest-value", 1);
  REQUIRE(r.expected);
  REQUIRE(r.valid);
  REQUIRE(std::any_of(r.trace_events.begin(), r.trace_events.end(), [](const kafkasim::sim::TraceEvent& e) {
    return e.text.find("log cleaner: cleaned kv/") != std::string::npos;
  }));
}
