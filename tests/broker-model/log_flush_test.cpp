#include <catch2/catch.hpp>

#include "log_fixtures.h"
#include "sim/disk.h"

using namespace kafkasim::kafka;
using namespace kafkasim::test;
using kafkasim::sim::Disk;

namespace {
const std::string kFirstSegment = "orders-0/00000000000000000000.log";
}

TEST_CASE("by default appends are never flushed: a power loss takes them all") {
  Disk disk;
  auto log = Log::open(disk, kDir, {});
  append_batches(*log, 5, 2, 0);
  log->maybe_flush(0);
  log->maybe_flush(1'000'000'000);
  REQUIRE(log->unflushed_messages() == 10);
  REQUIRE(disk.unflushed_bytes(kFirstSegment) == log->size_bytes());
  disk.lose_unflushed(nullptr);
  REQUIRE(Log::open(disk, kDir, {})->log_end_offset() == 0);
}

TEST_CASE("flush.messages = 1 makes every append durable across a power loss") {
  Disk disk;
  LogConfig config;
  config.flush_interval_messages = 1;
  std::vector<BatchPtr> written;
  {
    auto log = Log::open(disk, kDir, config);
    written = append_batches(*log, 4, 3, 2);
    REQUIRE(log->unflushed_messages() == 0);
    REQUIRE(log->recovery_point() == 12);
  }
  disk.lose_unflushed(nullptr);
  auto log = Log::open(disk, kDir, config);
  REQUIRE(log->log_end_offset() == 12);
  REQUIRE(read_all(*log).back()->records == written.back()->records);
}

TEST_CASE("flush.messages flushes once that many messages are unflushed") {
  Disk disk;
  LogConfig config;
  config.flush_interval_messages = 5;
  {
    auto log = Log::open(disk, kDir, config);
    append_batches(*log, 2, 2, 0);
    REQUIRE(log->unflushed_messages() == 4);
    append_batches(*log, 1, 2, 0);  // 6 >= 5: flushed
    REQUIRE(log->unflushed_messages() == 0);
    append_batches(*log, 1, 2, 0);
    REQUIRE(log->unflushed_messages() == 2);
  }
  disk.lose_unflushed(nullptr);
  REQUIRE(Log::open(disk, kDir, config)->log_end_offset() == 6);
}

TEST_CASE("flush.ms flushes when that long has passed since the clock started or the last flush") {
  Disk disk;
  LogConfig config;
  config.flush_interval_ms = 1000;
  auto log = Log::open(disk, kDir, config);
  log->maybe_flush(5000);  // starts the clock
  append_batches(*log, 1, 2, 0);
  log->maybe_flush(5999);
  REQUIRE(log->unflushed_messages() == 2);
  log->maybe_flush(6000);
  REQUIRE(log->unflushed_messages() == 0);
  append_batches(*log, 1, 2, 0);
  log->maybe_flush(6999);
  REQUIRE(log->unflushed_messages() == 2);
  log->maybe_flush(7000);
  REQUIRE(log->unflushed_messages() == 0);
  REQUIRE(disk.unflushed_bytes(kFirstSegment) == 0);
}

TEST_CASE("rolling a segment flushes the segments before it, as Kafka's roll schedules") {
  Disk disk;
  LogConfig config;
  config.segment_bytes = static_cast<int64_t>(2 * make_batch(1, "e0").size_bytes());
  auto log = Log::open(disk, kDir, config);
  append_batches(*log, 3, 1, 0);
  REQUIRE(log->segment_count() == 2);
  REQUIRE(disk.unflushed_bytes(kFirstSegment) == 0);
  REQUIRE(disk.unflushed_bytes(log->segment_files()[1]) > 0);
  REQUIRE(log->recovery_point() == 2);
  REQUIRE(log->unflushed_messages() == 1);
  disk.lose_unflushed(nullptr);
  REQUIRE(Log::open(disk, kDir, config)->log_end_offset() == 2);
}

TEST_CASE("a flush after recovery flushes what the crashed incarnation left in the page cache") {
  Disk disk;
  append_batches(*Log::open(disk, kDir, {}), 3, 1, 0);
  auto log = Log::open(disk, kDir, {});
  REQUIRE(log->unflushed_messages() == 3);
  log->flush();
  disk.lose_unflushed(nullptr);
  REQUIRE(Log::open(disk, kDir, {})->log_end_offset() == 3);
}
