// The word-count checker on hand-built runs (checker/word_count.h).
#include <catch2/catch.hpp>

#include "checker/word_count.h"

using namespace kafkasim::checker;

namespace {
// Two acknowledged sentences, "a b" and "a", counted once each: a=2, b=1.
WordCountRun good_run() {
  WordCountRun run;
  run.sentences = {{"p1:0", {"a", "b"}, true}, {"p1:1", {"a"}, true}};
  run.records = {{"a", 1, 0, 0}, {"a", 2, 0, 1}, {"b", 1, 1, 0}};
  return run;
}
}  // namespace

TEST_CASE("final counts equal to the acknowledged input are valid") {
  const Verdict v = check_word_count(good_run(), WordCountOptions{});
  REQUIRE(v.valid);
  REQUIRE(v.anomalies.empty());
  REQUIRE(v.stats.keys == 2);
}

TEST_CASE("a sentence of unknown outcome may or may not be counted") {
  WordCountRun run = good_run();
  run.sentences.push_back({"p2:0", {"a"}, false});
  REQUIRE(check_word_count(run, WordCountOptions{}).valid);  // a=2: not counted
  run.records.push_back({"a", 3, 0, 2});
  REQUIRE(check_word_count(run, WordCountOptions{}).valid);  // a=3: counted
}

TEST_CASE("a final count above the input is a double-count naming the word, range, count and offsets") {
  WordCountRun run = good_run();
  run.records.push_back({"a", 3, 0, 2});
  run.records.push_back({"a", 4, 0, 3});
  const Verdict v = check_word_count(run, WordCountOptions{});
  REQUIRE_FALSE(v.valid);
  REQUIRE(v.anomalies.size() == 1);
  const auto& w = v.anomalies.at("double-count").at(0);
  REQUIRE(w["word"] == "a");
  REQUIRE(w["expected"] == nlohmann::json{{"min", 2}, {"max", 2}});
  REQUIRE(w["found"] == 4);
  REQUIRE(w["partition"] == 0);
  REQUIRE(w["offset"] == 3);
  REQUIRE(w["first_above_max_offset"] == 2);
}

TEST_CASE("the last record of a word is its final count, even when an earlier one was higher") {
  WordCountRun run = good_run();
  // A count that went too high and was published again lower (a store
  // restored from an older changelog) ends at 2: valid.
  run.records = {{"a", 1, 0, 0}, {"a", 3, 0, 1}, {"a", 2, 0, 2}, {"b", 1, 1, 0}};
  REQUIRE(check_word_count(run, WordCountOptions{}).valid);
}

TEST_CASE("a final count below the acknowledged input is a lost-count") {
  WordCountRun run = good_run();
  run.records.pop_back();  // b never published
  run.records.pop_back();  // a ends at 1
  const Verdict v = check_word_count(run, WordCountOptions{});
  REQUIRE_FALSE(v.valid);
  const auto& lost = v.anomalies.at("lost-count");
  REQUIRE(lost.size() == 2);
  REQUIRE(lost[0]["word"] == "a");
  REQUIRE(lost[0]["found"] == 1);
  REQUIRE(lost[0]["expected"]["min"] == 2);
  REQUIRE(lost[0]["offset"] == 0);
  REQUIRE(lost[1]["word"] == "b");
  REQUIRE(lost[1]["found"].is_null());
  REQUIRE(lost[1]["offset"].is_null());
}

TEST_CASE("a word counted that no sentence had is a double-count against zero") {
  WordCountRun run = good_run();
  run.records.push_back({"zzz", 1, 1, 1});
  const Verdict v = check_word_count(run, WordCountOptions{});
  const auto& w = v.anomalies.at("double-count").at(0);
  REQUIRE(w["word"] == "zzz");
  REQUIRE(w["expected"]["max"] == 0);
}

TEST_CASE("an allowed word-count anomaly is reported but does not make the run invalid") {
  WordCountRun run = good_run();
  run.records.push_back({"a", 3, 0, 2});
  WordCountOptions o;
  o.allow = {"double-count"};
  const Verdict v = check_word_count(run, o);
  REQUIRE(v.valid);
  REQUIRE(v.anomalies.count("double-count"));
}

TEST_CASE("the word-count anomalies are known anomaly names") {
  for (const std::string& n : word_count_anomaly_names()) {
    REQUIRE(is_anomaly_name(n));
    REQUIRE_FALSE(describe_anomaly(n).empty());
  }
}
