// The shipped word-count scenarios (docs/streams.md), run in-process, and
// what a word-count scenario must declare.
#include <catch2/catch.hpp>

#include <string>

#include "harness/run.h"
#include "harness/scenario.h"
#include "harness/word_count_workload.h"

using namespace kafkasim::harness;

namespace {
std::string streams_file(const std::string& name) {
  return std::string(KAFKASIM_SOURCE_DIR) + "/scenarios/streams/" + name + ".json";
}

RunResult run_word_count(const Scenario& s, uint64_t seed) {
  RunOptions options;
  options.seed = seed;
  options.scenario_path = "word-count.json";
  return run_scenario(s, options);
}
}  // namespace

TEST_CASE("exactly_once_v2 word counts equal the acknowledged input through instance and broker crashes") {
  const RunResult r = run_word_count(load_scenario_file(streams_file("word-count-eos")), 1);
  REQUIRE(r.expected);
  REQUIRE(r.valid);
  REQUIRE(r.anomalies.empty());
  REQUIRE(r.figures["processing_guarantee"] == "exactly_once_v2");
  REQUIRE(r.figures["sentences_acknowledged"].get<int64_t>() > 300);
  // The crashed instances' partitions moved and their stores were restored.
  REQUIRE(r.figures["store_restores"].get<int64_t>() > 3);
  REQUIRE(r.figures["changelog_records_restored"].get<int64_t>() > 0);
}

TEST_CASE("at_least_once instances that crash count some words twice, and never lose a count") {
  const RunResult r = run_word_count(load_scenario_file(streams_file("word-count-at-least-once")), 1);
  REQUIRE(r.expected);
  REQUIRE(r.anomalies.count("double-count"));
  REQUIRE_FALSE(r.anomalies.count("lost-count"));
  const auto& w = r.verdict->anomalies.at("double-count").front();
  REQUIRE(w["found"].get<int64_t>() > w["expected"]["max"].get<int64_t>());
}

TEST_CASE("without crashes an at_least_once word count is exact") {
  Scenario s = load_scenario_file(streams_file("word-count-at-least-once"));
  s.faults.clear();
  s.nemesis.reset();
  s.expect = Expect{};
  const RunResult r = run_word_count(s, 1);
  REQUIRE(r.valid);
  REQUIRE(r.anomalies.empty());
}

TEST_CASE("a word-count scenario declares sentences and word-counts, and the job creates its internal topics") {
  const Scenario s = load_scenario_file(streams_file("word-count-eos"));
  const auto internal = word_count_internal_topics(s);
  REQUIRE(internal.size() == 2);
  REQUIRE(internal[0].name == "word-count-words-repartition");
  REQUIRE(internal[1].name == "word-count-counts-changelog");
  REQUIRE(internal[1].config.get_string("cleanup.policy") == "compact");
  REQUIRE(internal[1].partitions == s.topics[0].partitions);  // as many as sentences
  REQUIRE(internal[1].config.get_int("min.insync.replicas") == 2);
  const nlohmann::json good = s.to_json();
  nlohmann::json j = good;
  j["topics"].erase(j["topics"].begin());  // sentences
  REQUIRE_THROWS_WITH(parse_scenario(j.dump(), "bad.json"), Catch::Contains("needs a topic named \"sentences\""));
  j = good;
  j["topics"].push_back({{"name", "word-count-counts-changelog"}, {"partitions", 3}});
  REQUIRE_THROWS_WITH(parse_scenario(j.dump(), "bad.json"), Catch::Contains("is the word-count job's own"));
}

TEST_CASE("processing.guarantee is read from workload.streams and only the stream-processing workloads have one") {
  Scenario s = load_scenario_file(streams_file("word-count-at-least-once"));
  REQUIRE(s.workload.streams.get_string("processing.guarantee") == "at_least_once");
  REQUIRE(s.workload.word_count.commit_interval_ms == 10000);
  nlohmann::json j = s.to_json();
  j["workload"]["streams"]["processing.guarantee"] = "exactly_once";
  REQUIRE_THROWS_WITH(parse_scenario(j.dump(), "bad.json"), Catch::Contains("workload.streams"));
  nlohmann::json q = load_scenario_file(std::string(KAFKASIM_SOURCE_DIR) + "/scenarios/groups/group-rebalance.json").to_json();
  q["workload"]["streams"] = {{"processing.guarantee", "at_least_once"}};
  REQUIRE_THROWS_WITH(parse_scenario(q.dump(), "bad.json"), Catch::Contains("only the ml-pipeline, word-count and ride-sharing workloads"));
}

TEST_CASE("the word-count clients are producers, instances and the auditor, and can be fault targets") {
  const Scenario s = load_scenario_file(streams_file("word-count-eos"));
  REQUIRE(client_names(s.workload) == std::vector<std::string>{"producer-1", "producer-2", "instance-1", "instance-2",
                                                               "instance-3", "auditor-1"});
}
