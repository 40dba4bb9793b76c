#include <catch2/catch.hpp>

#include <stdexcept>

#include "log_fixtures.h"
#include "sim/disk.h"

using namespace kafkasim::kafka;
using namespace kafkasim::test;
using kafkasim::sim::Disk;

TEST_CASE("a fresh log is empty and has one segment file named by offset 0") {
  Disk disk;
  auto log = Log::open(disk, kDir, {});
  REQUIRE(log->log_start_offset() == 0);
  REQUIRE(log->log_end_offset() == 0);
  REQUIRE(log->high_watermark() == 0);
  REQUIRE(log->latest_epoch() == kUndefinedEpoch);
  REQUIRE(log->last_batch_epoch() == kUndefinedEpoch);
  REQUIRE(log->segment_files() == std::vector<std::string>{"orders-0/00000000000000000000.log"});
  REQUIRE(disk.exists("orders-0/00000000000000000000.log"));
  REQUIRE(read_all(*log).empty());
}

TEST_CASE("leader appends assign consecutive offsets and stamp the leader epoch") {
  Disk disk;
  auto log = Log::open(disk, kDir, {});
  BatchPtr a = log->append_as_leader(make_batch(3), 1);
  BatchPtr b = log->append_as_leader(make_batch(2), 1);
  BatchPtr c = log->append_as_leader(make_batch(1), 4);
  REQUIRE(a->base_offset == 0);
  REQUIRE(b->base_offset == 3);
  REQUIRE(c->base_offset == 5);
  REQUIRE(a->partition_leader_epoch == 1);
  REQUIRE(c->partition_leader_epoch == 4);
  REQUIRE(log->log_end_offset() == 6);
  REQUIRE(log->last_batch_epoch() == 4);
  REQUIRE(log->latest_epoch() == 4);
  REQUIRE(log->leader_epoch_cache().entries() == std::vector<EpochEntry>{{1, 0}, {4, 5}});
  REQUIRE(log->end_offset_for_epoch(1) == EpochEndOffset{1, 5});
  REQUIRE(log->end_offset_for_epoch(4) == EpochEndOffset{4, 6});
}

TEST_CASE("a new leader's epoch start is recorded before it appends anything") {
  Disk disk;
  auto log = Log::open(disk, kDir, {});
  append_batches(*log, 2, 2, 1);
  log->assign_epoch(3, log->log_end_offset());
  REQUIRE(log->latest_epoch() == 3);
  REQUIRE(log->last_batch_epoch() == 1);
  REQUIRE(log->end_offset_for_epoch(1) == EpochEndOffset{1, 4});
  REQUIRE(log->end_offset_for_epoch(2) == EpochEndOffset{1, 4});
}

TEST_CASE("reads share the stored batches and a follower stores the leader's batch without copying it") {
  Disk disk;
  auto leader = Log::open(disk, "orders-0-leader/", {});
  auto follower = Log::open(disk, "orders-0-follower/", {});
  BatchPtr stored = leader->append_as_leader(make_batch(2), 3);
  std::vector<BatchPtr> fetched = leader->read(0, 1 << 20, leader->log_end_offset());
  REQUIRE(fetched.size() == 1);
  REQUIRE(fetched[0] == stored);
  follower->append_as_follower(fetched[0]);
  REQUIRE(read_all(*follower)[0] == stored);
  REQUIRE(follower->log_end_offset() == 2);
  REQUIRE(follower->leader_epoch_cache().entries() == std::vector<EpochEntry>{{3, 0}});
  REQUIRE(disk.read(follower->segment_files()[0]) == disk.read(leader->segment_files()[0]));
}

TEST_CASE("a follower append must start exactly at the log end offset") {
  Disk disk;
  auto leader = Log::open(disk, "a-0/", {});
  auto follower = Log::open(disk, "b-0/", {});
  std::vector<BatchPtr> batches = append_batches(*leader, 3, 2, 1);
  REQUIRE_THROWS_AS(follower->append_as_follower(batches[1]), std::logic_error);
  follower->append_as_follower(batches[0]);
  REQUIRE_THROWS_AS(follower->append_as_follower(batches[0]), std::logic_error);
  REQUIRE_THROWS_AS(follower->append_as_follower(batches[2]), std::logic_error);
  REQUIRE(follower->log_end_offset() == 2);
  REQUIRE(follower->size_bytes() == batches[0]->size_bytes());
}

TEST_CASE("appends roll a new segment when the active one would exceed segment.bytes") {
  Disk disk;
  const size_t batch_bytes = make_batch(2, "e1").size_bytes();  // as append_batches makes them
  LogConfig config;
  config.segment_bytes = static_cast<int64_t>(3 * batch_bytes);
  auto log = Log::open(disk, kDir, config);
  std::vector<BatchPtr> stored = append_batches(*log, 10, 2, 1);
  REQUIRE(log->segment_count() == 4);
  REQUIRE(log->segment_files() == std::vector<std::string>{
                                      "orders-0/00000000000000000000.log", "orders-0/00000000000000000006.log",
                                      "orders-0/00000000000000000012.log", "orders-0/00000000000000000018.log"});
  REQUIRE(disk.size("orders-0/00000000000000000006.log") == 3 * batch_bytes);
  REQUIRE(log->size_bytes() == 10 * batch_bytes);
  REQUIRE(read_all(*log) == stored);
  SECTION("a read from inside a batch starts with that batch and crosses segments") {
    std::vector<BatchPtr> from_7 = log->read(7, INT64_MAX, log->log_end_offset());
    REQUIRE(base_offsets(from_7) == std::vector<int64_t>{6, 8, 10, 12, 14, 16, 18});
  }
  SECTION("a read from the first offset of a later segment starts there") {
    REQUIRE(base_offsets(log->read(12, INT64_MAX, 16)) == std::vector<int64_t>{12, 14});
  }
}

TEST_CASE("a batch larger than segment.bytes is refused") {
  Disk disk;
  LogConfig config;
  config.segment_bytes = 100;
  auto log = Log::open(disk, kDir, config);
  REQUIRE_THROWS_AS(log->append_as_leader(make_batch(1, "v", 200), 0), std::invalid_argument);
  REQUIRE(log->log_end_offset() == 0);
  REQUIRE(log->latest_epoch() == kUndefinedEpoch);
}

TEST_CASE("a read returns at least one batch even when it is larger than max_bytes") {
  Disk disk;
  auto log = Log::open(disk, kDir, {});
  append_batches(*log, 3, 1, 0, 500);
  REQUIRE(base_offsets(log->read(0, 10, 3)) == std::vector<int64_t>{0});
  REQUIRE(base_offsets(log->read(0, 0, 3)) == std::vector<int64_t>{0});
}

TEST_CASE("a read stops before the batch that would exceed max_bytes") {
  Disk disk;
  auto log = Log::open(disk, kDir, {});
  std::vector<BatchPtr> stored = append_batches(*log, 4, 1, 0);
  const auto size = static_cast<int64_t>(stored[0]->size_bytes());
  REQUIRE(base_offsets(log->read(0, 2 * size, 4)) == std::vector<int64_t>{0, 1});
  REQUIRE(base_offsets(log->read(0, 3 * size - 1, 4)) == std::vector<int64_t>{0, 1});
  REQUIRE(base_offsets(log->read(1, 3 * size, 4)) == std::vector<int64_t>{1, 2, 3});
}

TEST_CASE("a read leaves out every batch that reaches the upper bound") {
  Disk disk;
  auto log = Log::open(disk, kDir, {});
  append_batches(*log, 3, 2, 0);  // offsets 0-1, 2-3, 4-5
  REQUIRE(base_offsets(log->read(0, INT64_MAX, 4)) == std::vector<int64_t>{0, 2});
  REQUIRE(base_offsets(log->read(0, INT64_MAX, 3)) == std::vector<int64_t>{0});
  REQUIRE(log->read(2, INT64_MAX, 2).empty());
  REQUIRE(log->read(6, INT64_MAX, 6).empty());
}

TEST_CASE("a read outside [log start offset, LEO] is out of range") {
  Disk disk;
  auto log = Log::open(disk, kDir, {});
  append_batches(*log, 1, 2, 0);
  REQUIRE_THROWS_AS(log->read(3, 100, 3), std::out_of_range);
  REQUIRE_THROWS_AS(log->read(-1, 100, 3), std::out_of_range);
}

TEST_CASE("the same appends give the same files and bytes on every run") {
  auto run = [] {
    Disk disk;
    LogConfig config;
    config.segment_bytes = 300;
    auto log = Log::open(disk, kDir, config);
    for (int i = 0; i < 12; ++i) log->append_as_leader(make_batch(1 + i % 3), i / 4);
    std::vector<std::string> files = disk.list();
    std::string bytes;
    for (const std::string& f : files) bytes += f + "=" + disk.read(f) + ";";
    return bytes;
  };
  const std::string first = run();
  REQUIRE(first.find("orders-0/00000000000000000000.log=") != std::string::npos);
  REQUIRE(run() == first);
}

TEST_CASE("an epoch start beyond the LEO is a programming error") {
  Disk disk;
  auto log = Log::open(disk, kDir, {});
  REQUIRE_THROWS_AS(log->assign_epoch(1, 1), std::logic_error);
}
