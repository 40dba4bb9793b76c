// Usage and input errors of the kafkasim binary: exit 2 with a message
// that says what is wrong and where. None of these runs a simulation.
#include <catch2/catch.hpp>

#include "tests/cli/cli_support.h"

using namespace kafkasim::cli::test;

TEST_CASE("kafkasim with no command prints the help and exits 2") {
  Output o = run_kafkasim({});
  CHECK(o.code == 2);
  CHECK_THAT(o.out, Catch::Contains("usage:"));
}

TEST_CASE("kafkasim --help lists every command, the exit codes and examples") {
  Output o = run_kafkasim({"--help"});
  CHECK(o.code == 0);
  for (const char* s : {"kafkasim run", "kafkasim check", "kafkasim replay", "kafkasim list", "Exit status",
                        "examples:", "--seeds A..B", "--shard K/N"}) {
    CHECK_THAT(o.out, Catch::Contains(s));
  }
}

TEST_CASE("kafkasim help COMMAND and COMMAND --help print that command's usage") {
  for (const char* cmd : {"run", "replay", "list", "check"}) {
    Output a = run_kafkasim({"help", cmd});
    Output b = run_kafkasim({cmd, "--help"});
    CHECK(a.code == 0);
    CHECK(b.code == 0);
    CHECK_THAT(a.out, Catch::Contains(std::string("kafkasim ") + cmd));
    CHECK(a.out.find("usage:") != std::string::npos);
  }
  CHECK_THAT(run_kafkasim({"help", "run"}).out, Catch::Contains("--event-budget N"));
  Output bad = run_kafkasim({"help", "frobnicate"});
  CHECK(bad.code == 2);
  CHECK_THAT(bad.err, Catch::Contains("unknown command \"frobnicate\""));
}

TEST_CASE("an unknown command is a usage error") {
  Output o = run_kafkasim({"rnu"});
  CHECK(o.code == 2);
  CHECK_THAT(o.err, Catch::Contains("unknown command 'rnu'"));
}

TEST_CASE("kafkasim run usage errors exit 2 with a message and print nothing on stdout") {
  TempDir dir;
  const std::string scenario = dir.write("s.json", small_scenario());
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"run"}, "missing SCENARIO.json"},
      {{"run", scenario, scenario}, "one scenario file only"},
      {{"run", scenario, "--seed", "1", "--seeds", "1..3"}, "not both"},
      {{"run", scenario, "--seed"}, "--seed needs a value"},
      {{"run", scenario, "--seed", "-3"}, "--seed: expected a seed"},
      {{"run", scenario, "--seed", "18446744073709551616"}, "larger than 2^64-1"},
      {{"run", scenario, "--seeds", "9..2"}, "9 is greater than 2"},
      {{"run", scenario, "--seeds", "1-5"}, "A..B"},
      {{"run", scenario, "--shard", "0/3"}, "K must be from 1 to N = 3"},
      {{"run", scenario, "--shard", "4/3"}, "K must be from 1 to N"},
      {{"run", scenario, "--jobs", "0"}, "--jobs: expected a number from 1 to 1024"},
      {{"run", scenario, "--bug", "no-such-bug"}, "unknown bug \"no-such-bug\""},
      {{"run", scenario, "--event-budget", "0"}, "--event-budget: expected a positive number"},
      {{"run", scenario, "--trace", "loud"}, "--trace: expected none, events or all"},
      {{"run", scenario, "--frobnicate"}, "unknown option --frobnicate"},
      {{"run", scenario, "--json=yes"}, "--json takes no value"},
      {{"run", scenario, "--seeds", "0..18446744073709551615"}, "split it with --shard"},
  };
  for (const auto& [args, message] : cases) {
    INFO("kafkasim " << args[0] << " ... " << args.back());
    Output o = run_kafkasim(args);
    CHECK(o.code == 2);
    CHECK_THAT(o.err, Catch::Contains(message));
    CHECK(o.out.empty());
  }
}

TEST_CASE("a scenario file that does not exist is exit 2 naming the file") {
  Output o = run_kafkasim({"run", "/nonexistent/leader-failover.json"});
  CHECK(o.code == 2);
  CHECK_THAT(o.err, Catch::Contains("leader-failover.json"));
}

TEST_CASE("a malformed scenario is exit 2 naming the file and the JSON path, with nothing written to --out") {
  TempDir dir;
  std::string text = small_scenario();
  text.replace(text.find("\"partitions\": 1"), 15, "\"partitions\": \"three\"");
  const std::string bad = dir.write("bad-partitions.json", text);
  const std::string out = dir.path("out");
  Output o = run_kafkasim({"run", bad, "--out", out, "--seeds", "1..4", "--jobs", "2"});
  CHECK(o.code == 2);
  CHECK_THAT(o.err, Catch::Contains("bad-partitions.json"));
  CHECK_THAT(o.err, Catch::Contains("topics[0].partitions"));
  CHECK_THAT(o.err, Catch::Contains("\"three\""));
  CHECK(o.out.empty());
  CHECK_FALSE(fs::exists(out));

  const std::string typo = dir.write("typo.json", small_scenario("typo", ",\n  \"recovery\": 5"));
  o = run_kafkasim({"run", typo, "--json", "--out", out});
  CHECK(o.code == 2);
  CHECK_THAT(o.err, Catch::Contains("typo.json"));
  CHECK_THAT(o.err, Catch::Contains("recovery"));
  CHECK(o.out.empty());
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("kafkasim replay of a missing or malformed result is exit 2") {
  TempDir dir;
  Output o = run_kafkasim({"replay", dir.path("nope.json")});
  CHECK(o.code == 2);
  CHECK_THAT(o.err, Catch::Contains("nope.json"));
  o = run_kafkasim({"replay", dir.write("bad.json", "{\"seed\": 1")});
  CHECK(o.code == 2);
  CHECK_THAT(o.err, Catch::Contains("invalid JSON"));
  o = run_kafkasim({"replay", dir.write("partial.json", "{\"seed\": 1}")});
  CHECK(o.code == 2);
  CHECK_THAT(o.err, Catch::Contains("missing key"));
  o = run_kafkasim({"replay"});
  CHECK(o.code == 2);
  CHECK_THAT(o.err, Catch::Contains("missing RESULT.json"));
}

TEST_CASE("kafkasim list prints faults, bugs and checkers, and refuses an unknown topic") {
  Output o = run_kafkasim({"list", "faults"});
  CHECK(o.code == 0);
  for (const char* kind : {"crash", "power-loss", "restart", "pause", "resume", "partition", "heal", "clog", "clock-skew"}) {
    CHECK_THAT(o.out, Catch::Contains(kind));
  }
  o = run_kafkasim({"list", "bugs"});
  CHECK(o.code == 0);
  CHECK_THAT(o.out, Catch::Contains("hw-truncation"));
  CHECK_THAT(o.out, Catch::Contains("KIP-101"));
  o = run_kafkasim({"list", "checkers"});
  CHECK(o.code == 0);
  CHECK_THAT(o.out, Catch::Contains("lost-write"));
  CHECK_THAT(o.out, Catch::Contains("G1c"));
  o = run_kafkasim({"list"});
  CHECK(o.code == 0);
  CHECK_THAT(o.out, Catch::Contains("scenarios ("));
  CHECK_THAT(o.out, Catch::Contains("bugs ("));
  o = run_kafkasim({"list", "widgets"});
  CHECK(o.code == 2);
  CHECK_THAT(o.err, Catch::Contains("unknown topic \"widgets\""));
}
