// Log compaction (Kafka's LogCleaner, Cleaner and LogCleanerManager;
// tombstone delete horizons after KIP-534): for topics whose cleanup.policy
// includes `compact`, a broker's cleaner rewrites the old segments of a log
// so that they keep, for every key, only its last record. Offsets are kept:
// a compacted batch keeps its base and last offset and holds the records it
// retained at their own offsets (record_batch.h), so readers see holes.
//
// The parts of a log, as LogCleanerManager.cleanableOffsets divides them:
//
//   log start      first dirty          first uncleanable           LEO
//      | clean (cleaned before) | dirty (cleanable) | not cleanable yet |
//
// The first uncleanable offset is the lowest of: the active segment's base
// offset (the active segment is never cleaned), the high watermark, the
// first offset of a transaction still open in this log (the first unstable
// offset, which bounds the LSO: a cleaner never looks past it), and the base
// offset of the first segment holding a record younger than
// min.compaction.lag.ms; then lowered to a segment boundary, since the model
// cleans whole segments only.
//
// A pass over a log (clean_log):
//  1. the offset map: for each key, the offset of its last record in the
//     dirty section (records of aborted transactions, control batches and
//     records without a key take no part);
//  2. every segment below the first uncleanable offset is rewritten,
//     keeping a record when no later record of its key is in the map; a
//     tombstone (null value) is kept until its batch's delete horizon
//     (KIP-534: stamped now + delete.retention.ms by the first pass that
//     keeps it) has passed; records of aborted transactions and records
//     without a key are removed; control batches (transaction markers) are
//     kept whole;
//  3. segments are rewritten in groups whose size together is at most
//     segment.bytes, each group into one new segment, crash-safely
//     (Log::replace_segments);
//  4. the first dirty offset becomes the first uncleanable one.
// Every batch header stays, even when all its records go (Kafka drops
// empty batches except the last of each producer): batches stay contiguous
// and the producer state rebuilt from the log keeps every sequence.
//
// The first dirty offset of each log (Kafka's cleaner-offset-checkpoint)
// is kept in memory only: after a restart the whole log counts as dirty
// and is cleaned again, which is wasted work but never wrong.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "broker-model/log.h"

namespace kafkasim::kafka {

// A log's compaction settings (topic configs, broker defaults).
struct CleanerConfig {
  double min_cleanable_dirty_ratio = 0.5;      // min.cleanable.dirty.ratio
  int64_t min_compaction_lag_ms = 0;           // min.compaction.lag.ms
  int64_t delete_retention_ms = 86'400'000;    // delete.retention.ms
  int64_t segment_bytes = int64_t{1} << 30;    // segment.bytes: the largest cleaned segment
};

// LogCleanerManager.cleanableOffsets, and what the cleaner decides from it.
struct CleanableRange {
  int64_t first_dirty_offset = 0;
  int64_t first_uncleanable_offset = 0;  // a segment boundary, >= first_dirty_offset
  uint64_t clean_bytes = 0;              // segments below first_dirty_offset
  uint64_t dirty_bytes = 0;              // segments in [first_dirty, first_uncleanable)
  // The earliest delete horizon of a batch holding a tombstone below the
  // first uncleanable offset, or INT64_MAX.
  int64_t earliest_delete_horizon_ms = INT64_MAX;

  double dirty_ratio() const {
    const uint64_t total = clean_bytes + dirty_bytes;
    return total == 0 ? 0.0 : static_cast<double>(dirty_bytes) / static_cast<double>(total);
  }
  // Worth a pass: the dirty ratio reached min.cleanable.dirty.ratio with
  // something dirty, or a tombstone's delete horizon has passed (KIP-534).
  bool needs_cleaning(const CleanerConfig& config, int64_t now_ms) const {
    return (dirty_bytes > 0 && dirty_ratio() >= config.min_cleanable_dirty_ratio) ||
           earliest_delete_horizon_ms <= now_ms;
  }
};

// The parts of `log` for a cleaner whose checkpoint says `first_dirty`
// (clamped into [log start, LEO]; the log start when out of it).
CleanableRange cleanable_range(const Log& log, int64_t first_dirty, const CleanerConfig& config, int64_t now_ms);

struct CleanStats {
  int64_t start_offset = 0;       // the cleaned offsets: [start_offset, end_offset)
  int64_t end_offset = 0;
  int segments_rewritten = 0;     // old segments replaced
  int64_t records_removed = 0;    // tombstones included
  int64_t tombstones_removed = 0;
};

// One cleaning pass over `log` (steps 1-3 above) for `range`, at local time
// `now_ms`. REQUIRES: range comes from cleanable_range(log, ...) with no
// change to the log since.
CleanStats clean_log(Log& log, const CleanableRange& range, const CleanerConfig& config, int64_t now_ms);

// A broker's cleaner state: the first dirty offset of each log, by log
// directory. Volatile (see above).
class CleanerCheckpoints {
 public:
  int64_t first_dirty(const Log& log) const {
    auto it = offsets_.find(log.dir());
    return it == offsets_.end() ? log.log_start_offset() : it->second;
  }
  void set(const Log& log, int64_t offset) { offsets_[log.dir()] = offset; }

 private:
  std::map<std::string, int64_t> offsets_;
};

}  // namespace kafkasim::kafka
