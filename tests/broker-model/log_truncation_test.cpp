#include <catch2/catch.hpp>

#include <stdexcept>

#include "log_fixtures.h"
#include "sim/disk.h"

using namespace kafkasim::kafka;
using namespace kafkasim::test;
using kafkasim::sim::Disk;

namespace {

using Entries = std::vector<EpochEntry>;

// Batches of 2 records: offsets 0-1, 2-3 (epoch 1), 4-5, 6-7 (epoch 2),
// 8-9 (epoch 4); HW at the LEO.
std::unique_ptr<Log> five_batches(Disk& disk, LogConfig config = {}) {
  auto log = Log::open(disk, kDir, config);
  append_batches(*log, 2, 2, 1);
  append_batches(*log, 2, 2, 2);
  append_batches(*log, 1, 2, 4);
  log->set_high_watermark(log->log_end_offset());
  return log;
}

uint64_t bytes_of(const std::vector<BatchPtr>& batches) {
  uint64_t total = 0;
  for (const BatchPtr& b : batches) total += b->size_bytes();
  return total;
}

}  // namespace

TEST_CASE("truncation at a batch boundary removes the later batches on disk and in memory") {
  Disk disk;
  auto log = five_batches(disk);
  std::vector<BatchPtr> before = read_all(*log);
  log->truncate_to(4);
  REQUIRE(log->log_end_offset() == 4);
  REQUIRE(read_all(*log) == std::vector<BatchPtr>(before.begin(), before.begin() + 2));
  REQUIRE(disk.size(log->segment_files()[0]) == bytes_of(read_all(*log)));
  REQUIRE(log->size_bytes() == bytes_of(read_all(*log)));
  REQUIRE(log->leader_epoch_cache().entries() == Entries{{1, 0}});
  REQUIRE(log->high_watermark() == 4);
  REQUIRE(log->last_batch_epoch() == 1);
}

TEST_CASE("truncation inside a batch removes the whole batch, as Kafka does") {
  Disk disk;
  auto log = five_batches(disk);
  log->truncate_to(5);
  REQUIRE(log->log_end_offset() == 4);
  REQUIRE(base_offsets(read_all(*log)) == std::vector<int64_t>{0, 2});
  // Kafka truncates the epoch cache at the requested offset: epoch 2's start
  // at 4 is now the LEO, where a later append will replace it.
  REQUIRE(log->leader_epoch_cache().entries() == Entries{{1, 0}, {2, 4}});
  log->append_as_follower(std::make_shared<const RecordBatch>([] {
    RecordBatch b = make_batch(1);
    b.base_offset = 4;
    b.partition_leader_epoch = 3;
    return b;
  }()));
  REQUIRE(log->leader_epoch_cache().entries() == Entries{{1, 0}, {3, 4}});
}

TEST_CASE("truncation reaches back across segments and deletes the later segment files") {
  Disk disk;
  LogConfig config;
  config.segment_bytes = static_cast<int64_t>(2 * make_batch(2, "e1").size_bytes());
  auto log = five_batches(disk, config);
  REQUIRE(log->segment_count() == 3);
  const std::vector<std::string> files = log->segment_files();
  log->truncate_to(3);
  REQUIRE(log->log_end_offset() == 2);
  REQUIRE(log->segment_files() == std::vector<std::string>{files[0]});
  REQUIRE_FALSE(disk.exists(files[1]));
  REQUIRE_FALSE(disk.exists(files[2]));
  REQUIRE(log->leader_epoch_cache().entries() == Entries{{1, 0}});
  SECTION("and the log goes on appending from there") {
    log->append_as_leader(make_batch(2), 5);
    REQUIRE(base_offsets(read_all(*log)) == std::vector<int64_t>{0, 2});
  }
}

TEST_CASE("truncation to a segment's base offset empties that segment and keeps it active") {
  Disk disk;
  LogConfig config;
  config.segment_bytes = static_cast<int64_t>(2 * make_batch(2, "e1").size_bytes());
  auto log = five_batches(disk, config);
  log->truncate_to(4);
  REQUIRE(log->segment_count() == 2);
  REQUIRE(log->segments().back().empty());
  REQUIRE(log->segments().back().base_offset() == 4);
  REQUIRE(log->log_end_offset() == 4);
  REQUIRE(log->last_batch_epoch() == 1);
}

TEST_CASE("truncation at or beyond the LEO keeps the records and drops an epoch start at the LEO") {
  Disk disk;
  auto log = five_batches(disk);
  log->assign_epoch(6, 10);
  log->truncate_to(12);
  REQUIRE(log->log_end_offset() == 10);
  REQUIRE(log->leader_epoch_cache().entries() == Entries{{1, 0}, {2, 4}, {4, 8}});
}

TEST_CASE("truncation clamps the high watermark to the new LEO") {
  Disk disk;
  auto log = five_batches(disk);
  log->set_high_watermark(6);
  log->truncate_to(8);
  REQUIRE(log->high_watermark() == 6);
  log->truncate_to(2);
  REQUIRE(log->high_watermark() == 2);
}

TEST_CASE("truncation to offset 0 empties the log") {
  Disk disk;
  auto log = five_batches(disk);
  log->truncate_to(0);
  REQUIRE(log->log_end_offset() == 0);
  REQUIRE(read_all(*log).empty());
  REQUIRE(log->leader_epoch_cache().entries().empty());
  REQUIRE(log->latest_epoch() == kUndefinedEpoch);
  REQUIRE(log->high_watermark() == 0);
}

TEST_CASE("truncating fully restarts the log empty at a new offset") {
  Disk disk;
  auto log = five_batches(disk);
  log->truncate_fully_and_start_at(50);
  REQUIRE(log->log_start_offset() == 50);
  REQUIRE(log->log_end_offset() == 50);
  REQUIRE(log->high_watermark() == 50);
  REQUIRE(log->leader_epoch_cache().entries().empty());
  REQUIRE(log->segment_files() == std::vector<std::string>{"orders-0/00000000000000000050.log"});
  REQUIRE_FALSE(disk.exists("orders-0/00000000000000000000.log"));
  BatchPtr b = log->append_as_leader(make_batch(1), 7);
  REQUIRE(b->base_offset == 50);
}

TEST_CASE("a truncated log reopens truncated after a crash") {
  Disk disk;
  five_batches(disk)->truncate_to(6);
  auto reopened = Log::open(disk, kDir, {});
  REQUIRE(reopened->log_end_offset() == 6);
  REQUIRE(reopened->leader_epoch_cache().entries() == Entries{{1, 0}, {2, 4}});
  REQUIRE(reopened->recovery_info().bytes_truncated == 0);
}

TEST_CASE("an unflushed truncation is undone by a power loss, as on Kafka, which does not fsync it") {
  Disk disk;
  {
    auto log = five_batches(disk);
    log->flush();
    log->truncate_to(4);
  }
  SECTION("without a flush, the truncated batches come back with their epochs") {
    disk.lose_unflushed(nullptr);
    auto reopened = Log::open(disk, kDir, {});
    REQUIRE(reopened->log_end_offset() == 10);
    REQUIRE(reopened->leader_epoch_cache().entries() == Entries{{1, 0}, {2, 4}, {4, 8}});
    REQUIRE(reopened->recovery_info().epoch_entries_rebuilt == 2);
  }
  SECTION("after a flush, the truncation is durable") {
    Log::open(disk, kDir, {})->flush();
    disk.lose_unflushed(nullptr);
    REQUIRE(Log::open(disk, kDir, {})->log_end_offset() == 4);
  }
}

TEST_CASE("truncation to a negative offset is a programming error") {
  Disk disk;
  auto log = five_batches(disk);
  REQUIRE_THROWS_AS(log->truncate_to(-1), std::logic_error);
}
