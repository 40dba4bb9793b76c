#include "broker-model/log_retention.h"

#include <algorithm>

namespace kafkasim::kafka {
namespace {

// Whether segment i may go at all: wholly below the HW, and, for the active
// segment, not empty.
bool deletable(const Log& log, size_t i) {
  const LogSegment& s = log.segments()[i];
  if (s.next_offset() > log.high_watermark()) return false;
  return i + 1 < log.segments().size() || !s.empty();
}

// Deletes the first `count` segments.
std::optional<RetentionDeletion> delete_first(Log& log, size_t count, std::string reason) {
  if (count == 0) return std::nullopt;
  RetentionDeletion d;
  d.start_offset = log.segments().front().base_offset();
  const int64_t upto = log.segments()[count - 1].next_offset();
  d.segments = log.delete_segments_before(upto);
  d.end_offset = upto;
  d.reason = std::move(reason);
  if (d.segments == 0) return std::nullopt;
  return d;
}

}  // namespace

std::optional<RetentionDeletion> delete_by_time(Log& log, const RetentionConfig& config, int64_t now_ms) {
  if (config.retention_ms < 0) return std::nullopt;
  // A segment without records (the cleaner emptied it) has nothing to keep.
  auto expired = [&](const LogSegment& s) {
    const int64_t newest = s.largest_timestamp();
    return newest == INT64_MIN || now_ms - newest > config.retention_ms;
  };
  size_t count = 0;
  while (count < log.segments().size() && deletable(log, count) && expired(log.segments()[count])) ++count;
  return delete_first(log, count, "retention.ms=" + std::to_string(config.retention_ms));
}

std::optional<RetentionDeletion> delete_by_size(Log& log, const RetentionConfig& config) {
  if (config.retention_bytes < 0) return std::nullopt;
  const auto size = static_cast<int64_t>(log.size_bytes());
  if (size <= config.retention_bytes) return std::nullopt;
  int64_t excess = size - config.retention_bytes;
  size_t count = 0;
  while (count < log.segments().size() && deletable(log, count)) {
    const auto bytes = static_cast<int64_t>(log.segments()[count].size_bytes());
    if (excess - bytes < 0) break;
    excess -= bytes;
    ++count;
  }
  return delete_first(log, count, "retention.bytes=" + std::to_string(config.retention_bytes));
}

std::optional<RetentionDeletion> delete_below_log_start(Log& log) {
  size_t count = 0;
  while (count + 1 < log.segments().size() && log.segments()[count].next_offset() <= log.log_start_offset() &&
         deletable(log, count))
    ++count;
  return delete_first(log, count, "log start offset " + std::to_string(log.log_start_offset()));
}

std::string describe(const Log& log, const RetentionDeletion& d) {
  std::string partition = log.dir();
  if (!partition.empty() && partition.back() == '/') partition.pop_back();
  return "retention: deleted " + partition + " offsets [" + std::to_string(d.start_offset) + ", " +
         std::to_string(d.end_offset) + ") (" + d.reason + ")";
}

}  // namespace kafkasim::kafka
