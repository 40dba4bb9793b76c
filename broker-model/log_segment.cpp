#include "broker-model/log_segment.h"

#include <algorithm>
#include <stdexcept>

#include "sim/disk.h"

namespace kafkasim::kafka {

namespace {
constexpr size_t kOffsetDigits = 20;
constexpr std::string_view kSuffix = ".log";
}  // namespace

std::string LogSegment::file_name(const std::string& dir, int64_t base_offset) {
  if (base_offset < 0) throw std::logic_error("segment base offset " + std::to_string(base_offset));
  std::string digits = std::to_string(base_offset);
  return dir + std::string(kOffsetDigits - digits.size(), '0') + digits + std::string(kSuffix);
}

std::optional<int64_t> LogSegment::parse_file_name(const std::string& dir, std::string_view file) {
  if (file.size() != dir.size() + kOffsetDigits + kSuffix.size() || file.substr(0, dir.size()) != dir ||
      file.substr(dir.size() + kOffsetDigits) != kSuffix)
    return std::nullopt;
  const std::string_view digits = file.substr(dir.size(), kOffsetDigits);
  uint64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<uint64_t>(c - '0');
    if (value > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  }
  return static_cast<int64_t>(value);
}

LogSegment LogSegment::create(sim::Disk& disk, const std::string& dir, int64_t base_offset) {
  LogSegment segment(disk, file_name(dir, base_offset), base_offset);
  if (disk.exists(segment.file_)) throw std::logic_error("segment file already exists: " + segment.file_);
  disk.append(segment.file_, "");
  return segment;
}

LogSegment LogSegment::recover(sim::Disk& disk, std::string file, int64_t base_offset, int64_t first_offset,
                               SegmentRecovery* report) {
  LogSegment segment(disk, std::move(file), base_offset);
  segment.dirty_ = true;  // whether the page cache was ever flushed is unknown
  const std::string_view data = disk.read(segment.file_);
  int64_t expected = std::max(base_offset, first_offset);
  uint64_t valid = 0;
  *report = SegmentRecovery{};
  while (valid < data.size()) {
    DecodedBatch d = decode_batch(data.substr(valid));
    if (d.status == DecodeStatus::kOk && d.batch->base_offset != expected) d.status = DecodeStatus::kCorrupt;
    if (d.status != DecodeStatus::kOk) {
      report->tail = d.status;
      break;
    }
    expected = d.batch->last_offset() + 1;
    segment.entries_.push_back(Entry{std::move(d.batch), valid, d.size_bytes});
    valid += d.size_bytes;
  }
  segment.size_bytes_ = valid;
  if (valid < data.size()) {
    report->bytes_truncated = data.size() - valid;
    disk.truncate(segment.file_, valid);
  }
  return segment;
}

int64_t LogSegment::largest_timestamp() const {
  int64_t largest = INT64_MIN;
  for (const Entry& e : entries_)
    for (const Record& r : e.batch->records) largest = std::max(largest, r.timestamp_ms);
  return largest;
}

size_t LogSegment::find(int64_t offset) const {
  auto it = std::partition_point(entries_.begin(), entries_.end(),
                                 [offset](const Entry& e) { return e.batch->last_offset() < offset; });
  return static_cast<size_t>(it - entries_.begin());
}

void LogSegment::append(BatchPtr batch, std::string_view encoded) {
  if (batch->base_offset < next_offset())
    throw std::logic_error("segment " + file_ + ": append at offset " + std::to_string(batch->base_offset) +
                           " below its next offset " + std::to_string(next_offset()));
  disk_->append(file_, encoded);
  entries_.push_back(Entry{std::move(batch), size_bytes_, encoded.size()});
  size_bytes_ += encoded.size();
  dirty_ = true;
}

void LogSegment::truncate_to(int64_t offset) {
  const size_t keep = find(offset);
  if (keep == entries_.size()) return;
  size_bytes_ = entries_[keep].position;
  entries_.resize(keep);
  disk_->truncate(file_, size_bytes_);
  dirty_ = true;
}

void LogSegment::flush() {
  if (!dirty_) return;
  disk_->flush(file_);
  dirty_ = false;
}

void LogSegment::remove_file() {
  disk_->remove(file_);
  entries_.clear();
  size_bytes_ = 0;
  dirty_ = false;
}

}  // namespace kafkasim::kafka
