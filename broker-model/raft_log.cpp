#include "broker-model/raft_log.h"

#include <algorithm>
#include <sstream>

#include <nlohmann/json.hpp>

namespace kafkasim::kafka {

std::string RaftLog::encode(int64_t offset, const RaftEntry& entry) {
  return nlohmann::json{{"offset", offset}, {"epoch", entry.epoch}, {"record", entry.record.to_json()}}.dump() + "\n";
}

void RaftLog::load() {
  snapshot_ = MetadataSnapshot::load(disk_, kSnapshotPath);
  start_offset_ = snapshot_ ? snapshot_->end_offset : 0;
  entries_.clear();
  end_bytes_.clear();
  const std::string& data = disk_.read(kLogPath);
  std::istringstream in(data);
  std::string line;
  uint64_t bytes = 0;
  bool stale_prefix = false;  // entries below the snapshot, left by a crash before the rewrite
  while (std::getline(in, line)) {
    if (in.eof()) break;  // no newline: a torn last entry
    int64_t offset = 0;
    RaftEntry entry;
    try {
      const nlohmann::json j = nlohmann::json::parse(line);
      offset = j.at("offset").get<int64_t>();
      entry.epoch = j.at("epoch").get<int32_t>();
      entry.record = MetadataRecord::from_json(j.at("record"));
    } catch (const std::exception&) {
      break;
    }
    if (offset < start_offset_) {
      stale_prefix = true;
      bytes += line.size() + 1;
      continue;
    }
    if (offset != end_offset() || entry.epoch < last_epoch()) break;
    entries_.push_back(std::move(entry));
    bytes += line.size() + 1;
    end_bytes_.push_back(bytes);
  }
  if (stale_prefix || bytes < disk_.size(kLogPath)) rewrite();
}

int32_t RaftLog::last_epoch() const {
  if (!entries_.empty()) return entries_.back().epoch;
  return snapshot_ ? snapshot_->last_epoch : 0;
}

void RaftLog::append(int32_t epoch, const MetadataRecord& record) {
  RaftEntry entry{epoch, record};
  disk_.append(kLogPath, encode(end_offset(), entry));
  disk_.flush(kLogPath);
  entries_.push_back(std::move(entry));
  end_bytes_.push_back(disk_.size(kLogPath));
}

void RaftLog::truncate_to(int64_t end) {
  if (end >= end_offset()) return;
  const auto keep = static_cast<size_t>(std::max<int64_t>(end - start_offset_, 0));
  entries_.resize(keep);
  end_bytes_.resize(keep);
  disk_.truncate(kLogPath, keep == 0 ? 0 : end_bytes_.back());
  disk_.flush(kLogPath);
}

OffsetAndEpoch RaftLog::end_offset_for_epoch(int32_t epoch) const {
  if (epoch >= last_epoch()) return OffsetAndEpoch{end_offset(), last_epoch()};
  // The first entry of a larger epoch ends the asked one.
  auto next = std::upper_bound(entries_.begin(), entries_.end(), epoch,
                               [](int32_t e, const RaftEntry& entry) { return e < entry.epoch; });
  const int64_t end = start_offset_ + (next - entries_.begin());
  if (next != entries_.begin()) return OffsetAndEpoch{end, std::prev(next)->epoch};
  // Every entry is of a larger epoch: only the snapshot can answer.
  if (snapshot_ && snapshot_->last_epoch <= epoch) return OffsetAndEpoch{start_offset_, snapshot_->last_epoch};
  return OffsetAndEpoch{kNoOffset, 0};
}

void RaftLog::take_snapshot(MetadataSnapshot snapshot) {
  snapshot.store(disk_, kSnapshotPath);
  const auto drop = static_cast<size_t>(snapshot.end_offset - start_offset_);
  entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(drop));
  start_offset_ = snapshot.end_offset;
  snapshot_ = std::move(snapshot);
  rewrite();
}

void RaftLog::install_snapshot(MetadataSnapshot snapshot) {
  snapshot.store(disk_, kSnapshotPath);
  entries_.clear();
  start_offset_ = snapshot.end_offset;
  snapshot_ = std::move(snapshot);
  rewrite();
}

void RaftLog::rewrite() {
  std::string data;
  end_bytes_.clear();
  for (size_t i = 0; i < entries_.size(); ++i) {
    data += encode(start_offset_ + static_cast<int64_t>(i), entries_[i]);
    end_bytes_.push_back(data.size());
  }
  disk_.write_file(kLogPath, data);
  disk_.flush(kLogPath);
}

}  // namespace kafkasim::kafka
