// kafkasim run --out: minimal.json of a shrunk seed (docs/shrinking.md) and
// the sweep's junit.xml and summary.md (docs/ci.md), end to end.
#include <catch2/catch.hpp>

#include <string>

#include "tests/cli/cli_support.h"

using namespace kafkasim::cli::test;

namespace {

// A planted bug that breaks the run whatever the seed, in a scenario that
// expects a valid run: every seed fails its expectations.
const std::string kFailing = std::string(KAFKASIM_SOURCE_DIR) + "/tests/fixtures/hw-truncation-expected-valid.json";
const std::string kBug = std::string(KAFKASIM_SOURCE_DIR) + "/scenarios/bugs/no-dedup-window.json";

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("a single seed that fails with --out is shrunk to a minimal.json that fails the same way", "[model]") {
  TempDir dir;
  Output o = run_kafkasim({"run", kFailing, "--seed", "5", "--out", dir.path()});
  INFO(o.out << o.err);
  REQUIRE(o.code == 1);
  const std::string minimal = dir.path("hw-truncation-expected-valid/seed-5/minimal.json");
  REQUIRE(fs::is_regular_file(minimal));
  CHECK(o.out.find("  minimal: " + minimal) != std::string::npos);
  CHECK(o.out.find("shrink: keeps invariant:acked-write-on-leader") != std::string::npos);
  CHECK(slurp(minimal).find("\"nemesis\"") == std::string::npos);

  // The file alone (its own seed, its own bugs) reproduces the failure.
  Output again = run_kafkasim({"run", minimal});
  INFO(again.out);
  CHECK(again.code == 1);
  CHECK(again.out.find("invariant acked-write-on-leader") != std::string::npos);
}

TEST_CASE("with no-shrink no minimal.json is written, and a run as expected is shrunk only when asked", "[model]") {
  TempDir dir;
  Output o = run_kafkasim({"run", kFailing, "--seed", "5", "--out", dir.path(), "--no-shrink"});
  CHECK(o.code == 1);
  CHECK(fs::is_directory(dir.path("hw-truncation-expected-valid/seed-5")));
  CHECK_FALSE(fs::exists(dir.path("hw-truncation-expected-valid/seed-5/minimal.json")));

  // A scenario that demonstrates a bug meets its expectations: nothing to shrink unless asked.
  o = run_kafkasim({"run", kBug, "--out", dir.path()});
  CHECK(o.code == 0);
  CHECK_FALSE(fs::exists(dir.path("no-dedup-window/seed-1/minimal.json")));
  o = run_kafkasim({"run", kBug, "--out", dir.path(), "--shrink", "--shrink-budget", "20"});
  INFO(o.err);
  CHECK(o.code == 0);
  CHECK(fs::is_regular_file(dir.path("no-dedup-window/seed-1/minimal.json")));
}

TEST_CASE("the shrink budget is a positive number of runs", "[model]") {
  Output o = run_kafkasim({"run", kBug, "--shrink-budget", "0"});
  CHECK(o.code == 2);
  CHECK(o.err.find("--shrink-budget: expected a number of runs from 1 to 100000, got \"0\"") != std::string::npos);
}

TEST_CASE("a sweep with --out writes DIR/junit.xml and DIR/summary.md with one test case per seed", "[model]") {
  TempDir dir;
  Output o = run_kafkasim({"run", kFailing, "--seeds", "1..3", "--jobs", "2", "--out", dir.path(), "--quiet"});
  INFO(o.err);
  REQUIRE(o.code == 1);
  const std::string xml = slurp(dir.path("junit.xml"));
  CHECK(count(xml, "<testcase ") == 3);
  CHECK(count(xml, "<failure ") == 3);
  CHECK(xml.find("hw-truncation-expected-valid seed 2\"") != std::string::npos);
  CHECK(xml.find("repro: kafkasim run " + kFailing + " --seed 2") != std::string::npos);
  CHECK(xml.find("report: " + dir.path("hw-truncation-expected-valid/seed-2")) != std::string::npos);
  const std::string md = slurp(dir.path("summary.md"));
  CHECK(md.find("## kafkasim sweep: 3 of 3 runs did not meet their expectations") == 0);
  CHECK(md.find("acked-write-on-leader") != std::string::npos);
  // A sweep does not shrink unless asked (a broken build could fail every seed).
  CHECK_FALSE(fs::exists(dir.path("hw-truncation-expected-valid/seed-2/minimal.json")));
}
