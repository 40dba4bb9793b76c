// The history checker: Jepsen's Kafka-queue analyses (jepsen.tests.kafka)
// over a History, giving a Verdict with every anomaly and its witnesses.
//
//   History h = read_history_file("history.jsonl");
//   Verdict v = check(h, Options{});
//   std::cout << to_json(v).dump() << summary(v);
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/history.h"

namespace kafkasim::checker {

// Every anomaly name the checker reports (SPEC.md §4), in a fixed order.
const std::vector<std::string>& anomaly_names();
bool is_anomaly_name(std::string_view name);
// Anomalies reported as information only; they never make a history invalid.
bool is_informational(std::string_view name);  // "unseen"

struct Options {
  // Anomaly kinds that do not make a history invalid. When set, replaces
  // default_allowed(). REQUIRES: every name is_anomaly_name().
  std::optional<std::set<std::string>> allow;
  // Infer write-write dependencies from the version orders (Jepsen's
  // :ww-deps): G0 can only be found with it, and G1c cycles may use ww edges.
  bool ww_deps = false;
};

// Jepsen's allowed-error-types: int-send-skip and G0 always; poll-skip and
// nonmonotonic-poll when the history subscribes (a rebalance moves
// consumers); G1c with ww_deps (without write isolation, t0 <ww t1 <wr t0
// is normal).
std::set<std::string> default_allowed(const History& h, const Options& opts);

struct Stats {
  std::size_t ops = 0;     // every op in the history, invocations included
  std::size_t keys = 0;    // distinct keys
  std::size_t values = 0;  // distinct (key, value) pairs
};

struct Verdict {
  // No anomaly outside `allowed` (informational ones aside).
  bool valid = true;
  // Anomaly name -> witnesses, each a JSON object naming the key, value(s),
  // offset(s) and the index of every op that proves it. Sorted by key, then
  // op index or offset, then value. Names with no witness are absent.
  std::map<std::string, std::vector<nlohmann::json>> anomalies;
  std::set<std::string> allowed;
  Stats stats;

  // The names present that make the history invalid, sorted.
  std::vector<std::string> invalidating() const;
};

// Throws std::invalid_argument for an unknown name in opts.allow.
Verdict check(const History& h, const Options& opts = {});

// SPEC §4: {"valid": ..., "anomalies": {name: [witness, ...]}, "stats": {"ops": N, ...}}.
nlohmann::json to_json(const Verdict& v);

// A readable report: the verdict, then per anomaly its count, whether it is
// allowed, what it means, and up to `examples` witnesses.
std::string summary(const Verdict& v, std::size_t examples = 3);

// One sentence saying what an anomaly means ("" for an unknown name).
std::string_view describe_anomaly(std::string_view name);

}  // namespace kafkasim::checker
