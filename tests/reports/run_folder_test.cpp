// The report folder of a failing seed of a shipped scenario, end to end.
#include <regex>

#include <catch2/catch.hpp>

#include "harness/run_report.h"
#include "report_support.h"

using namespace kafkasim;
using namespace kafkasim::reports::test;

namespace {

const char* const kScenario = "scenarios/replication/isolated-leader-acks1.json";

}  // namespace

TEST_CASE("the trace hash is the same whether events are recorded or not") {
  const harness::Scenario s = harness::load_scenario_file(shipped(kScenario));
  harness::RunOptions o;
  o.seed = 2;
  const std::string none = harness::run_scenario(s, o).trace_hash;
  o.record = sim::RecordLevel::kEvents;
  const harness::RunResult events = harness::run_scenario(s, o);
  o.record = sim::RecordLevel::kAll;
  CHECK(events.trace_hash == none);
  CHECK(harness::run_scenario(s, o).trace_hash == none);
  CHECK_FALSE(events.trace_events.empty());
}

TEST_CASE("a failing seed's folder has the report, the summary, the JUnit file, the trace and the diagrams") {
  const harness::Scenario s = harness::load_scenario_file(shipped(kScenario));
  TempDir dir;
  harness::RunResult r;
  const std::string folder = run_into_folder(s, kScenario, 1, dir.path(), &r);
  CHECK_FALSE(r.valid);
  CHECK_FALSE(r.series.empty());
  for (const char* f : {"result.json", "history.jsonl", "report.txt", "scenario.json", "trace.jsonl", "report.html",
                        "summary.md", "junit.xml", "space-time.dot", "space-time.svg", "replica-logs.dot",
                        "replica-logs.svg"}) {
    INFO(f);
    CHECK(fs::exists(fs::path(folder) / f));
  }
  const std::string html = slurp(folder + "/report.html");
  // The repro line and the rerun whose hash matched.
  CHECK(html.find("kafkasim run scenarios/replication/isolated-leader-acks1.json --seed 1") != std::string::npos);
  CHECK(html.find("the rerun&#39;s trace hash matched") != std::string::npos);
  // The narrative in Kafka's words.
  // (Which producer and broker play each part depends on the seed's draws.)
  CHECK(std::regex_search(html, std::regex("producer-[0-9]+ was told by broker-[0-9]+, leader in epoch [0-9]+, that value")));
  CHECK(html.find("Fault: inject partition groups") != std::string::npos);
  CHECK(std::regex_search(html, std::regex("broker-[0-9]+ became leader of orders/[0-9]+ in epoch [0-9]+ without offset")));
  CHECK(std::regex_search(html, std::regex("broker-[0-9]+ truncated orders/[0-9]+ from LEO")));
  // The diagrams and the charts, inline.
  CHECK(html.find("id=\"diagram-space-time\"") != std::string::npos);
  CHECK(html.find("id=\"diagram-replica-logs\"") != std::string::npos);
  for (const char* chart : {"chart-throughput", "chart-latency", "chart-isr", "chart-urp", "chart-lag"}) {
    INFO(chart);
    CHECK(html.find(std::string("id=\"") + chart + "\"") != std::string::npos);
  }
  // Nothing fetched from the network.
  CHECK(html.find("http://") == html.find("http://www.w3.org"));
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  const std::string junit = slurp(folder + "/junit.xml");
  CHECK(junit.find("name=\"seed 1\"") != std::string::npos);
  CHECK(slurp(folder + "/summary.md").find("What happened (lost-write)") != std::string::npos);
}

TEST_CASE("the ISR chart shows the ISR shrinking while the leader is cut off") {
  const harness::Scenario s = harness::load_scenario_file(shipped(kScenario));
  harness::RunOptions o;
  o.seed = 1;
  const harness::RunResult r = harness::run_scenario(s, o);
  const auto isr = std::find_if(r.series.begin(), r.series.end(),
                                [](const reports::TimeSeries& t) { return t.name == "isr-size orders/0"; });
  REQUIRE(isr != r.series.end());
  // Full (both replicas) once the topic exists, one replica while cut off.
  double smallest = 99, largest = 0;
  for (const auto& [t, v] : isr->points) {
    if (v > 0) smallest = std::min(smallest, v);
    largest = std::max(largest, v);
  }
  CHECK(largest == 2);
  CHECK(smallest == 1);
}

TEST_CASE("a valid seed's folder has a passing JUnit test case and a report without a rerun") {
  const char* path = "scenarios/replication/leader-failover.json";
  const harness::Scenario s = harness::load_scenario_file(shipped(path));
  TempDir dir;
  harness::RunResult r;
  const std::string folder = run_into_folder(s, path, 1, dir.path(), &r);
  REQUIRE(r.exit_code() == 0);
  REQUIRE(r.valid);
  CHECK_FALSE(fs::exists(fs::path(folder) / "trace.jsonl"));
  CHECK_FALSE(fs::exists(fs::path(folder) / "space-time.svg"));
  const std::string junit = slurp(folder + "/junit.xml");
  CHECK(junit.find("<testcase classname=\"kafkasim.leader-failover\" name=\"seed 1\"") != std::string::npos);
  CHECK(junit.find("<failure") == std::string::npos);
  const std::string html = slurp(folder + "/report.html");
  CHECK(html.find("As expected") != std::string::npos);
  CHECK(html.find("None: the checker found no anomaly") != std::string::npos);
  CHECK(html.find("id=\"chart-isr\"") != std::string::npos);
}
