// One partition replica's log on one broker's disk (Kafka's UnifiedLog with
// its LocalLog): segments, log start offset, log end offset (LEO), high
// watermark (HW), recovery point and leader-epoch cache, all under the name
// prefix `dir` ("orders-0/"):
//   <dir>00000000000000000000.log   segments, named by base offset
//   <dir>leader-epoch-checkpoint     the leader-epoch cache (KIP-101)
//   <dir>replication-offset-checkpoint   the HW, when the broker checkpoints it
// docs/log-storage.md describes the layout, recovery and what is durable.
//
// INVARIANT: log_start_offset() <= high_watermark() <= log_end_offset().
// INVARIANT: batches are contiguous: each starts where the previous one
// ended, and the LEO is one past the last batch's last offset. A batch the
// log cleaner compacted keeps its offsets but may hold only some of its
// records, or none (record_batch.h): records have holes, batches do not.
// INVARIANT: there is always at least one segment; the last is the active
// segment, the only one appended to.
// INVARIANT: every epoch-cache entry starts below the LEO, or at it when a
// new leader assigned its epoch before appending (assign_epoch).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "broker-model/leader_epoch_cache.h"
#include "broker-model/log_segment.h"
#include "broker-model/record_batch.h"

namespace kafkasim::sim {
class Disk;
}

namespace kafkasim::kafka {

// Kafka's defaults: nothing is fsynced by the log itself; durability comes
// from replication.
struct LogConfig {
  int64_t segment_bytes = int64_t{1} << 30;          // segment.bytes
  int64_t flush_interval_messages = INT64_MAX;        // flush.messages
  int64_t flush_interval_ms = INT64_MAX;              // flush.ms
};

// What Log::open found and repaired, for tests and reports.
struct LogRecoveryInfo {
  int32_t segments_loaded = 0;
  int64_t batches_loaded = 0;
  // Invalid bytes cut from the end of the segment where the valid log ends.
  uint64_t bytes_truncated = 0;
  DecodeStatus invalid_tail = DecodeStatus::kOk;  // kTorn or kCorrupt when bytes were cut
  std::string invalid_segment;                    // that segment's file; empty when all was valid
  // Segments after an invalid one, deleted whole, and the bytes they held.
  int32_t segments_deleted = 0;
  uint64_t bytes_deleted = 0;
  // Checkpointed epoch entries that started at or beyond the recovered LEO.
  int32_t epoch_entries_dropped = 0;
  // Epoch entries rebuilt from the batches' partition_leader_epoch.
  int32_t epoch_entries_rebuilt = 0;
  // The HW checkpoint as found (0 when absent), and whether the HW had to
  // be clamped into [log start offset, LEO].
  int64_t checkpointed_high_watermark = 0;
  bool high_watermark_clamped = false;
};

class Log {
 public:
  // Creates the log in `dir` (a '/' is appended when missing), or recovers
  // it after any kind of shutdown, as Kafka's LogLoader does after an
  // unclean one:
  //  1. each segment file, in offset order, is decoded and checked (CRC,
  //     increasing offsets); at the first torn or corrupt batch the file is
  //     cut there and every later segment file is deleted;
  //  2. the LEO is where the valid batches end;
  //  3. the leader-epoch checkpoint is loaded, truncated to the LEO, and
  //     completed from the batches' epochs (an epoch above the latest entry
  //     starts at its first batch), then truncated to the log start;
  //  4. the HW is read from the HW checkpoint (0 when absent) and clamped
  //     into [log start offset, LEO].
  // A fresh log gets an empty segment at offset 0. recovery_info() reports
  // what was done. Throws std::runtime_error on a malformed checkpoint file.
  static std::unique_ptr<Log> open(sim::Disk& disk, std::string dir, LogConfig config);

  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;

  const std::string& dir() const { return dir_; }
  sim::Disk& disk() const { return *disk_; }
  const LogConfig& config() const { return config_; }
  const LogRecoveryInfo& recovery_info() const { return recovery_; }

  int64_t log_start_offset() const { return log_start_offset_; }
  int64_t log_end_offset() const { return segments_.back().next_offset(); }
  int64_t high_watermark() const { return high_watermark_; }
  // Offsets below it are flushed (Kafka's recovery point).
  int64_t recovery_point() const { return recovery_point_; }
  // The latest epoch in the epoch cache; kUndefinedEpoch when empty.
  int32_t latest_epoch() const { return epoch_cache_.latest_epoch(); }
  // The partition_leader_epoch of the last batch; kUndefinedEpoch when the log is empty.
  int32_t last_batch_epoch() const;

  const LeaderEpochCache& leader_epoch_cache() const { return epoch_cache_; }
  // OffsetsForLeaderEpoch against this log (KIP-279): the epoch cache's
  // answer with this log's LEO.
  EpochEndOffset end_offset_for_epoch(int32_t epoch) const {
    return epoch_cache_.end_offset_for(epoch, log_end_offset());
  }

  // Appends a produced batch: base_offset = LEO, partition_leader_epoch =
  // leader_epoch; assigns (leader_epoch, LEO) in the epoch cache when the
  // epoch is new. Returns the stored batch, shared with every reader.
  // REQUIRES: batch.records is not empty, leader_epoch >= 0, and the batch
  // is no larger than segment_bytes (Kafka: RecordBatchTooLargeException).
  BatchPtr append_as_leader(RecordBatch batch, int32_t leader_epoch);

  // Appends a batch fetched from the leader, as it is (shared, not copied),
  // and assigns its epoch in the epoch cache when it is new.
  // REQUIRES: batch->base_offset == log_end_offset(); records not empty
  // unless compacted (the leader's cleaner may have emptied it); no larger
  // than segment_bytes.
  void append_as_follower(BatchPtr batch);

  // Records that `epoch` starts at `start_offset` (Kafka's
  // maybeAssignEpochStartOffset). A new leader calls it with its LEO before
  // appending anything, so that OffsetsForLeaderEpoch answers correctly for
  // the previous epoch (KAFKA-7415).
  // REQUIRES: epoch >= 0 and 0 <= start_offset <= log_end_offset().
  void assign_epoch(int32_t epoch, int64_t start_offset);

  // Whole batches, from the one holding `from_offset` on, in offset order:
  // at least one batch when there is any (even if larger than max_bytes, as
  // Kafka's minOneMessage), then more while the total stays <= max_bytes,
  // never a batch whose last offset is >= max_offset_exclusive (the HW for
  // consumers, the LEO for followers: a batch the bound cuts is left out).
  // REQUIRES: log_start_offset() <= from_offset <= log_end_offset();
  // otherwise throws std::out_of_range (Kafka's OffsetOutOfRangeException).
  std::vector<BatchPtr> read(int64_t from_offset, int64_t max_bytes, int64_t max_offset_exclusive) const;

  // Removes every record at offset >= `offset`, on disk and in memory. As in
  // Kafka (LogSegment.truncateTo), a batch holding `offset` is removed whole,
  // so the LEO becomes that batch's base offset, which may be below `offset`.
  // When `offset` is below the first segment, the log restarts empty there
  // (truncate_fully_and_start_at). The epoch cache drops entries starting at
  // or after `offset` (at or after the LEO when nothing is truncated, as
  // Kafka does); HW = min(HW, LEO). The truncation reaches the disk's page
  // cache only: like Kafka, it is not flushed until the next flush.
  // REQUIRES: offset >= 0.
  void truncate_to(int64_t offset);

  // Deletes every segment and restarts the log, empty, at `offset`: log
  // start = LEO = HW = offset; the epoch cache is cleared. A follower does
  // this when the leader's log starts beyond its own LEO.
  // REQUIRES: offset >= 0.
  void truncate_fully_and_start_at(int64_t offset);

  // Sets the HW, raised to the log start offset when below it (as Kafka's
  // updateHighWatermark). It may go down: callers that must only raise it
  // check themselves. REQUIRES: hw <= log_end_offset().
  void set_high_watermark(int64_t hw);
  // Writes the HW to "<dir>replication-offset-checkpoint" (temp file,
  // flush, rename: durable at once). Kafka's broker does this every
  // replica.high.watermark.checkpoint.interval.ms; the broker model calls it.
  void checkpoint_high_watermark();
  // The HW in the checkpoint file: as read at open (0 when absent), then as
  // last written by checkpoint_high_watermark().
  int64_t checkpointed_high_watermark() const { return checkpointed_high_watermark_; }

  // Flushes every segment with unflushed changes; recovery point = LEO.
  void flush();
  // Applies flush.messages (also checked after each append) and flush.ms.
  // The log has no clock: flush.ms counts from the first call after open or
  // after a flush, so a flush comes at most one call period late.
  void maybe_flush(int64_t now_ms);
  // Messages appended since the last flush: LEO - recovery point.
  int64_t unflushed_messages() const { return log_end_offset() - recovery_point_; }

  int segment_count() const { return static_cast<int>(segments_.size()); }
  // The segment files, in offset order.
  std::vector<std::string> segment_files() const;
  const std::vector<LogSegment>& segments() const { return segments_; }

  // Retention: deletes the oldest segments whose records all lie below
  // `offset` and moves the log start offset to the first remaining one.
  // When that is every segment, a new empty active segment is rolled first,
  // as Kafka does. Returns the number of segments deleted.
  // REQUIRES: offset <= high_watermark() (Kafka deletes only committed data).
  int delete_segments_before(int64_t offset);
  // Raises the log start offset to `offset` (Kafka's
  // maybeIncrementLogStartOffset, as DeleteRecords does); no-op when not
  // higher. Reads below it are out of range; segments stay until retention.
  // The epoch cache is truncated from the start. Not persisted: after a
  // restart the log starts at its first segment (Kafka keeps it in the
  // log-start-offset-checkpoint, which the model does not have yet).
  // REQUIRES: offset <= high_watermark().
  void set_log_start_offset(int64_t offset);

  // Bytes in all segment files.
  uint64_t size_bytes() const;

  // Log compaction (log_cleaner.h): replaces segments [first, first+count)
  // with one segment holding `cleaned`, the same batches compacted, crash
  // safely as Kafka's Cleaner and LogLoader do: the new segment is written
  // to "<base>.log.cleaned" and flushed, renamed to "<base>.log.swap", the
  // old segment files are deleted, and the swap file is renamed to
  // "<base>.log". Recovery (open) deletes a leftover .cleaned file and
  // completes a leftover .swap file.
  // REQUIRES: count >= 1; the segments are not the active one; `cleaned`
  // holds, in order, one batch for every batch of those segments, with the
  // same base and last offsets.
  void replace_segments(size_t first, size_t count, const std::vector<BatchPtr>& cleaned);

 private:
  Log(sim::Disk& disk, std::string dir, LogConfig config);

  void recover();
  void recover_segments();
  void recover_swap_files();
  void recover_epoch_cache();
  void recover_high_watermark();
  void append(BatchPtr batch);
  void roll();
  void delete_all_segments();
  std::string high_watermark_file() const { return dir_ + "replication-offset-checkpoint"; }

  sim::Disk* disk_;
  std::string dir_;
  LogConfig config_;
  std::vector<LogSegment> segments_;  // by base offset
  LeaderEpochCache epoch_cache_;
  int64_t log_start_offset_ = 0;
  int64_t high_watermark_ = 0;
  int64_t recovery_point_ = 0;
  int64_t checkpointed_high_watermark_ = 0;
  std::optional<int64_t> last_flush_ms_;
  LogRecoveryInfo recovery_;
  std::string encode_buffer_;  // reused by appends
};

}  // namespace kafkasim::kafka
