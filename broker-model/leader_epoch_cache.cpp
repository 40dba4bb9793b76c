#include "broker-model/leader_epoch_cache.h"

#include <algorithm>
#include <stdexcept>

#include "broker-model/log_checkpoint_file.h"
#include "sim/disk.h"

namespace kafkasim::kafka {

namespace {

// Kafka's LeaderEpochCheckpointFile: version 0, entries "<epoch> <start offset>".
constexpr int32_t kCheckpointVersion = 0;

// Kafka's assign without the write: true when the entries changed.
bool assign_entry(std::vector<EpochEntry>& entries, EpochEntry entry) {
  if (entry.epoch < 0 || entry.start_offset < 0)
    throw std::logic_error("leader epoch cache: invalid entry (" + std::to_string(entry.epoch) + ", " +
                           std::to_string(entry.start_offset) + ")");
  if (!entries.empty() && entries.back().epoch == entry.epoch &&
      entries.back().start_offset <= entry.start_offset)
    return false;
  while (!entries.empty() &&
         (entries.back().epoch >= entry.epoch || entries.back().start_offset >= entry.start_offset))
    entries.pop_back();
  entries.push_back(entry);
  return true;
}

}  // namespace

LeaderEpochCache::LeaderEpochCache(sim::Disk& disk, std::string checkpoint_file)
    : disk_(&disk), checkpoint_file_(std::move(checkpoint_file)) {
  std::optional<std::vector<std::string>> lines = read_checkpoint_file(disk, checkpoint_file_, kCheckpointVersion);
  if (!lines) return;
  for (const std::string& line : *lines) {
    std::optional<std::vector<int64_t>> fields = parse_checkpoint_entry(line, 2);
    if (!fields) throw std::runtime_error("malformed leader epoch entry \"" + line + "\" in " + checkpoint_file_);
    assign_entry(entries_, EpochEntry{static_cast<int32_t>((*fields)[0]), (*fields)[1]});
  }
}

void LeaderEpochCache::assign(int32_t epoch, int64_t start_offset) {
  if (assign_entry(entries_, EpochEntry{epoch, start_offset})) write_checkpoint();
}

int32_t LeaderEpochCache::latest_epoch() const {
  return entries_.empty() ? kUndefinedEpoch : entries_.back().epoch;
}

EpochEndOffset LeaderEpochCache::end_offset_for(int32_t requested_epoch, int64_t log_end_offset) const {
  if (requested_epoch == kUndefinedEpoch || entries_.empty()) return {};
  if (requested_epoch == entries_.back().epoch) return {requested_epoch, log_end_offset};
  // The first entry with an epoch above the request.
  auto higher = std::upper_bound(entries_.begin(), entries_.end(), requested_epoch,
                                 [](int32_t epoch, const EpochEntry& e) { return epoch < e.epoch; });
  if (higher == entries_.end()) return {};
  if (higher == entries_.begin()) return {requested_epoch, higher->start_offset};
  return {std::prev(higher)->epoch, higher->start_offset};
}

void LeaderEpochCache::truncate_from_end(int64_t end_offset) {
  if (end_offset < 0 || entries_.empty() || entries_.back().start_offset < end_offset) return;
  while (!entries_.empty() && entries_.back().start_offset >= end_offset) entries_.pop_back();
  write_checkpoint();
}

void LeaderEpochCache::truncate_from_start(int64_t start_offset) {
  // The entries starting at or before `start_offset`; the last one survives.
  auto after = std::find_if(entries_.begin(), entries_.end(),
                            [&](const EpochEntry& e) { return e.start_offset > start_offset; });
  if (after == entries_.begin()) return;
  const EpochEntry moved{std::prev(after)->epoch, start_offset};
  if (after == entries_.begin() + 1 && entries_.front() == moved) return;
  entries_.erase(entries_.begin(), std::prev(after));
  entries_.front() = moved;
  write_checkpoint();
}

void LeaderEpochCache::clear() {
  entries_.clear();
  write_checkpoint();
}

void LeaderEpochCache::write_checkpoint() {
  std::vector<std::string> lines;
  lines.reserve(entries_.size());
  for (const EpochEntry& e : entries_) lines.push_back(std::to_string(e.epoch) + " " + std::to_string(e.start_offset));
  write_checkpoint_file(*disk_, checkpoint_file_, kCheckpointVersion, lines);
}

}  // namespace kafkasim::kafka
