#include <algorithm>
#include <utility>

#include "checker/check.h"

namespace kafkasim::checker {

namespace {

const std::vector<std::pair<std::string, std::string_view>>& table() {
  static const std::vector<std::pair<std::string, std::string_view>> t = {
      {"lost-write",
       "an acknowledged send (or an info send proven by a read) at or below the highest position "
       "some consumer read, yet never read"},
      {"duplicate", "one value at two or more offsets of a key"},
      {"inconsistent-offsets", "two or more values at one offset of a key"},
      {"G1a", "an ok poll read a value whose send failed (aborted read)"},
      {"precommitted-read", "a transaction read a value it sent itself, before committing"},
      {"poll-skip", "a process's next poll skipped values after where its previous poll ended"},
      {"nonmonotonic-poll", "a process's next poll went back to or before where its previous poll ended"},
      {"nonmonotonic-send", "a process's next send landed at or before its previous send"},
      {"int-poll-skip", "consecutive reads of a key within one op skipped values"},
      {"int-nonmonotonic-poll", "consecutive reads of a key within one op went backwards or repeated"},
      {"int-send-skip", "consecutive sends to a key within one op had other values between them"},
      {"int-nonmonotonic-send", "consecutive sends to a key within one op landed out of order"},
      {"G0", "a cycle of write-write dependencies (write cycle)"},
      {"G1c", "a cycle of write-read (and, with ww-deps, write-write) dependencies"},
      {"unseen", "acknowledged values no ok poll read (information only)"},
      // The compaction checker's (checker/compaction.h; compacted-kv workload).
      {"compaction-lost-key",
       "compacted topic: a final read from the start lacks a key whose latest acknowledged write is a value"},
      {"compaction-stale-value",
       "compacted topic: a final read from the start ends a key below its latest acknowledged write, "
       "or reads a key's records out of offset order"},
      {"compaction-early-delete",
       "compacted topic: a tombstone vanished before delete.retention.ms had passed since it was written"},
      // The ride-sharing checker's (checker/ride_sharing.h; ride-sharing workload).
      {"double-booked-driver", "ride-sharing: a driver's trip started while another of its trips was still active"},
      {"double-charge", "ride-sharing: the payment gateway's ledger charged one trip twice or more"},
      {"missing-charge", "ride-sharing: a completed trip the payment gateway never charged, after recovery"},
      {"charge-without-trip", "ride-sharing: the payment gateway charged a trip that never completed"},
      {"lost-request", "ride-sharing: a request acknowledged to its rider that never got a match, rejection or cancellation"},
      // The ML pipeline checker's (checker/ml_check.h; ml-pipeline workload).
      {"missing-prediction", "an acknowledged sensor reading has no prediction"},
      {"duplicate-prediction", "a sensor reading has two or more predictions"},
      {"unknown-model-version", "a prediction names a model version not published before it was made"},
      {"stale-model", "a prediction used an older model well after a newer version was published and the system had recovered"},
      // The word-count checker's (checker/word_count.h; word-count workload).
      {"double-count", "word-count: a word's final committed count is above its occurrences in the sentences sent"},
      {"lost-count", "word-count: a word's final committed count is below its occurrences in the acknowledged sentences"},
  };
  return t;
}

}  // namespace

const std::vector<std::string>& anomaly_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (const auto& [name, what] : table()) n.push_back(name);
    return n;
  }();
  return names;
}

bool is_anomaly_name(std::string_view name) {
  const auto& n = anomaly_names();
  return std::find(n.begin(), n.end(), name) != n.end();
}

bool is_informational(std::string_view name) { return name == "unseen"; }

std::string_view describe_anomaly(std::string_view name) {
  for (const auto& [n, what] : table())
    if (n == name) return what;
  return {};
}

std::set<std::string> default_allowed(const History& h, const Options& opts) {
  std::set<std::string> allowed = {"int-send-skip", "G0"};
  if (h.has_subscribe()) allowed.insert({"poll-skip", "nonmonotonic-poll"});
  if (opts.ww_deps) allowed.insert("G1c");
  return allowed;
}

}  // namespace kafkasim::checker
