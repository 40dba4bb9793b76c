#include <catch2/catch.hpp>

#include <stdexcept>

#include "log_fixtures.h"
#include "sim/disk.h"

using namespace kafkasim::kafka;
using namespace kafkasim::test;
using kafkasim::sim::Disk;

namespace {

using Entries = std::vector<EpochEntry>;

// Three segments of two 2-record batches: 0-3 (epoch 1), 4-7 (epoch 1, then
// epoch 2 from 6), 8-11 (epoch 2); HW at the LEO.
std::unique_ptr<Log> three_segments(Disk& disk) {
  LogConfig config;
  config.segment_bytes = static_cast<int64_t>(2 * make_batch(2, "e1").size_bytes());
  auto log = Log::open(disk, kDir, config);
  append_batches(*log, 3, 2, 1);
  append_batches(*log, 3, 2, 2);
  log->set_high_watermark(log->log_end_offset());
  REQUIRE(log->segment_count() == 3);
  return log;
}

}  // namespace

TEST_CASE("deleting segments before an offset removes only segments wholly below it") {
  Disk disk;
  auto log = three_segments(disk);
  const std::vector<std::string> files = log->segment_files();
  REQUIRE(log->delete_segments_before(7) == 1);
  REQUIRE(log->log_start_offset() == 4);
  REQUIRE(log->segment_files() == std::vector<std::string>{files[1], files[2]});
  REQUIRE_FALSE(disk.exists(files[0]));
  REQUIRE(log->leader_epoch_cache().entries() == Entries{{1, 4}, {2, 6}});
  REQUIRE(base_offsets(read_all(*log)) == std::vector<int64_t>{4, 6, 8, 10});
  REQUIRE_THROWS_AS(log->read(2, 100, 12), std::out_of_range);
  SECTION("and the log reopens starting at the first remaining segment") {
    auto reopened = Log::open(disk, kDir, log->config());
    REQUIRE(reopened->log_start_offset() == 4);
    REQUIRE(reopened->leader_epoch_cache().entries() == Entries{{1, 4}, {2, 6}});
  }
}

TEST_CASE("deleting every segment rolls a new empty active segment first") {
  Disk disk;
  auto log = three_segments(disk);
  REQUIRE(log->delete_segments_before(12) == 3);
  REQUIRE(log->segment_files() == std::vector<std::string>{"orders-0/00000000000000000012.log"});
  REQUIRE(log->log_start_offset() == 12);
  REQUIRE(log->log_end_offset() == 12);
  REQUIRE(log->leader_epoch_cache().entries() == Entries{{2, 12}});
  REQUIRE(log->append_as_leader(make_batch(1), 2)->base_offset == 12);
}

TEST_CASE("segments at or above the HW are never deleted") {
  Disk disk;
  auto log = three_segments(disk);
  log->set_high_watermark(5);
  REQUIRE_THROWS_AS(log->delete_segments_before(8), std::logic_error);
  REQUIRE(log->delete_segments_before(5) == 1);
}

TEST_CASE("raising the log start offset hides earlier records and truncates the epoch cache from the start") {
  Disk disk;
  auto log = three_segments(disk);
  log->set_log_start_offset(7);
  REQUIRE(log->log_start_offset() == 7);
  REQUIRE(log->segment_count() == 3);
  REQUIRE(log->leader_epoch_cache().entries() == Entries{{2, 7}});
  REQUIRE(base_offsets(log->read(7, INT64_MAX, 12)) == std::vector<int64_t>{6, 8, 10});
  REQUIRE_THROWS_AS(log->read(6, INT64_MAX, 12), std::out_of_range);
  log->set_log_start_offset(3);  // never goes back
  REQUIRE(log->log_start_offset() == 7);
  REQUIRE(log->delete_segments_before(log->log_start_offset()) == 1);
  REQUIRE(log->log_start_offset() == 7);
  REQUIRE_THROWS_AS(log->set_log_start_offset(13), std::logic_error);
}
