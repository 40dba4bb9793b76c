// One segment of a partition replica's log (Kafka's LogSegment): the file
// "<dir><base offset, 20 digits>.log" holding encoded batches back to back,
// and the in-memory index of those batches by offset (Kafka keeps an offset
// index file; the model keeps the index in memory and rebuilds it when it
// recovers the segment).
//
// INVARIANT: entries() are the batches the file holds, in file order; entry
// i starts at byte entries()[i].position and the file is size_bytes() long.
// INVARIANT: batches are contiguous: the first starts at base_offset() and
// each right after the previous one's last offset. (A compacted batch keeps
// its offsets but not every record: records have holes, batches do not.)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker-model/record_batch.h"

namespace kafkasim::sim {
class Disk;
}

namespace kafkasim::kafka {

// What recovering one segment file found.
struct SegmentRecovery {
  uint64_t bytes_truncated = 0;           // invalid bytes cut from the end of the file
  DecodeStatus tail = DecodeStatus::kOk;  // kTorn or kCorrupt when bytes were cut
};

class LogSegment {
 public:
  struct Entry {
    BatchPtr batch;
    uint64_t position = 0;  // byte offset in the file
    uint64_t size = 0;      // bytes in the file
  };

  // "<dir><base offset as 20 decimal digits>.log", Kafka's file name.
  // REQUIRES: base_offset >= 0.
  static std::string file_name(const std::string& dir, int64_t base_offset);
  // The base offset `file` names when it is exactly a segment file of `dir`.
  static std::optional<int64_t> parse_file_name(const std::string& dir, std::string_view file);

  // A new segment with an empty file. REQUIRES: the file does not exist.
  static LogSegment create(sim::Disk& disk, const std::string& dir, int64_t base_offset);

  // An existing segment file, recovered as Kafka's LogSegment.recover does:
  // decodes batches from the start and keeps the longest valid prefix (every
  // CRC right, offsets contiguous from max(base_offset, first_offset), where
  // first_offset is where the previous segment ends), cutting the file after
  // it. *report says what was cut.
  static LogSegment recover(sim::Disk& disk, std::string file, int64_t base_offset, int64_t first_offset,
                            SegmentRecovery* report);

  int64_t base_offset() const { return base_offset_; }
  const std::string& file() const { return file_; }
  bool empty() const { return entries_.empty(); }
  // One past the last batch's last offset; base_offset() when empty.
  int64_t next_offset() const { return empty() ? base_offset_ : entries_.back().batch->last_offset() + 1; }
  uint64_t size_bytes() const { return size_bytes_; }
  const std::vector<Entry>& entries() const { return entries_; }
  // The largest record timestamp (retention and min.compaction.lag.ms
  // judge a segment by it); INT64_MIN when the segment holds no record.
  int64_t largest_timestamp() const;
  // The index of the first entry whose last offset is >= `offset`, that is
  // the batch holding `offset` when there is one; entries().size() if none.
  size_t find(int64_t offset) const;

  // Appends `batch`, whose on-disk form is `encoded`, to the file (page cache).
  // REQUIRES: batch->base_offset >= next_offset().
  void append(BatchPtr batch, std::string_view encoded);
  // Removes every batch whose last offset is >= `offset`, from the file too:
  // a batch holding `offset` goes whole, as in Kafka.
  void truncate_to(int64_t offset);
  // Flushes the file when it changed since the last flush (or was recovered).
  void flush();
  // Removes the file. The segment must not be used afterwards.
  void remove_file();

 private:
  LogSegment(sim::Disk& disk, std::string file, int64_t base_offset)
      : disk_(&disk), file_(std::move(file)), base_offset_(base_offset) {}

  sim::Disk* disk_;
  std::string file_;
  int64_t base_offset_;
  std::vector<Entry> entries_;
  uint64_t size_bytes_ = 0;
  bool dirty_ = false;  // the file may hold unflushed changes
};

}  // namespace kafkasim::kafka
