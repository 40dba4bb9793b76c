// A KRaft voter's replicated log of metadata records (KIP-595), on the
// node's disk: a snapshot (KIP-630) covering the offsets below the log
// start offset, then one entry per offset, each stamped with the quorum
// epoch of the leader that appended it.
//
// Every change is flushed before the call returns: a voter reports an
// offset to the leader (and so counts toward the high watermark) only once
// its log holds it durably, and a leader counts its own log end only once
// flushed.
//
// INVARIANTS: entries are contiguous from start_offset(); their epochs
// never decrease; start_offset() == snapshot end offset (0 without one).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "broker-model/metadata.h"
#include "broker-model/metadata_snapshot.h"
#include "sim/disk.h"

namespace kafkasim::kafka {

struct RaftEntry {
  int32_t epoch = 0;
  MetadataRecord record;
};

// A position in the log: the end offset of an epoch (KIP-595's
// DivergingEpoch and OffsetAndEpoch).
struct OffsetAndEpoch {
  int64_t offset = 0;
  int32_t epoch = 0;
  bool operator==(const OffsetAndEpoch&) const = default;
};

class RaftLog {
 public:
  explicit RaftLog(sim::Disk& disk) : disk_(disk) {}

  // Reads the snapshot and the entries after it from the disk; a torn last
  // entry (or entries that do not follow on) are cut off.
  void load();

  int64_t start_offset() const { return start_offset_; }
  int64_t end_offset() const { return start_offset_ + static_cast<int64_t>(entries_.size()); }
  // The epoch of the last entry (the snapshot's when the log is empty).
  int32_t last_epoch() const;
  // REQUIRES: start_offset() <= offset < end_offset().
  const RaftEntry& at(int64_t offset) const { return entries_[static_cast<size_t>(offset - start_offset_)]; }
  const std::optional<MetadataSnapshot>& snapshot() const { return snapshot_; }

  // Appends and flushes. REQUIRES: epoch >= last_epoch().
  void append(int32_t epoch, const MetadataRecord& record);
  // Removes the entries at and above `end`. REQUIRES: end >= start_offset().
  void truncate_to(int64_t end);
  // The largest epoch <= `epoch` in the log and the offset where it ends
  // (the start of the next larger epoch, or the log end). {0, kNoOffset}
  // when the log knows no such epoch (it is below the snapshot).
  OffsetAndEpoch end_offset_for_epoch(int32_t epoch) const;

  // A snapshot of the committed prefix below snapshot.end_offset: stored
  // durably, then the entries below it are deleted.
  // REQUIRES: start_offset() < snapshot.end_offset <= end_offset().
  void take_snapshot(MetadataSnapshot snapshot);
  // Replaces the whole log with a snapshot fetched from the leader.
  void install_snapshot(MetadataSnapshot snapshot);

  static constexpr const char* kLogPath = "__cluster_metadata-0/00000000000000000000.log";
  static constexpr const char* kSnapshotPath = "__cluster_metadata-0/snapshot.checkpoint";

 private:
  // Rewrites the log file with the current entries and flushes it.
  void rewrite();
  static std::string encode(int64_t offset, const RaftEntry& entry);

  sim::Disk& disk_;
  std::optional<MetadataSnapshot> snapshot_;
  int64_t start_offset_ = 0;
  std::vector<RaftEntry> entries_;
  std::vector<uint64_t> end_bytes_;  // file size after each entry
};

}  // namespace kafkasim::kafka
