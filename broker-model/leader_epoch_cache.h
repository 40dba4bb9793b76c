// The leader-epoch cache of one partition replica (Kafka's
// LeaderEpochFileCache, KIP-101): for each leader epoch, the offset of the
// first record the log holds from that epoch.
//
// It answers OffsetsForLeaderEpoch (end_offset_for, with the KIP-279 rule
// that the answer names the epoch it belongs to), and it tells a follower
// where its log diverges from the leader's without trusting the high
// watermark (KIP-101).
//
// INVARIANT: entries are strictly increasing in both epoch and start offset.
// INVARIANT: the checkpoint file on disk holds exactly entries(): every
// change is written at once (temp file, flush, rename), as Kafka does.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kafkasim::sim {
class Disk;
}

namespace kafkasim::kafka {

// Kafka's OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH(_OFFSET).
inline constexpr int32_t kUndefinedEpoch = -1;
inline constexpr int64_t kUndefinedEpochOffset = -1;

struct EpochEntry {
  int32_t epoch = kUndefinedEpoch;
  int64_t start_offset = kUndefinedEpochOffset;
  bool operator==(const EpochEntry&) const = default;
};

// An OffsetsForLeaderEpoch answer: `end_offset` is the end (exclusive) of
// `epoch`, the largest known epoch <= the requested one.
struct EpochEndOffset {
  int32_t epoch = kUndefinedEpoch;
  int64_t end_offset = kUndefinedEpochOffset;
  bool undefined() const { return end_offset == kUndefinedEpochOffset; }
  bool operator==(const EpochEndOffset&) const = default;
};

class LeaderEpochCache {
 public:
  // The cache persisted in `checkpoint_file` on `disk`, loaded from it when
  // it exists. The disk must outlive the cache.
  LeaderEpochCache(sim::Disk& disk, std::string checkpoint_file);

  // Records that `epoch` starts at `start_offset`. As Kafka's assign:
  //  - no change when `epoch` is the latest epoch and `start_offset` is not
  //    below its start (later batches of the current epoch);
  //  - otherwise the new entry is taken as the truth: entries at its end
  //    with an epoch >= `epoch` or a start offset >= `start_offset` are
  //    dropped first (they would break the invariant), then it is added.
  // REQUIRES: epoch >= 0 and start_offset >= 0.
  void assign(int32_t epoch, int64_t start_offset);

  // kUndefinedEpoch when empty.
  int32_t latest_epoch() const;

  // KIP-279: for `requested_epoch`, the largest known epoch <= it and that
  // epoch's end offset: the start offset of the next higher known epoch, or
  // `log_end_offset` when the requested epoch is the latest one.
  // When every known epoch is above the request, Kafka answers with the
  // requested epoch and the first entry's start offset (the log's older
  // epochs were deleted; the follower truncates to where this log starts).
  // Undefined (kUndefinedEpoch, kUndefinedEpochOffset) when the request is
  // kUndefinedEpoch, the cache is empty, or the request is above the latest.
  EpochEndOffset end_offset_for(int32_t requested_epoch, int64_t log_end_offset) const;

  // Drops every entry with start offset >= `end_offset` (the log was
  // truncated to end there). No-op when `end_offset` < 0.
  void truncate_from_end(int64_t end_offset);

  // Drops every entry with start offset <= `start_offset` except the last of
  // them, which is moved to start at `start_offset` (the log now starts
  // there, inside that epoch). An entry starting after it is kept.
  void truncate_from_start(int64_t start_offset);

  // Drops every entry (Kafka's clearAndFlush).
  void clear();

  const std::vector<EpochEntry>& entries() const { return entries_; }
  const std::string& checkpoint_file() const { return checkpoint_file_; }

 private:
  void write_checkpoint();

  sim::Disk* disk_;
  std::string checkpoint_file_;
  std::vector<EpochEntry> entries_;
};

}  // namespace kafkasim::kafka
