// Property tests over synthetic histories (checker/synthetic.h): histories
// of a correct log are valid whatever the environment did; one injected
// fault is always flagged, by the right name.
#include <catch2/catch.hpp>

#include <string>

#include "checker/check.h"
#include "checker/synthetic.h"

using namespace kafkasim::checker;

namespace {

SyntheticOptions options(std::uint64_t seed, bool txn, Fault fault = Fault::none) {
  SyntheticOptions o;
  o.seed = seed;
  o.ops = 300 + seed % 7 * 100;
  o.keys = 1 + seed % 5;
  o.threads = 2 + seed % 6;
  o.txn = txn;
  o.fault = fault;
  return o;
}

std::string anomalies_of(const Verdict& v) {
  std::string s;
  for (const auto& [name, ws] : v.anomalies) s += name + "=" + std::to_string(ws.size()) + " ";
  return s;
}

}  // namespace

TEST_CASE("Histories of a correct log are valid despite crashes, timeouts and aborts",
          "[checker][property]") {
  for (bool txn : {false, true}) {
    for (std::uint64_t seed = 1; seed <= 150; ++seed) {
      Synthetic s = synthetic_history(options(seed, txn));
      Options ww;
      ww.ww_deps = true;
      for (const Options& o : {Options{}, ww}) {
        Verdict v = check(s.history, o);
        INFO("seed " << seed << " txn " << txn << " ww_deps " << o.ww_deps << ": " << anomalies_of(v));
        CHECK(v.valid);
        for (const auto& [name, ws] : v.anomalies) {
          // Only informational findings, and internal send skips in txns.
          bool expected = name == "unseen" || (txn && name == "int-send-skip");
          CHECK(expected);
        }
      }
    }
  }
}

TEST_CASE("Each injected fault is flagged by the right name", "[checker][property]") {
  const std::pair<Fault, const char*> faults[] = {
      {Fault::lost_write, "lost-write"},
      {Fault::duplicate, "duplicate"},
      {Fault::wrong_offset, "inconsistent-offsets"},
      {Fault::swapped_pair, "int-nonmonotonic-poll"},
      {Fault::failed_read, "G1a"},
  };
  for (const auto& [fault, name] : faults) {
    for (bool txn : {false, true}) {
      for (std::uint64_t seed = 1; seed <= 60; ++seed) {
        Synthetic s = synthetic_history(options(seed, txn, fault));
        Verdict v = check(s.history);
        INFO(name << " seed " << seed << " txn " << txn << " (" << s.detail << "): " << anomalies_of(v));
        REQUIRE(s.injected);
        CHECK_FALSE(v.valid);
        CHECK(v.anomalies.count(name) == 1);
      }
    }
  }
}

TEST_CASE("Checking is deterministic", "[checker][property]") {
  SyntheticOptions o = options(3, true, Fault::wrong_offset);
  History h = synthetic_history(o).history;
  std::string a = to_json(check(h)).dump(), b = to_json(check(synthetic_history(o).history)).dump();
  CHECK(a == b);
}

TEST_CASE("A large synthetic history is checked whole", "[checker][slow]") {
  SyntheticOptions o;
  o.seed = 11;
  o.ops = 2000000;
  o.keys = 16;
  o.threads = 20;
  o.txn = true;
  Verdict v = check(synthetic_history(o).history);
  CHECK(v.valid);
  CHECK(v.stats.ops > 2000000);
}
