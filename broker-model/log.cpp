#include "broker-model/log.h"

#include <algorithm>
#include <stdexcept>

#include "broker-model/log_checkpoint_file.h"
#include "sim/disk.h"

namespace kafkasim::kafka {

namespace {

// Kafka's replication-offset-checkpoint format, version 0. Kafka keeps one
// file a log directory with a "<topic> <partition> <offset>" line for each
// partition; the model keeps one file a partition, with the line
// "<partition directory> <offset>".
constexpr int32_t kHighWatermarkCheckpointVersion = 0;

std::string with_slash(std::string dir) {
  if (dir.empty() || dir.back() != '/') dir += '/';
  return dir;
}

}  // namespace

Log::Log(sim::Disk& disk, std::string dir, LogConfig config)
    : disk_(&disk),
      dir_(with_slash(std::move(dir))),
      config_(config),
      epoch_cache_(disk, dir_ + "leader-epoch-checkpoint") {}

std::unique_ptr<Log> Log::open(sim::Disk& disk, std::string dir, LogConfig config) {
  std::unique_ptr<Log> log(new Log(disk, std::move(dir), config));
  log->recover();
  return log;
}

// ---- recovery ----

void Log::recover() {
  recover_segments();
  log_start_offset_ = segments_.front().base_offset();
  // Whether the recovered bytes were ever flushed is unknown: count them all
  // as unflushed, so that the next flush covers every segment.
  recovery_point_ = log_start_offset_;
  recover_epoch_cache();
  recover_high_watermark();
}

void Log::recover_swap_files() {
  constexpr std::string_view kCleaned = ".log.cleaned";
  constexpr std::string_view kSwap = ".log.swap";
  auto ends_with = [](const std::string& s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  for (const std::string& file : disk_->list(dir_)) {
    if (ends_with(file, kCleaned)) disk_->remove(file);  // a cleaning the crash interrupted
  }
  for (const std::string& file : disk_->list(dir_)) {
    if (!ends_with(file, kSwap)) continue;
    const std::string segment_file = file.substr(0, file.size() - kSwap.size() + 4);
    std::optional<int64_t> base = LogSegment::parse_file_name(dir_, segment_file);
    if (!base) continue;
    // The swap file was flushed before it was renamed: it is whole. It
    // replaces every segment that starts within its offsets.
    SegmentRecovery report;
    const int64_t end = LogSegment::recover(*disk_, file, *base, *base, &report).next_offset();
    for (const std::string& old : disk_->list(dir_)) {
      std::optional<int64_t> old_base = LogSegment::parse_file_name(dir_, old);
      if (old_base && *old_base >= *base && (*old_base < end || *old_base == *base)) disk_->remove(old);
    }
    disk_->rename(file, segment_file);
  }
}

void Log::recover_segments() {
  recover_swap_files();
  int64_t next_offset = 0;
  bool valid_so_far = true;
  for (const std::string& file : disk_->list(dir_)) {
    std::optional<int64_t> base = LogSegment::parse_file_name(dir_, file);
    if (!base) continue;
    if (!valid_so_far) {
      ++recovery_.segments_deleted;
      recovery_.bytes_deleted += disk_->size(file);
      disk_->remove(file);
      continue;
    }
    SegmentRecovery report;
    segments_.push_back(LogSegment::recover(*disk_, file, *base, next_offset, &report));
    const LogSegment& segment = segments_.back();
    ++recovery_.segments_loaded;
    recovery_.batches_loaded += static_cast<int64_t>(segment.entries().size());
    next_offset = segment.next_offset();
    if (report.tail != DecodeStatus::kOk) {
      valid_so_far = false;
      recovery_.bytes_truncated = report.bytes_truncated;
      recovery_.invalid_tail = report.tail;
      recovery_.invalid_segment = file;
    }
  }
  if (segments_.empty()) segments_.push_back(LogSegment::create(*disk_, dir_, 0));
}

void Log::recover_epoch_cache() {
  const size_t checkpointed = epoch_cache_.entries().size();
  epoch_cache_.truncate_from_end(log_end_offset());
  recovery_.epoch_entries_dropped = static_cast<int32_t>(checkpointed - epoch_cache_.entries().size());
  for (const LogSegment& segment : segments_) {
    for (const LogSegment::Entry& e : segment.entries()) {
      const int32_t epoch = e.batch->partition_leader_epoch;
      if (epoch >= 0 && epoch > epoch_cache_.latest_epoch()) {
        epoch_cache_.assign(epoch, e.batch->base_offset);
        ++recovery_.epoch_entries_rebuilt;
      }
    }
  }
  epoch_cache_.truncate_from_start(log_start_offset_);
}

void Log::recover_high_watermark() {
  std::optional<std::vector<std::string>> lines =
      read_checkpoint_file(*disk_, high_watermark_file(), kHighWatermarkCheckpointVersion);
  if (lines && !lines->empty()) {
    const std::string& line = lines->back();
    std::optional<std::vector<int64_t>> offset = parse_checkpoint_entry(line.substr(line.rfind(' ') + 1), 1);
    if (!offset) throw std::runtime_error("malformed high watermark entry \"" + line + "\" in " + high_watermark_file());
    checkpointed_high_watermark_ = offset->front();
  }
  recovery_.checkpointed_high_watermark = checkpointed_high_watermark_;
  high_watermark_ = std::clamp(checkpointed_high_watermark_, log_start_offset_, log_end_offset());
  recovery_.high_watermark_clamped = high_watermark_ != checkpointed_high_watermark_;
}

// ---- appends ----

BatchPtr Log::append_as_leader(RecordBatch batch, int32_t leader_epoch) {
  if (leader_epoch < 0) throw std::logic_error("append_as_leader: leader epoch " + std::to_string(leader_epoch));
  batch.base_offset = log_end_offset();
  batch.partition_leader_epoch = leader_epoch;
  auto stored = std::make_shared<const RecordBatch>(std::move(batch));
  append(stored);
  return stored;
}

void Log::append_as_follower(BatchPtr batch) {
  if (batch->base_offset != log_end_offset())
    throw std::logic_error(dir_ + ": follower append at offset " + std::to_string(batch->base_offset) +
                           ", the log ends at " + std::to_string(log_end_offset()));
  append(std::move(batch));
}

void Log::append(BatchPtr batch) {
  if (batch->records.empty() && !batch->compacted) throw std::logic_error(dir_ + ": append of a batch without records");
  const auto size = static_cast<int64_t>(batch->size_bytes());
  if (size > config_.segment_bytes)
    throw std::invalid_argument(dir_ + ": batch of " + std::to_string(size) + " bytes exceeds segment.bytes " +
                                std::to_string(config_.segment_bytes));
  // Kafka stamps the epoch cache before it writes the batch.
  if (batch->partition_leader_epoch >= 0) epoch_cache_.assign(batch->partition_leader_epoch, batch->base_offset);
  const LogSegment& active = segments_.back();
  if (!active.empty() && static_cast<int64_t>(active.size_bytes()) > config_.segment_bytes - size) roll();
  encode_buffer_.clear();
  encode_batch(*batch, &encode_buffer_);
  segments_.back().append(std::move(batch), encode_buffer_);
  if (unflushed_messages() >= config_.flush_interval_messages) flush();
}

void Log::roll() {
  const int64_t base = log_end_offset();
  segments_.push_back(LogSegment::create(*disk_, dir_, base));
  // Kafka schedules a flush of everything below the new segment at once
  // (UnifiedLog.roll -> flushUptoOffsetExclusive); the model does it here.
  for (size_t i = 0; i + 1 < segments_.size(); ++i) segments_[i].flush();
  recovery_point_ = std::max(recovery_point_, base);
}

void Log::assign_epoch(int32_t epoch, int64_t start_offset) {
  if (start_offset > log_end_offset())
    throw std::logic_error(dir_ + ": epoch " + std::to_string(epoch) + " assigned at " + std::to_string(start_offset) +
                           ", beyond the LEO " + std::to_string(log_end_offset()));
  epoch_cache_.assign(epoch, start_offset);
}

// ---- reads ----

int32_t Log::last_batch_epoch() const {
  for (auto it = segments_.rbegin(); it != segments_.rend(); ++it)
    if (!it->empty()) return it->entries().back().batch->partition_leader_epoch;
  return kUndefinedEpoch;
}

std::vector<BatchPtr> Log::read(int64_t from_offset, int64_t max_bytes, int64_t max_offset_exclusive) const {
  if (from_offset < log_start_offset_ || from_offset > log_end_offset())
    throw std::out_of_range(dir_ + ": read at offset " + std::to_string(from_offset) + " outside [" +
                            std::to_string(log_start_offset_) + ", " + std::to_string(log_end_offset()) + "]");
  std::vector<BatchPtr> batches;
  // The last segment starting at or before from_offset.
  auto segment = std::partition_point(segments_.begin(), segments_.end(),
                                      [&](const LogSegment& s) { return s.base_offset() <= from_offset; });
  if (segment != segments_.begin()) --segment;
  int64_t bytes = 0;
  for (size_t i = segment->find(from_offset); segment != segments_.end(); ++segment, i = 0) {
    for (; i < segment->entries().size(); ++i) {
      const LogSegment::Entry& e = segment->entries()[i];
      if (e.batch->last_offset() >= max_offset_exclusive) return batches;
      const auto size = static_cast<int64_t>(e.size);
      if (!batches.empty() && size > max_bytes - bytes) return batches;
      batches.push_back(e.batch);
      bytes += size;
    }
  }
  return batches;
}

uint64_t Log::size_bytes() const {
  uint64_t total = 0;
  for (const LogSegment& s : segments_) total += s.size_bytes();
  return total;
}

std::vector<std::string> Log::segment_files() const {
  std::vector<std::string> files;
  files.reserve(segments_.size());
  for (const LogSegment& s : segments_) files.push_back(s.file());
  return files;
}

// ---- truncation ----

void Log::truncate_to(int64_t offset) {
  if (offset < 0) throw std::logic_error(dir_ + ": truncate to negative offset " + std::to_string(offset));
  if (offset >= log_end_offset()) {
    // A leader's epoch start at the LEO may be left over (Kafka does the same).
    epoch_cache_.truncate_from_end(log_end_offset());
    return;
  }
  if (offset < segments_.front().base_offset()) {
    truncate_fully_and_start_at(offset);
    return;
  }
  while (segments_.back().base_offset() > offset) {
    segments_.back().remove_file();
    segments_.pop_back();
  }
  segments_.back().truncate_to(offset);
  epoch_cache_.truncate_from_end(offset);
  const int64_t leo = log_end_offset();
  log_start_offset_ = std::min(log_start_offset_, leo);
  recovery_point_ = std::min(recovery_point_, leo);
  high_watermark_ = std::min(high_watermark_, leo);
}

void Log::truncate_fully_and_start_at(int64_t offset) {
  if (offset < 0) throw std::logic_error(dir_ + ": restart at negative offset " + std::to_string(offset));
  delete_all_segments();
  segments_.push_back(LogSegment::create(*disk_, dir_, offset));
  epoch_cache_.clear();
  log_start_offset_ = high_watermark_ = recovery_point_ = offset;
}

void Log::delete_all_segments() {
  for (LogSegment& s : segments_) s.remove_file();
  segments_.clear();
}

// ---- high watermark ----

void Log::set_high_watermark(int64_t hw) {
  if (hw > log_end_offset())
    throw std::logic_error(dir_ + ": high watermark " + std::to_string(hw) + " above the LEO " +
                           std::to_string(log_end_offset()));
  high_watermark_ = std::max(hw, log_start_offset_);
}

void Log::checkpoint_high_watermark() {
  if (high_watermark_ == checkpointed_high_watermark_ && disk_->exists(high_watermark_file())) return;
  const std::string partition = dir_.substr(0, dir_.size() - 1);
  write_checkpoint_file(*disk_, high_watermark_file(), kHighWatermarkCheckpointVersion,
                        {partition + " " + std::to_string(high_watermark_)});
  checkpointed_high_watermark_ = high_watermark_;
}

// ---- flushing ----

void Log::flush() {
  for (LogSegment& s : segments_) s.flush();
  recovery_point_ = log_end_offset();
  last_flush_ms_.reset();
}

void Log::maybe_flush(int64_t now_ms) {
  if (unflushed_messages() >= config_.flush_interval_messages) flush();
  if (!last_flush_ms_) {
    last_flush_ms_ = now_ms;
    return;
  }
  if (unflushed_messages() > 0 && now_ms - *last_flush_ms_ >= config_.flush_interval_ms) {
    flush();
    last_flush_ms_ = now_ms;
  }
}

// ---- compaction ----

void Log::replace_segments(size_t first, size_t count, const std::vector<BatchPtr>& cleaned) {
  if (count == 0 || first + count >= segments_.size())
    throw std::logic_error(dir_ + ": replace_segments of the active segment or of none");
  const int64_t base = segments_[first].base_offset();
  const int64_t end = segments_[first + count - 1].next_offset();
  if (cleaned.empty() || cleaned.front()->base_offset != base || cleaned.back()->last_offset() + 1 != end)
    throw std::logic_error(dir_ + ": cleaned batches do not cover the segments they replace");
  const std::string target = LogSegment::file_name(dir_, base);
  const std::string cleaned_file = target + ".cleaned";
  const std::string swap_file = target + ".swap";
  encode_buffer_.clear();
  for (const BatchPtr& b : cleaned) encode_batch(*b, &encode_buffer_);
  disk_->write_file(cleaned_file, encode_buffer_);
  disk_->flush(cleaned_file);
  disk_->rename(cleaned_file, swap_file);
  for (size_t i = first; i < first + count; ++i) segments_[i].remove_file();
  disk_->rename(swap_file, target);
  SegmentRecovery report;
  LogSegment replacement = LogSegment::recover(*disk_, target, base, base, &report);
  replacement.flush();
  segments_.erase(segments_.begin() + static_cast<std::ptrdiff_t>(first),
                  segments_.begin() + static_cast<std::ptrdiff_t>(first + count));
  segments_.insert(segments_.begin() + static_cast<std::ptrdiff_t>(first), std::move(replacement));
}

// ---- retention ----

int Log::delete_segments_before(int64_t offset) {
  if (offset > high_watermark_)
    throw std::logic_error(dir_ + ": delete segments before " + std::to_string(offset) + " above the HW " +
                           std::to_string(high_watermark_));
  size_t deletable = 0;
  while (deletable < segments_.size() && segments_[deletable].next_offset() <= offset) ++deletable;
  if (deletable == segments_.size()) {
    if (segments_.back().empty()) {
      --deletable;  // the active segment is already empty: keep it
    } else {
      roll();
    }
  }
  for (size_t i = 0; i < deletable; ++i) segments_[i].remove_file();
  segments_.erase(segments_.begin(), segments_.begin() + static_cast<std::ptrdiff_t>(deletable));
  if (deletable > 0) set_log_start_offset(segments_.front().base_offset());
  return static_cast<int>(deletable);
}

void Log::set_log_start_offset(int64_t offset) {
  if (offset > high_watermark_)
    throw std::logic_error(dir_ + ": log start offset " + std::to_string(offset) + " above the HW " +
                           std::to_string(high_watermark_));
  if (offset <= log_start_offset_) return;
  log_start_offset_ = offset;
  epoch_cache_.truncate_from_start(offset);
}

}  // namespace kafkasim::kafka
