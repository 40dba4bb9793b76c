#include <catch2/catch.hpp>

#include <stdexcept>

#include "log_fixtures.h"
#include "sim/disk.h"
#include "sim/random.h"

using namespace kafkasim::kafka;
using namespace kafkasim::test;
using kafkasim::sim::Disk;
using kafkasim::sim::Prng;

namespace {

using Entries = std::vector<EpochEntry>;

bool same_records(const std::vector<BatchPtr>& a, const std::vector<BatchPtr>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!(*a[i] == *b[i])) return false;
  return true;
}

}  // namespace

TEST_CASE("after a crash that keeps the page cache, everything comes back") {
  Disk disk;
  std::vector<BatchPtr> written;
  {
    LogConfig config;
    config.segment_bytes = 400;
    auto log = Log::open(disk, kDir, config);
    written = append_batches(*log, 6, 3, 1);
    auto more = append_batches(*log, 4, 2, 3);
    written.insert(written.end(), more.begin(), more.end());
    log->set_high_watermark(20);
    log->checkpoint_high_watermark();
  }
  auto log = Log::open(disk, kDir, {});
  REQUIRE(same_records(read_all(*log), written));
  REQUIRE(log->log_end_offset() == 26);
  REQUIRE(log->segment_count() > 1);
  REQUIRE(log->leader_epoch_cache().entries() == Entries{{1, 0}, {3, 18}});
  REQUIRE(log->high_watermark() == 20);
  REQUIRE(log->recovery_info().bytes_truncated == 0);
  REQUIRE(log->recovery_info().invalid_segment.empty());
  REQUIRE(log->recovery_info().batches_loaded == 10);
  SECTION("and the recovered log takes appends where it ended") {
    REQUIRE(log->append_as_leader(make_batch(1), 3)->base_offset == 26);
  }
}

TEST_CASE("after a power loss with nothing flushed, the log is empty and the epoch cache and HW are clamped") {
  Disk disk;
  {
    auto log = Log::open(disk, kDir, {});
    append_batches(*log, 3, 2, 1);
    append_batches(*log, 2, 2, 2);
    log->set_high_watermark(8);
    log->checkpoint_high_watermark();
  }
  disk.lose_unflushed(nullptr);
  auto log = Log::open(disk, kDir, {});
  REQUIRE(log->log_end_offset() == 0);
  REQUIRE(log->segment_files() == std::vector<std::string>{"orders-0/00000000000000000000.log"});
  // The epoch checkpoint and the HW checkpoint are fsynced; the log was not.
  REQUIRE(log->recovery_info().epoch_entries_dropped == 2);
  REQUIRE(log->leader_epoch_cache().entries().empty());
  REQUIRE(log->recovery_info().checkpointed_high_watermark == 8);
  REQUIRE(log->checkpointed_high_watermark() == 8);
  REQUIRE(log->recovery_info().high_watermark_clamped);
  REQUIRE(log->high_watermark() == 0);
}

TEST_CASE("after a power loss only flushed batches come back") {
  Disk disk;
  std::vector<BatchPtr> flushed;
  {
    auto log = Log::open(disk, kDir, {});
    flushed = append_batches(*log, 3, 2, 1);
    log->flush();
    REQUIRE(log->recovery_point() == 6);
    append_batches(*log, 2, 2, 2);
    log->set_high_watermark(10);
    log->checkpoint_high_watermark();
  }
  disk.lose_unflushed(nullptr);
  auto log = Log::open(disk, kDir, {});
  REQUIRE(same_records(read_all(*log), flushed));
  REQUIRE(log->leader_epoch_cache().entries() == Entries{{1, 0}});
  REQUIRE(log->recovery_info().epoch_entries_dropped == 1);
  REQUIRE(log->high_watermark() == 6);
}

TEST_CASE("a torn tail is detected by its CRC or length and cut off, on disk too") {
  Prng rng(20240601);
  int torn = 0;
  for (int round = 0; round < 40; ++round) {
    Disk disk;
    std::vector<BatchPtr> written;
    {
      auto log = Log::open(disk, kDir, {});
      written = append_batches(*log, 2, 3, 1, 20);
      log->flush();
      auto more = append_batches(*log, 4, 3, 2, 20);
      written.insert(written.end(), more.begin(), more.end());
    }
    disk.lose_unflushed(&rng);
    const uint64_t surviving = disk.size("orders-0/00000000000000000000.log");
    auto log = Log::open(disk, kDir, {});
    const std::vector<BatchPtr> recovered = read_all(*log);
    INFO("round " << round << ": " << surviving << " bytes survived, " << recovered.size() << " batches");
    REQUIRE(recovered.size() >= 2);
    REQUIRE(same_records(recovered, std::vector<BatchPtr>(written.begin(), written.begin() + recovered.size())));
    REQUIRE(log->log_end_offset() == 3 * static_cast<int64_t>(recovered.size()));
    REQUIRE(disk.size("orders-0/00000000000000000000.log") == log->size_bytes());
    REQUIRE(log->size_bytes() + log->recovery_info().bytes_truncated == surviving);
    if (log->recovery_info().bytes_truncated > 0) {
      ++torn;
      REQUIRE(log->recovery_info().invalid_tail == DecodeStatus::kTorn);
      REQUIRE(log->recovery_info().invalid_segment == "orders-0/00000000000000000000.log");
    }
    const Entries expected = recovered.size() > 2 ? Entries{{1, 0}, {2, 6}} : Entries{{1, 0}};
    REQUIRE(log->leader_epoch_cache().entries() == expected);
    // A second recovery finds nothing more to repair.
    REQUIRE(Log::open(disk, kDir, {})->recovery_info().bytes_truncated == 0);
  }
  REQUIRE(torn > 10);
}

TEST_CASE("a corrupt batch ends the log there: the segment is cut and later segments are deleted") {
  Disk disk;
  LogConfig config;
  config.segment_bytes = static_cast<int64_t>(3 * make_batch(2, "e1").size_bytes());
  std::vector<BatchPtr> written;
  std::vector<std::string> files;
  {
    auto log = Log::open(disk, kDir, config);
    written = append_batches(*log, 8, 2, 1);
    files = log->segment_files();
  }
  REQUIRE(files.size() == 3);
  // Flip a byte inside the second batch of the second segment (offsets 8-9).
  std::string bytes = disk.read(files[1]);
  const size_t batch_bytes = written[0]->size_bytes();
  bytes[batch_bytes + 30] = static_cast<char>(bytes[batch_bytes + 30] ^ 0x01);
  disk.write_file(files[1], bytes);
  const uint64_t third_bytes = disk.size(files[2]);

  auto log = Log::open(disk, kDir, config);
  REQUIRE(log->log_end_offset() == 8);
  REQUIRE(same_records(read_all(*log), std::vector<BatchPtr>(written.begin(), written.begin() + 4)));
  const LogRecoveryInfo& info = log->recovery_info();
  REQUIRE(info.invalid_tail == DecodeStatus::kCorrupt);
  REQUIRE(info.invalid_segment == files[1]);
  REQUIRE(info.bytes_truncated == 2 * batch_bytes);
  REQUIRE(info.segments_deleted == 1);
  REQUIRE(info.bytes_deleted == third_bytes);
  REQUIRE(disk.size(files[1]) == batch_bytes);
  REQUIRE_FALSE(disk.exists(files[2]));
  REQUIRE(log->segment_files() == std::vector<std::string>{files[0], files[1]});
}

TEST_CASE("a batch whose offsets do not continue the log counts as corrupt") {
  Disk disk;
  std::string bytes;
  RecordBatch first = make_batch(2);
  first.base_offset = 0;
  RecordBatch gap = make_batch(2);
  gap.base_offset = 5;
  encode_batch(first, &bytes);
  encode_batch(gap, &bytes);
  disk.append("orders-0/00000000000000000000.log", bytes);
  auto log = Log::open(disk, kDir, {});
  REQUIRE(log->log_end_offset() == 2);
  REQUIRE(log->recovery_info().invalid_tail == DecodeStatus::kCorrupt);
}

TEST_CASE("without its checkpoint the epoch cache is rebuilt from the batches' leader epochs") {
  Disk disk;
  {
    auto log = Log::open(disk, kDir, {});
    append_batches(*log, 2, 1, 0);
    append_batches(*log, 1, 1, 2);
    append_batches(*log, 2, 1, 5);
  }
  disk.remove("orders-0/leader-epoch-checkpoint");
  auto log = Log::open(disk, kDir, {});
  REQUIRE(log->leader_epoch_cache().entries() == Entries{{0, 0}, {2, 2}, {5, 3}});
  REQUIRE(log->recovery_info().epoch_entries_rebuilt == 3);
  REQUIRE(disk.read("orders-0/leader-epoch-checkpoint") == "0\n3\n0 0\n2 2\n5 3\n");
}

TEST_CASE("the HW checkpoint round-trips and is durable at once") {
  Disk disk;
  {
    auto log = Log::open(disk, kDir, {});
    append_batches(*log, 4, 1, 0);
    log->flush();
    REQUIRE(log->checkpointed_high_watermark() == 0);
    log->set_high_watermark(3);
    log->checkpoint_high_watermark();
    REQUIRE(log->checkpointed_high_watermark() == 3);
    log->set_high_watermark(4);  // not checkpointed
  }
  REQUIRE(disk.read("orders-0/replication-offset-checkpoint") == "0\n1\norders-0 3\n");
  REQUIRE_FALSE(disk.exists("orders-0/replication-offset-checkpoint.tmp"));
  disk.lose_unflushed(nullptr);
  auto log = Log::open(disk, kDir, {});
  REQUIRE(log->high_watermark() == 3);
  REQUIRE(log->checkpointed_high_watermark() == 3);
  REQUIRE_FALSE(log->recovery_info().high_watermark_clamped);
}

TEST_CASE("the high watermark never goes above the LEO or below the log start") {
  Disk disk;
  auto log = Log::open(disk, kDir, {});
  append_batches(*log, 2, 2, 0);
  REQUIRE_THROWS_AS(log->set_high_watermark(5), std::logic_error);
  log->set_high_watermark(4);
  log->set_high_watermark(1);  // callers decide whether it may go down
  REQUIRE(log->high_watermark() == 1);
  log->set_log_start_offset(1);
  log->set_high_watermark(0);
  REQUIRE(log->high_watermark() == 1);
}

TEST_CASE("a directory name without a trailing slash gets one") {
  Disk disk;
  append_batches(*Log::open(disk, "orders-3", {}), 1, 1, 0);
  auto log = Log::open(disk, "orders-3/", {});
  REQUIRE(log->dir() == "orders-3/");
  REQUIRE(log->log_end_offset() == 1);
}

TEST_CASE("files of other partitions and other kinds are not taken for segments") {
  Disk disk;
  append_batches(*Log::open(disk, "orders-1/", {}), 3, 1, 0);
  append_batches(*Log::open(disk, "orders-10/", {}), 5, 1, 0);
  disk.write_file("orders-1/00000000000000000000.log.tmp", "junk");
  disk.write_file("orders-1/0000000000000000000x.log", "junk");
  REQUIRE(Log::open(disk, "orders-1/", {})->log_end_offset() == 3);
}

TEST_CASE("a malformed HW checkpoint is an error") {
  Disk disk;
  disk.write_file("orders-0/replication-offset-checkpoint", "0\n1\norders-0 x\n");
  REQUIRE_THROWS_AS(Log::open(disk, kDir, {}), std::runtime_error);
}
