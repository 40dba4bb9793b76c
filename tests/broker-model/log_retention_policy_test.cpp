#include <catch2/catch.hpp>

#include "broker-model/log_retention.h"
#include "log_fixtures.h"
#include "sim/disk.h"

using namespace kafkasim::kafka;
using namespace kafkasim::test;
using kafkasim::sim::Disk;

namespace {

// Three full segments of two one-record batches, their records stamped
// 1000, 2000, ..., 6000 ms, and an active segment with one at 7000 ms.
std::unique_ptr<Log> timed_segments(Disk& disk) {
  LogConfig config;
  config.segment_bytes = static_cast<int64_t>(2 * make_batch(1).size_bytes());
  auto log = Log::open(disk, kDir, config);
  for (int i = 1; i <= 7; ++i) {
    RecordBatch b = make_batch(1);
    b.records[0].timestamp_ms = 1000 * i;
    log->append_as_leader(b, 0);
  }
  log->set_high_watermark(log->log_end_offset());
  REQUIRE(log->segment_count() == 4);
  return log;
}

}  // namespace

TEST_CASE("retention.ms deletes the oldest segments whose newest record is older than it") {
  Disk disk;
  auto log = timed_segments(disk);
  // At 7500 ms with retention.ms 3000: records up to 4500 ms are expired;
  // segments [0,2) (newest 2000) and [2,4) (newest 4000) go, [4,6) stays.
  auto d = delete_by_time(*log, RetentionConfig{3000, -1}, 7500);
  REQUIRE(d);
  REQUIRE(d->start_offset == 0);
  REQUIRE(d->end_offset == 4);
  REQUIRE(d->segments == 2);
  REQUIRE(log->log_start_offset() == 4);
  REQUIRE(describe(*log, *d) == "retention: deleted orders-0 offsets [0, 4) (retention.ms=3000)");
  REQUIRE_THROWS_AS(log->read(3, INT64_MAX, log->log_end_offset()), std::out_of_range);
  REQUIRE_FALSE(delete_by_time(*log, RetentionConfig{3000, -1}, 7500));
  REQUIRE_FALSE(delete_by_time(*log, RetentionConfig{-1, -1}, 1'000'000));
}

TEST_CASE("retention.ms never deletes at or above the high watermark") {
  Disk disk;
  auto log = timed_segments(disk);
  log->set_high_watermark(3);
  auto d = delete_by_time(*log, RetentionConfig{0, -1}, 1'000'000);
  REQUIRE(d);
  REQUIRE(d->end_offset == 2);
  REQUIRE(log->log_start_offset() == 2);
}

TEST_CASE("an expired active segment is rolled and deleted too, once the HW covers it") {
  Disk disk;
  auto log = timed_segments(disk);
  auto d = delete_by_time(*log, RetentionConfig{0, -1}, 1'000'000);
  REQUIRE(d);
  REQUIRE(d->end_offset == 7);
  REQUIRE(log->log_start_offset() == 7);
  REQUIRE(log->log_end_offset() == 7);
  REQUIRE(log->segment_count() == 1);
}

TEST_CASE("retention.bytes deletes the oldest segments while the log stays at least that large") {
  Disk disk;
  auto log = timed_segments(disk);
  const auto segment = static_cast<int64_t>(log->segments().front().size_bytes());
  const auto total = static_cast<int64_t>(log->size_bytes());
  REQUIRE_FALSE(delete_by_size(*log, RetentionConfig{-1, total}));
  // One byte too many: deleting a whole segment would go below the limit.
  REQUIRE_FALSE(delete_by_size(*log, RetentionConfig{-1, total - 1}));
  // Over by a segment and a byte: one segment goes, a second would be too many.
  auto d = delete_by_size(*log, RetentionConfig{-1, total - segment - 1});
  REQUIRE(d);
  REQUIRE(d->end_offset == 2);
  REQUIRE(describe(*log, *d) == "retention: deleted orders-0 offsets [0, 2) (retention.bytes=" +
                                    std::to_string(total - segment - 1) + ")");
  d = delete_by_size(*log, RetentionConfig{-1, total - 3 * segment});
  REQUIRE(d);
  REQUIRE(d->start_offset == 2);
  REQUIRE(d->end_offset == 6);
}

TEST_CASE("segments wholly below a raised log start offset are deleted") {
  Disk disk;
  auto log = timed_segments(disk);
  log->set_log_start_offset(3);  // as a follower does with its leader's
  auto d = delete_below_log_start(*log);
  REQUIRE(d);
  REQUIRE(d->start_offset == 0);
  REQUIRE(d->end_offset == 2);
  REQUIRE(log->log_start_offset() == 3);
  REQUIRE(log->segments().front().base_offset() == 2);
}

TEST_CASE("a segment the cleaner emptied counts as expired under retention.ms (compact,delete)") {
  Disk disk;
  LogConfig config;
  RecordBatch empty;
  empty.compacted = true;
  empty.last_offset_delta = 0;
  empty.partition_leader_epoch = 0;
  config.segment_bytes = static_cast<int64_t>(2 * empty.size_bytes());
  auto log = Log::open(disk, kDir, config);
  for (int64_t offset = 0; offset < 2; ++offset) {
    RecordBatch b = empty;
    b.base_offset = offset;
    log->append_as_follower(std::make_shared<const RecordBatch>(b));
  }
  RecordBatch fresh = make_batch(1);
  fresh.records[0].timestamp_ms = 10'000;
  log->append_as_leader(fresh, 0);
  log->set_high_watermark(log->log_end_offset());
  REQUIRE(log->segment_count() == 2);
  auto d = delete_by_time(*log, RetentionConfig{60'000, -1}, 10'500);
  REQUIRE(d);
  REQUIRE(d->end_offset == 2);
  REQUIRE(log->log_start_offset() == 2);
}
