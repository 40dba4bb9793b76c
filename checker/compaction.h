// The compaction checker: what a consumer that reads a compacted topic
// from its start must see (docs/checker.md, "Compacted topics").
//
// The history has the SPEC §4 shape; KEY is a topic-partition ("kv/0") and
// each VALUE is the string "RECORDKEY=VALUE" for a record with that key and
// value, or "RECORDKEY=null" for a tombstone (the compacted-kv workload
// writes these). Tombstones of one record key share one VALUE, so VALUEs
// need not be unique; sends are told apart by their acknowledged offsets.
//
// A *final read* is the reads of a process whose first op was invoked
// after every send op had completed ok or fail; it covers the KEYs its
// assign or subscribe op named (or, without one, the KEYs it read). Per
// KEY and record key, with w the acknowledged send of the record key at the
// highest offset:
//   compaction-lost-key     w is a value, and a final read holds no record
//                           of the record key, while no info send of a
//                           tombstone could explain it;
//   compaction-stale-value  the last record of the record key in a final
//                           read is below w's offset (an older value, or a
//                           value resurrected after w deleted it), or a
//                           final read returns its records out of offset order;
//   compaction-early-delete w is a tombstone, a final read holds no record
//                           of the record key, and it read past w's offset
//                           sooner than delete.retention.ms after w was sent;
//   inconsistent-offsets    two VALUEs read or acknowledged at one offset.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "checker/check.h"
#include "checker/history.h"

namespace kafkasim::checker {

struct CompactionOptions {
  // delete.retention.ms of each KEY's topic, by KEY; others get the default.
  std::map<std::string, std::int64_t> delete_retention_ms;
  std::int64_t default_delete_retention_ms = 86'400'000;
  // Anomaly kinds that do not make the history invalid.
  std::set<std::string> allow;
};

// A compacted-kv VALUE, parsed: nullopt when it has no '='.
struct KvValue {
  std::string record_key;
  std::string value;  // empty for a tombstone
  bool tombstone = false;
};
std::optional<KvValue> parse_kv_value(ValueRef v);
// "RECORDKEY=VALUE", or "RECORDKEY=null" when value is nullopt.
std::string kv_value(std::string_view record_key, std::optional<std::string_view> value);

// The anomalies check_compaction reports, in a fixed order.
const std::vector<std::string>& compaction_anomaly_names();

// Checks a compacted-kv history. Witnesses name the KEY, the record key,
// the acknowledged send w (value, offset, index of its op) and what the
// final read held (value, offset, index of the op that read it; null when
// nothing), and the reader's process.
Verdict check_compaction(const History& h, const CompactionOptions& opts);

}  // namespace kafkasim::checker
