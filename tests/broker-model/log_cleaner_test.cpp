#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

#include "broker-model/log_cleaner.h"
#include "log_fixtures.h"
#include "sim/disk.h"

using namespace kafkasim::kafka;
using namespace kafkasim::test;
using kafkasim::sim::Disk;

namespace {

// (offset, key, value), value "null" for a tombstone.
using Row = std::tuple<int64_t, std::string, std::string>;

std::vector<Row> rows(const Log& log) {
  std::vector<Row> out;
  for (const BatchPtr& b : read_all(log))
    for (size_t i = 0; i < b->records.size(); ++i)
      out.emplace_back(b->offset_of(i), b->records[i].key, b->records[i].null_value ? "null" : b->records[i].value);
  return out;
}

// One record a batch: key, value (nullopt: a tombstone), timestamp.
RecordBatch keyed(const std::string& key, std::optional<std::string> value, int64_t timestamp_ms = 0) {
  RecordBatch b;
  Record r;
  r.key = key;
  r.value = value.value_or("");
  r.null_value = !value;
  r.timestamp_ms = timestamp_ms;
  b.records.push_back(r);
  return b;
}

// A log whose segments hold two one-record batches each.
std::unique_ptr<Log> small_segments(Disk& disk) {
  LogConfig config;
  config.segment_bytes = static_cast<int64_t>(2 * keyed("k0", "v00").size_bytes());
  return Log::open(disk, kDir, config);
}

CleanerConfig config_for(const Log& log, int64_t delete_retention_ms = 1000) {
  CleanerConfig c;
  c.delete_retention_ms = delete_retention_ms;
  c.segment_bytes = log.config().segment_bytes;
  return c;
}

CleanStats clean(Log& log, const CleanerConfig& c, int64_t now_ms, int64_t first_dirty = 0) {
  return clean_log(log, cleanable_range(log, first_dirty, c, now_ms), c, now_ms);
}

void append(Log& log, const std::vector<std::pair<std::string, std::optional<std::string>>>& records) {
  for (const auto& [k, v] : records) log.append_as_leader(keyed(k, v), 0);
  log.set_high_watermark(log.log_end_offset());
}

}  // namespace

TEST_CASE("the cleaner keeps the last value of every key at its offset, and every batch header") {
  Disk disk;
  auto log = small_segments(disk);
  append(*log, {{"a", "a1"}, {"b", "b1"}, {"a", "a2"}, {"c", "c1"}, {"b", "b2"}, {"a", "a3"}, {"d", "d1"}});
  REQUIRE(log->segment_count() == 4);  // the last, with d1, is the active segment
  const CleanStats stats = clean(*log, config_for(*log), 0);
  REQUIRE(stats.end_offset == 6);
  REQUIRE(stats.records_removed == 3);
  REQUIRE(rows(*log) == std::vector<Row>{{3, "c", "c1"}, {4, "b", "b2"}, {5, "a", "a3"}, {6, "d", "d1"}});
  // Offsets are kept: every batch is still there, some empty.
  REQUIRE(base_offsets(read_all(*log)) == std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6});
  REQUIRE(log->log_end_offset() == 7);
  SECTION("a read from inside a hole starts at the batch holding the offset") {
    const auto batches = log->read(1, INT64_MAX, log->log_end_offset());
    REQUIRE(batches.front()->base_offset == 1);
    REQUIRE(batches.front()->records.empty());
  }
  SECTION("the cleaned log survives a restart as it is") {
    auto reopened = Log::open(disk, kDir, log->config());
    REQUIRE(rows(*reopened) == rows(*log));
    REQUIRE(reopened->log_end_offset() == 7);
  }
}

TEST_CASE("a later pass merges segments that cleaning made small, up to segment.bytes") {
  Disk disk;
  LogConfig config;
  const std::string big(100, 'x');
  config.segment_bytes = static_cast<int64_t>(2 * keyed("a", big + "0").size_bytes());
  auto log = Log::open(disk, kDir, config);
  for (int i = 0; i < 7; ++i) log->append_as_leader(keyed("a", big + std::to_string(i)), 0);
  log->set_high_watermark(log->log_end_offset());
  REQUIRE(log->segment_count() == 4);
  const CleanerConfig c = config_for(*log);
  clean(*log, c, 0);
  REQUIRE(log->segment_count() == 4);  // grouped by their size before this pass
  const std::vector<Row> once = rows(*log);
  clean(*log, c, 0, 6);
  REQUIRE(log->segment_count() == 3);
  REQUIRE(rows(*log) == once);
  REQUIRE(base_offsets(read_all(*log)) == std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6});
}

TEST_CASE("the cleaner never cleans the active segment nor past the high watermark") {
  Disk disk;
  auto log = small_segments(disk);
  append(*log, {{"a", "a1"}, {"a", "a2"}, {"a", "a3"}, {"a", "a4"}, {"a", "a5"}});
  SECTION("the active segment") {
    // Segments [0,2) [2,4) and the active [4,5): a5 shadows nothing below 4.
    clean(*log, config_for(*log), 0);
    REQUIRE(rows(*log) == std::vector<Row>{{3, "a", "a4"}, {4, "a", "a5"}});
  }
  SECTION("the high watermark") {
    log->set_high_watermark(3);
    const CleanableRange range = cleanable_range(*log, 0, config_for(*log), 0);
    REQUIRE(range.first_uncleanable_offset == 2);
    clean(*log, config_for(*log), 0);
    REQUIRE(rows(*log) == std::vector<Row>{{1, "a", "a2"}, {2, "a", "a3"}, {3, "a", "a4"}, {4, "a", "a5"}});
  }
}

TEST_CASE("min.compaction.lag.ms keeps young segments out of the cleaner") {
  Disk disk;
  auto log = small_segments(disk);
  log->append_as_leader(keyed("a", "a1", 100), 0);
  log->append_as_leader(keyed("a", "a2", 100), 0);
  log->append_as_leader(keyed("a", "a3", 5000), 0);
  log->append_as_leader(keyed("a", "a4", 5000), 0);
  log->append_as_leader(keyed("b", "b1", 5000), 0);
  log->set_high_watermark(log->log_end_offset());
  CleanerConfig c = config_for(*log);
  c.min_compaction_lag_ms = 1000;
  REQUIRE(cleanable_range(*log, 0, c, 5500).first_uncleanable_offset == 2);
  REQUIRE(cleanable_range(*log, 0, c, 6500).first_uncleanable_offset == 4);
}

TEST_CASE("the dirty ratio decides whether a log needs cleaning") {
  Disk disk;
  auto log = small_segments(disk);
  append(*log, {{"a", "a1"}, {"b", "b1"}, {"a", "a2"}, {"b", "b2"}, {"c", "c1"}});
  const CleanerConfig c = config_for(*log);
  const CleanableRange all_dirty = cleanable_range(*log, 0, c, 0);
  REQUIRE(all_dirty.dirty_ratio() == Approx(1.0));
  REQUIRE(all_dirty.needs_cleaning(c, 0));
  // After a pass everything below the first uncleanable offset is clean.
  clean_log(*log, all_dirty, c, 0);
  const CleanableRange after = cleanable_range(*log, all_dirty.first_uncleanable_offset, c, 0);
  REQUIRE(after.dirty_bytes == 0);
  REQUIRE_FALSE(after.needs_cleaning(c, 0));
}

TEST_CASE("a tombstone deletes its key and is itself removed only after delete.retention.ms") {
  Disk disk;
  auto log = small_segments(disk);
  append(*log, {{"a", "a1"}, {"b", "b1"}, {"a", std::nullopt}, {"c", "c1"}, {"d", "d1"}});
  const CleanerConfig c = config_for(*log, /*delete_retention_ms=*/1000);
  clean(*log, c, /*now_ms=*/10'000);
  REQUIRE(rows(*log) == std::vector<Row>{{1, "b", "b1"}, {2, "a", "null"}, {3, "c", "c1"}, {4, "d", "d1"}});
  // KIP-534: the first pass stamped the delete horizon, 10000 + 1000.
  const CleanableRange before = cleanable_range(*log, 4, c, 10'999);
  REQUIRE(before.earliest_delete_horizon_ms == 11'000);
  REQUIRE_FALSE(before.needs_cleaning(c, 10'999));
  clean(*log, c, 10'999, 4);
  REQUIRE(std::get<2>(rows(*log)[1]) == "null");
  const CleanableRange due = cleanable_range(*log, 4, c, 11'000);
  REQUIRE(due.needs_cleaning(c, 11'000));
  const CleanStats stats = clean_log(*log, due, c, 11'000);
  REQUIRE(stats.tombstones_removed == 1);
  REQUIRE(rows(*log) == std::vector<Row>{{1, "b", "b1"}, {3, "c", "c1"}, {4, "d", "d1"}});
}

TEST_CASE("the cleaner removes the records of aborted transactions and keeps transaction markers") {
  Disk disk;
  LogConfig config;
  config.segment_bytes = static_cast<int64_t>(2 * keyed("a", "b-committed").size_bytes());
  auto log = Log::open(disk, kDir, config);
  auto txn = [](const std::string& key, const std::string& value, int64_t producer) {
    RecordBatch b = keyed(key, value);
    b.producer_id = producer;
    b.producer_epoch = 0;
    b.base_sequence = 0;
    b.transactional = true;
    return b;
  };
  auto marker = [](int64_t producer, const std::string& kind) {
    RecordBatch b;
    b.producer_id = producer;
    b.producer_epoch = 0;
    b.transactional = true;
    b.control = true;
    b.records.push_back(Record{kind, "", 0});
    return b;
  };
  log->append_as_leader(keyed("a", "a1"), 0);
  log->append_as_leader(txn("a", "a-aborted", 5), 0);
  log->append_as_leader(marker(5, "ABORT"), 0);
  log->append_as_leader(txn("b", "b-committed", 6), 0);
  log->append_as_leader(marker(6, "COMMIT"), 0);
  log->append_as_leader(txn("c", "c-open", 7), 0);  // never ended: the first unstable offset
  log->append_as_leader(keyed("z", "z1"), 0);
  log->set_high_watermark(log->log_end_offset());
  const CleanerConfig c = config_for(*log);
  REQUIRE(cleanable_range(*log, 0, c, 0).first_uncleanable_offset <= 5);
  clean(*log, c, 0);
  const std::vector<Row> after = rows(*log);
  // a1 stays: the aborted a-aborted shadows nothing; both markers stay.
  REQUIRE(after[0] == Row{0, "a", "a1"});
  REQUIRE(std::find(after.begin(), after.end(), Row{1, "a", "a-aborted"}) == after.end());
  REQUIRE(std::find(after.begin(), after.end(), Row{2, "ABORT", ""}) != after.end());
  REQUIRE(std::find(after.begin(), after.end(), Row{3, "b", "b-committed"}) != after.end());
  REQUIRE(std::find(after.begin(), after.end(), Row{5, "c", "c-open"}) != after.end());
}

TEST_CASE("a crash during the segment swap leaves the old segments or the cleaned one, whole") {
  // Two identical logs; one is cleaned, the other gets its cleaned segment
  // as a leftover file, as if the cleaner crashed at that step.
  Disk cleaned_disk;
  Disk crashed_disk;
  auto cleaned = small_segments(cleaned_disk);
  auto crashed = small_segments(crashed_disk);
  const std::vector<std::pair<std::string, std::optional<std::string>>> data = {
      {"a", "a1"}, {"a", "a2"}, {"b", "b1"}, {"a", "a3"}, {"c", "c1"}};
  append(*cleaned, data);
  append(*crashed, data);
  const std::vector<Row> original = rows(*crashed);
  clean(*cleaned, config_for(*cleaned), 0);
  const std::string first_segment = cleaned->segment_files().front();
  const std::string contents = cleaned_disk.read(first_segment);
  crashed_disk.flush_all();
  SECTION("crashed before the rename to .swap: the .cleaned file is dropped") {
    crashed_disk.write_file(first_segment + ".cleaned", contents);
    auto reopened = Log::open(crashed_disk, kDir, crashed->config());
    REQUIRE(rows(*reopened) == original);
    REQUIRE_FALSE(crashed_disk.exists(first_segment + ".cleaned"));
  }
  SECTION("crashed after it: the swap completes at recovery") {
    crashed_disk.write_file(first_segment + ".swap", contents);
    crashed_disk.flush_all();
    auto reopened = Log::open(crashed_disk, kDir, crashed->config());
    REQUIRE(rows(*reopened) == rows(*cleaned));
    REQUIRE(reopened->segment_files() == cleaned->segment_files());
    REQUIRE_FALSE(crashed_disk.exists(first_segment + ".swap"));
  }
  SECTION("power loss right after the cleaning keeps the cleaned segment") {
    std::vector<Row> below_active;
    for (const Row& r : rows(*cleaned))
      if (std::get<0>(r) < 4) below_active.push_back(r);
    cleaned_disk.lose_unflushed(nullptr);
    auto reopened = Log::open(cleaned_disk, kDir, cleaned->config());
    // The cleaned segment was flushed, the one after it at its roll; the
    // active segment was never flushed.
    REQUIRE(rows(*reopened) == below_active);
  }
}

TEST_CASE("a follower appends a batch its leader's cleaner emptied") {
  Disk disk;
  auto log = Log::open(disk, kDir, LogConfig{});
  RecordBatch empty = keyed("a", "a1");
  empty.base_offset = 0;
  empty.partition_leader_epoch = 0;
  empty.records.clear();
  empty.compacted = true;
  empty.last_offset_delta = 2;
  log->append_as_follower(std::make_shared<const RecordBatch>(empty));
  REQUIRE(log->log_end_offset() == 3);
  auto reopened = Log::open(disk, kDir, LogConfig{});
  REQUIRE(reopened->log_end_offset() == 3);
}
