// The sweep's junit.xml and summary.md (reports/sweep_*.h): one test case
// per scenario and seed, failures with their anomalies and repro command,
// and nothing from a scenario or result that can break the XML or the
// markdown.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "reports/sweep_junit.h"
#include "reports/sweep_record.h"
#include "reports/sweep_summary.h"
#include "support/temp_dir.h"

using namespace kafkasim::reports;
using kafkasim::test::slurp;

namespace {

namespace fs = std::filesystem;

SweepCase passing(std::uint64_t seed) {
  SweepCase c;
  c.seed = seed;
  c.outcome = "seed " + std::to_string(seed) + ": as expected, valid";
  c.liveness = "ok";
  c.repro = "kafkasim run s.json --seed " + std::to_string(seed);
  c.wall_ms = 40;
  c.sim_time_ms = 60000;
  c.events = 1000;
  return c;
}

SweepCase lost_write(std::uint64_t seed) {
  SweepCase c = passing(seed);
  c.exit_code = 1;
  c.outcome = "seed " + std::to_string(seed) + ": NOT AS EXPECTED, invalid: lost-write x3";
  c.kinds = {"lost-write"};
  c.anomalies = {{"lost-write", 3}};
  c.wall_ms = 90;
  c.folder = "out/s/seed-" + std::to_string(seed);
  return c;
}

SweepRecord record(std::string name = "leader-failover") {
  SweepRecord r;
  r.scenario = std::move(name);
  r.scenario_path = "scenarios/replication/leader-failover.json";
  r.seeds = "1..3";
  r.cases = {passing(1), lost_write(2), passing(3)};
  r.elapsed_ms = 1500;
  return r;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("junit.xml has one test case per seed and a failure with the anomalies and repro", "[reports]") {
  const std::string xml = sweep_junit_xml({record()});
  CHECK(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", 0) == 0);
  CHECK(count(xml, "<testcase ") == 3);
  CHECK(count(xml, "<failure ") == 1);
  CHECK(xml.find("<testsuites name=\"kafkasim\" tests=\"3\" failures=\"1\" errors=\"0\"") != std::string::npos);
  CHECK(xml.find("name=\"leader-failover seed 2\" time=\"0.090\">\n      <failure type=\"lost-write\"") !=
        std::string::npos);
  CHECK(xml.find("anomalies: lost-write x3") != std::string::npos);
  CHECK(xml.find("repro: kafkasim run s.json --seed 2") != std::string::npos);
  CHECK(xml.find("report: out/s/seed-2") != std::string::npos);
}

TEST_CASE("a harness failure is a junit error, not a failure", "[reports]") {
  SweepRecord r = record();
  r.cases[2].exit_code = 3;
  r.cases[2].kinds = {"harness:deadlock"};
  const std::string xml = sweep_junit_xml({r});
  CHECK(count(xml, "<error type=\"harness:deadlock\"") == 1);
  CHECK(xml.find("failures=\"1\" errors=\"1\"") != std::string::npos);
}

TEST_CASE("junit.xml escapes what comes from scenarios and results and drops bytes XML cannot carry",
          "[reports]") {
  CHECK(xml_escape("<script>alert('x') & \"y\"</script>") ==
        "&lt;script&gt;alert(&apos;x&apos;) &amp; &quot;y&quot;&lt;/script&gt;");
  CHECK(xml_escape("a\x01" "b\x1b" "c\td\n") == "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\td\n");
  CHECK(xml_escape("caf\xC3\xA9 \xE2\x82\xAC") == "caf\xC3\xA9 \xE2\x82\xAC");  // valid UTF-8 stays
  CHECK(xml_escape("\xFF\xC3") == "\xEF\xBF\xBD\xEF\xBF\xBD");                    // invalid bytes do not
  CHECK(xml_escape("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");    // a surrogate

  SweepRecord r = record();
  r.scenario_path = "<script>evil</script>.json";
  r.cases[1].outcome = "seed 2: <b>\"bold\"</b> & \x02";
  const std::string xml = sweep_junit_xml({r});
  CHECK(xml.find("<script>") == std::string::npos);
  CHECK(xml.find("<b>") == std::string::npos);
  CHECK(xml.find('\x02') == std::string::npos);
  CHECK(xml.find("&lt;script&gt;evil&lt;/script&gt;.json") != std::string::npos);
}

TEST_CASE("summary.md gives the verdict, failed seeds by kind and a repro row per failed seed", "[reports]") {
  const std::string md = sweep_summary_markdown({record()});
  CHECK(md.rfind("## kafkasim sweep: 1 of 3 runs did not meet their expectations", 0) == 0);
  CHECK(md.find("| leader-failover | 1/1 | 1..3 | 3 | 2 | 1 | 0 |") != std::string::npos);
  CHECK(md.find("| lost-write | 2 |") != std::string::npos);
  CHECK(md.find("| 2 | seed 2: NOT AS EXPECTED, invalid: lost-write x3 | `kafkasim run s.json --seed 2` |") !=
        std::string::npos);
  CHECK(md.find("Slowest seed: 2 (90 ms wall") != std::string::npos);
  SweepRecord ok = record();
  ok.cases = {passing(1)};
  CHECK(sweep_summary_markdown({ok}).rfind("## kafkasim sweep: all 1 runs met their expectations", 0) == 0);
}

TEST_CASE("summary.md cells cannot inject HTML or split the table", "[reports]") {
  CHECK(markdown_cell("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert(1)&gt;");
  CHECK(markdown_cell("a|b\nc") == "a\\|b c");
  SweepRecord r = record();
  r.cases[1].repro = "kafkasim run `x`|y.json --seed 2";
  const std::string md = sweep_summary_markdown({r});
  CHECK(md.find("`kafkasim run 'x'\\|y.json --seed 2`") != std::string::npos);
}

TEST_CASE("sweeps of several scenarios into one folder give one junit.xml and summary.md covering all",
          "[reports]") {
  const fs::path dir = fs::temp_directory_path() / ("kafkasim-sweep-files-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  write_sweep_files(dir.string(), record("alpha"));
  SweepRecord beta = record("beta");
  beta.shard = "2/4";
  const auto files = write_sweep_files(dir.string(), beta);
  REQUIRE(files.size() == 2);
  std::string xml = slurp(dir / "junit.xml");
  CHECK(count(xml, "<testsuite ") == 2);
  CHECK(xml.find("<testsuite name=\"beta shard 2/4\"") != std::string::npos);

  // Sweeping a scenario again replaces its record.
  SweepRecord alpha = record("alpha");
  alpha.cases = {passing(7)};
  write_sweep_files(dir.string(), alpha);
  xml = slurp(dir / "junit.xml");
  CHECK(count(xml, "<testcase ") == 4);
  CHECK(xml.find("alpha seed 7") != std::string::npos);
  CHECK(xml.find("alpha seed 2") == std::string::npos);
  CHECK(slurp(dir / "summary.md").find("| beta | 2/4 |") != std::string::npos);

  // A record written by this code reads back equal.
  CHECK(sweep_record_from_json(to_json(beta)) == beta);
  fs::remove_all(dir);
}
