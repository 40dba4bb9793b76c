// Log retention (Kafka's UnifiedLog.deleteOldSegments, run by the
// LogManager every log.retention.check.interval.ms on every log whose
// cleanup.policy includes `delete`, leader and follower replicas alike):
//
//  1. by time: the oldest segments whose newest record is older than
//     retention.ms (record timestamps, CreateTime, against the broker's
//     local clock);
//  2. by size: while the log is larger than retention.bytes, the oldest
//     segments whose deletion keeps it at or above that size;
//  3. by log start offset: segments wholly below the log start offset (a
//     follower raises it to the leader's, which the fetch response carries).
//
// Only segments wholly below the high watermark are deleted; the active
// segment only when it is not empty and wholly below the HW, after rolling
// a new one (Log::delete_segments_before). The log start offset moves to the
// first remaining offset; a fetch below it gets OFFSET_OUT_OF_RANGE.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "broker-model/log.h"

namespace kafkasim::kafka {

struct RetentionConfig {
  int64_t retention_ms = 604'800'000;  // retention.ms; -1: no limit
  int64_t retention_bytes = -1;        // retention.bytes; -1: no limit
};

// One deletion: the offsets [start_offset, end_offset) went, and why.
struct RetentionDeletion {
  int64_t start_offset = 0;
  int64_t end_offset = 0;
  int segments = 0;
  std::string reason;  // "retention.ms=60000", "retention.bytes=1024", "log start offset 120"
};

// The segments deleted from the start of `log` by `predicate`'s rule, in
// the order above; nullopt when nothing went. `now_ms` is the broker's
// local time.
std::optional<RetentionDeletion> delete_by_time(Log& log, const RetentionConfig& config, int64_t now_ms);
std::optional<RetentionDeletion> delete_by_size(Log& log, const RetentionConfig& config);
std::optional<RetentionDeletion> delete_below_log_start(Log& log);

// Kafka's "retention: deleted orders-0 offsets [0, 120) (retention.ms=60000)"
// as the model records it (reports look for the "retention: deleted " prefix).
std::string describe(const Log& log, const RetentionDeletion& d);

}  // namespace kafkasim::kafka
