#include "broker-model/log_cleaner.h"

#include <algorithm>
#include <set>
#include <vector>

namespace kafkasim::kafka {
namespace {

// What the log's transaction markers say (KIP-98): the batches of aborted
// transactions, and where the first transaction still open begins.
struct TransactionScan {
  std::set<int64_t> aborted_batches;  // base offsets
  int64_t first_unstable_offset = INT64_MAX;
};

// A control batch's single record says whether it ends its producer's
// transaction with a commit or an abort; its key is "ABORT" for an abort.
bool is_abort_marker(const RecordBatch& b) { return !b.records.empty() && b.records.front().key == "ABORT"; }

TransactionScan scan_transactions(const Log& log) {
  TransactionScan scan;
  std::map<int64_t, std::vector<int64_t>> open;  // producer id -> its open transaction's batches
  for (const BatchPtr& b : log.read(log.log_start_offset(), INT64_MAX, log.log_end_offset())) {
    if (b->control) {
      auto it = open.find(b->producer_id);
      if (it == open.end()) continue;
      if (is_abort_marker(*b)) scan.aborted_batches.insert(it->second.begin(), it->second.end());
      open.erase(it);
    } else if (b->transactional) {
      open[b->producer_id].push_back(b->base_offset);
    }
  }
  for (const auto& [producer, batches] : open) scan.first_unstable_offset = std::min(scan.first_unstable_offset, batches.front());
  return scan;
}

bool holds_tombstone(const RecordBatch& b) {
  return std::any_of(b.records.begin(), b.records.end(), [](const Record& r) { return r.null_value; });
}

// How many segments lie wholly below `offset` (never the active one).
size_t segments_below(const Log& log, int64_t offset) {
  const auto& segments = log.segments();
  size_t n = 0;
  while (n + 1 < segments.size() && segments[n].next_offset() <= offset) ++n;
  return n;
}

}  // namespace

CleanableRange cleanable_range(const Log& log, int64_t first_dirty, const CleanerConfig& config, int64_t now_ms) {
  const auto& segments = log.segments();
  if (first_dirty < log.log_start_offset() || first_dirty > log.log_end_offset()) first_dirty = log.log_start_offset();
  int64_t limit = std::min(segments.back().base_offset(), log.high_watermark());
  limit = std::min(limit, scan_transactions(log).first_unstable_offset);
  if (config.min_compaction_lag_ms > 0) {
    for (size_t i = 0; i + 1 < segments.size(); ++i) {
      if (segments[i].next_offset() <= first_dirty) continue;
      if (segments[i].largest_timestamp() > now_ms - config.min_compaction_lag_ms) {
        limit = std::min(limit, segments[i].base_offset());
        break;
      }
    }
  }
  const size_t cleanable = segments_below(log, limit);
  CleanableRange r;
  r.first_uncleanable_offset = segments[cleanable].base_offset();
  r.first_dirty_offset = std::min(first_dirty, r.first_uncleanable_offset);
  for (size_t i = 0; i < cleanable; ++i) {
    const LogSegment& s = segments[i];
    (s.next_offset() <= r.first_dirty_offset ? r.clean_bytes : r.dirty_bytes) += s.size_bytes();
    for (const LogSegment::Entry& e : s.entries()) {
      if (e.batch->delete_horizon_ms >= 0 && holds_tombstone(*e.batch))
        r.earliest_delete_horizon_ms = std::min(r.earliest_delete_horizon_ms, e.batch->delete_horizon_ms);
    }
  }
  return r;
}

CleanStats clean_log(Log& log, const CleanableRange& range, const CleanerConfig& config, int64_t now_ms) {
  CleanStats stats;
  stats.start_offset = log.log_start_offset();
  stats.end_offset = range.first_uncleanable_offset;
  const size_t cleanable = segments_below(log, range.first_uncleanable_offset);
  if (cleanable == 0) return stats;
  const TransactionScan txns = scan_transactions(log);
  const std::vector<LogSegment>& segments = log.segments();

  // 1. The offset map: each key's last offset in the dirty section.
  std::map<std::string, int64_t> last_offset_of_key;
  for (size_t i = 0; i < cleanable; ++i) {
    if (segments[i].next_offset() <= range.first_dirty_offset) continue;
    for (const LogSegment::Entry& e : segments[i].entries()) {
      const RecordBatch& b = *e.batch;
      if (b.control || txns.aborted_batches.count(b.base_offset)) continue;
      for (size_t r = 0; r < b.records.size(); ++r) {
        const int64_t offset = b.offset_of(r);
        if (offset < range.first_dirty_offset || b.records[r].key.empty()) continue;
        last_offset_of_key[b.records[r].key] = offset;
      }
    }
  }

  // 2. Each batch, cleaned; the original when nothing changes.
  auto clean_batch = [&](const BatchPtr& original, bool* changed) -> BatchPtr {
    const RecordBatch& b = *original;
    if (b.control) return original;
    const bool aborted = txns.aborted_batches.count(b.base_offset) > 0;
    RecordBatch out = b;
    out.records.clear();
    out.offset_deltas.clear();
    out.compacted = true;
    out.last_offset_delta = static_cast<int32_t>(b.last_offset() - b.base_offset);
    bool stamp = false;
    for (size_t r = 0; r < b.records.size(); ++r) {
      const Record& record = b.records[r];
      const int64_t offset = b.offset_of(r);
      auto last = last_offset_of_key.find(record.key);
      bool keep = !aborted && !record.key.empty() && (last == last_offset_of_key.end() || last->second <= offset);
      if (keep && record.null_value) {
        if (b.delete_horizon_ms >= 0 && now_ms >= b.delete_horizon_ms) {
          keep = false;
          ++stats.tombstones_removed;
        } else if (b.delete_horizon_ms < 0) {
          stamp = true;
        }
      }
      if (!keep) {
        ++stats.records_removed;
        continue;
      }
      out.records.push_back(record);
      out.offset_deltas.push_back(static_cast<int32_t>(offset - b.base_offset));
    }
    if (out.records.size() == b.records.size() && !stamp) return original;
    if (stamp) out.delete_horizon_ms = now_ms + config.delete_retention_ms;
    *changed = true;
    return std::make_shared<const RecordBatch>(std::move(out));
  };

  // 3. Groups of segments of at most segment.bytes, each rewritten into one.
  struct Group {
    size_t first = 0;
    size_t count = 0;
    std::vector<BatchPtr> batches;
    bool changed = false;
  };
  std::vector<Group> groups;
  for (size_t i = 0; i < cleanable;) {
    Group g;
    g.first = i;
    uint64_t bytes = 0;
    while (i < cleanable && (g.count == 0 || bytes + segments[i].size_bytes() <= static_cast<uint64_t>(config.segment_bytes))) {
      bytes += segments[i].size_bytes();
      for (const LogSegment::Entry& e : segments[i].entries()) g.batches.push_back(clean_batch(e.batch, &g.changed));
      ++g.count;
      ++i;
    }
    if (g.count > 1) g.changed = true;
    groups.push_back(std::move(g));
  }
  // From the last group back, so that the earlier groups' indexes hold.
  for (auto g = groups.rbegin(); g != groups.rend(); ++g) {
    if (!g->changed || g->batches.empty()) continue;
    log.replace_segments(g->first, g->count, g->batches);
    stats.segments_rewritten += static_cast<int>(g->count);
  }
  return stats;
}

}  // namespace kafkasim::kafka
