// The report files of a run: what they hold, and that nothing from a
// scenario file or a history reaches them unescaped.
#include <catch2/catch.hpp>

#include <algorithm>

#include "checker/history_reader.h"
#include "reports/report.h"

using namespace kafkasim;
using namespace kafkasim::reports;

namespace {

const char* const kHostile = "<script>alert(1)</script>";

nlohmann::ordered_json hostile_result(bool expected) {
  return nlohmann::ordered_json{
      {"scenario", kHostile},
      {"seed", 7},
      {"bugs", {"<b>bug</b>"}},
      {"valid", false},
      {"expected", expected},
      {"anomalies", {{"lost-write", 1}}},
      {"invariant_violations", nlohmann::ordered_json::array()},
      {"liveness", "ok"},
      {"stats", {{"events", 10}, {"sim_time_ms", 1000}, {"wall_ms", 5}, {"sent", 1}, {"acked", 1}, {"polled", 1}}},
      {"trace_hash", "0123456789abcdef"},
      {"repro", "kafkasim run '<img src=x onerror=alert(2)>.json' --seed 7"},
      {"parameters",
       {{"cluster", {{"brokers", 3}, {"controllers", 1}, {"config", {{"<i>x</i>", "</td>"}}}}},
        {"topics", {{{"name", "<svg onload=alert(3)>"}, {"partitions", 1}, {"replication_factor", 3}, {"config", nlohmann::ordered_json::object()}}}},
        {"workload", {{"kind", "queue"}, {"producers", 1}, {"consumers", 1}}},
        {"duration_ms", 1000},
        {"recovery_ms", 1000}}},
      {"fault_log",
       {{{"time_ms", 100}, {"action", "inject"}, {"kind", "crash"}, {"target", "<u>broker-1</u>"}, {"node", "broker-1"},
         {"skipped", false}, {"note", ""}, {"source", "faults[0]"}},
        {{"time_ms", 300}, {"action", "inject"}, {"kind", "pause"}, {"target", "random-broker"}, {"node", "broker-2"},
         {"skipped", false}, {"note", ""}, {"source", "nemesis[0]"}}}},
  };
}

struct Hostile {
  checker::History history = checker::read_history_string(
      "{\"index\":0,\"time\":1,\"process\":0,\"type\":\"invoke\",\"f\":\"send\",\"value\":[[\"send\",\"<k>\",\"<script>v</script>\"]]}\n"
      "{\"index\":1,\"time\":2,\"process\":0,\"type\":\"ok\",\"f\":\"send\",\"value\":[[\"send\",\"<k>\",[0,\"<script>v</script>\"]]]}\n");
  checker::Verdict verdict;
  ReportInput in;

  explicit Hostile(bool expected) {
    verdict.valid = false;
    verdict.anomalies["lost-write"].push_back(
        nlohmann::json{{"key", "<k>"}, {"value", "<script>v</script>"}, {"offset", 0}, {"writer", 1}});
    in.result = hostile_result(expected);
    in.scenario = nlohmann::ordered_json{{"name", kHostile}, {"description", "<img src=x onerror=alert(4)>"}};
    in.outcome = std::string("seed 7: ") + kHostile;
    in.failure_kinds = {"lost-write"};
    in.history = &history;
    in.verdict = &verdict;
    in.minimal_scenario = nlohmann::ordered_json{{"faults", {{{"at_ms", 5}, {"kind", "<script>"}}}}};
  }
};

}  // namespace

TEST_CASE("report.html shows a scenario named <script> as text and holds no markup from the run") {
  Hostile h(false);
  const std::string html = html_report(h.in, analyse(h.in));
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("<svg onload") == std::string::npos);
  CHECK(html.find("<u>") == std::string::npos);
  CHECK(html.find("<i>x") == std::string::npos);
  CHECK(html.find("&lt;script&gt;v&lt;/script&gt;") != std::string::npos);  // the history's value
  CHECK(html.find("Content-Security-Policy") != std::string::npos);
}

TEST_CASE("report.html puts the verdict and repro first, then scenario, faults, anomalies, narrative, diagrams, charts") {
  Hostile h(false);
  const std::string html = html_report(h.in, analyse(h.in));
  std::size_t last = 0;
  for (const char* id : {"id=\"verdict\"", "id=\"repro\"", "id=\"scenario\"", "id=\"faults\"", "id=\"anomalies\"",
                         "id=\"narrative\"", "id=\"diagrams\"", "id=\"charts\""}) {
    const std::size_t at = html.find(id);
    INFO(id);
    REQUIRE(at != std::string::npos);
    CHECK(at > last);
    last = at;
  }
  CHECK(html.find("NOT AS EXPECTED") != std::string::npos);
  CHECK(html.find("id=\"schedules\"") != std::string::npos);  // original beside minimal
  CHECK(html.find("minimal.json (1 faults)") != std::string::npos);
  CHECK(html.find("nemesis[0]: 300 ms pause random-broker -&gt; broker-2") != std::string::npos);
}

TEST_CASE("junit.xml has one test case for the scenario and seed, and a failure carries the anomaly and the repro") {
  Hostile h(false);
  const std::string xml = junit_xml(h.in, analyse(h.in));
  CHECK(xml.find("<testcase classname=\"kafkasim.&lt;script&gt;alert(1)&lt;/script&gt;\" name=\"seed 7\"") !=
        std::string::npos);
  CHECK(xml.find("<failure message=\"lost-write\" type=\"lost-write\">") != std::string::npos);
  CHECK(xml.find("repro: kafkasim run &#39;&lt;img src=x onerror=alert(2)&gt;.json&#39; --seed 7") != std::string::npos);
  CHECK(xml.find("<script") == std::string::npos);
  CHECK(xml.find("tests=\"1\" failures=\"1\" errors=\"0\"") != std::string::npos);
}

TEST_CASE("junit.xml of a run that met its expectations has a passing test case") {
  Hostile h(true);
  h.in.failure_kinds.clear();
  const std::string xml = junit_xml(h.in, analyse(h.in));
  CHECK(xml.find("name=\"seed 7\" time=\"0.005\"/>") != std::string::npos);
  CHECK(xml.find("<failure") == std::string::npos);
  CHECK(xml.find("failures=\"0\"") != std::string::npos);
}

TEST_CASE("summary.md gives the verdict, the repro in a code block and the anomalies") {
  Hostile h(false);
  const std::string md = summary_markdown(h.in, analyse(h.in));
  CHECK(md.find("**not as expected**") != std::string::npos);
  CHECK(md.find("```sh\nkafkasim run '<img src=x onerror=alert(2)>.json' --seed 7\n```") != std::string::npos);
  CHECK(md.find("| lost-write | 1 | yes |") != std::string::npos);
  CHECK(md.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
}

TEST_CASE("a G1c witness gets a dependency-cycle diagram of its operations") {
  const checker::History h = checker::read_history_string(
      "{\"index\":0,\"process\":0,\"type\":\"invoke\",\"f\":\"txn\",\"value\":[[\"send\",\"x\",1],[\"poll\"]]}\n"
      "{\"index\":1,\"process\":0,\"type\":\"ok\",\"f\":\"txn\",\"value\":[[\"send\",\"x\",[0,1]],[\"poll\",{\"y\":[[0,2]]}]]}\n"
      "{\"index\":2,\"process\":1,\"type\":\"invoke\",\"f\":\"txn\",\"value\":[[\"send\",\"y\",2],[\"poll\"]]}\n"
      "{\"index\":3,\"process\":1,\"type\":\"ok\",\"f\":\"txn\",\"value\":[[\"send\",\"y\",[0,2]],[\"poll\",{\"x\":[[0,1]]}]]}\n");
  const checker::Verdict v = checker::check(h);
  REQUIRE(v.anomalies.count("G1c") == 1);
  ReportInput in;
  in.history = &h;
  in.verdict = &v;
  const Analysis a = analyse(in);
  CHECK(a.focus.anomaly == "G1c");
  const auto d = std::find_if(a.diagrams.begin(), a.diagrams.end(), [](const Diagram& x) { return x.name == "cycle"; });
  REQUIRE(d != a.diagrams.end());
  CHECK(d->dot.find("op1 -> op3 [label=\"wr\"") != std::string::npos);
  CHECK(d->dot.find("op3 -> op1 [label=\"wr\"") != std::string::npos);
  CHECK(d->svg.find("<svg") != std::string::npos);
  const std::string html = html_report(in, a);
  CHECK(html.find("id=\"diagram-cycle\"") != std::string::npos);
}

TEST_CASE("report.html and summary.md list the figures a workload measured, as text") {
  Hostile h(true);
  h.in.result["figures"] = nlohmann::ordered_json{{"request_to_match_p99_ms", 1520.0}, {"<script>", "x"}};
  const std::string html = html_report(h.in, analyse(h.in));
  const std::size_t figures = html.find("id=\"figures\"");
  REQUIRE(figures != std::string::npos);
  CHECK(figures > html.find("id=\"anomalies\""));
  CHECK(html.find("<td>request_to_match_p99_ms</td><td>1520.0</td>") != std::string::npos);
  CHECK(html.find("<td>&lt;script&gt;</td>") != std::string::npos);
  const std::string md = summary_markdown(h.in, analyse(h.in));
  CHECK(md.find("| request\\_to\\_match\\_p99\\_ms | 1520.0 |") != std::string::npos);
}

TEST_CASE("a report without figures has no figures section") {
  Hostile h(true);
  CHECK(html_report(h.in, analyse(h.in)).find("id=\"figures\"") == std::string::npos);
}
