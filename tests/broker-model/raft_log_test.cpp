// The KRaft metadata log on a voter's disk (KIP-595, KIP-630): appends are
// durable at once, truncation and snapshots survive a restart, and epochs
// answer where the logs of two voters stop matching.
#include <catch2/catch.hpp>

#include "broker-model/raft_log.h"
#include "sim/disk.h"

using namespace kafkasim;
using namespace kafkasim::kafka;

namespace {
MetadataRecord registration(int32_t broker, int64_t epoch) {
  MetadataRecord r;
  r.kind = MetadataRecord::Kind::kRegisterBroker;
  r.broker = BrokerRegistration{broker, epoch, true};
  return r;
}

// A log whose entries 0..4 have epochs 1,1,2,2,4.
void fill(RaftLog& log) {
  const int32_t epochs[] = {1, 1, 2, 2, 4};
  for (int i = 0; i < 5; ++i) log.append(epochs[i], registration(i + 1, i));
}
}  // namespace

TEST_CASE("raft log: every append is flushed, so a power loss keeps the whole log") {
  sim::Disk disk;
  RaftLog log(disk);
  fill(log);
  REQUIRE(disk.unflushed_bytes(RaftLog::kLogPath) == 0);
  disk.lose_unflushed(nullptr);
  RaftLog reloaded(disk);
  reloaded.load();
  REQUIRE(reloaded.end_offset() == 5);
  REQUIRE(reloaded.last_epoch() == 4);
  REQUIRE(reloaded.at(3).record.broker.id == 4);
}

TEST_CASE("raft log: the end offset of an epoch is where the next larger epoch starts") {
  sim::Disk disk;
  RaftLog log(disk);
  fill(log);
  REQUIRE(log.end_offset_for_epoch(1) == OffsetAndEpoch{2, 1});
  REQUIRE(log.end_offset_for_epoch(2) == OffsetAndEpoch{4, 2});
  // Epoch 3 was never in this log: the answer is the end of epoch 2, named
  // as such, so a follower of epoch 3 sees the divergence.
  REQUIRE(log.end_offset_for_epoch(3) == OffsetAndEpoch{4, 2});
  REQUIRE(log.end_offset_for_epoch(4) == OffsetAndEpoch{5, 4});
  REQUIRE(log.end_offset_for_epoch(9) == OffsetAndEpoch{5, 4});
  REQUIRE(log.end_offset_for_epoch(0).offset == kNoOffset);
}

TEST_CASE("raft log: truncation to a diverging epoch's end survives a restart") {
  sim::Disk disk;
  RaftLog log(disk);
  fill(log);
  log.truncate_to(4);
  log.append(3, registration(9, 4));
  RaftLog reloaded(disk);
  reloaded.load();
  REQUIRE(reloaded.end_offset() == 5);
  REQUIRE(reloaded.at(4).epoch == 3);
  REQUIRE(reloaded.at(4).record.broker.id == 9);
}

TEST_CASE("raft log: a torn last entry is cut off at load") {
  sim::Disk disk;
  RaftLog log(disk);
  fill(log);
  const uint64_t whole = disk.size(RaftLog::kLogPath);
  disk.append(RaftLog::kLogPath, "{\"offset\":5,\"epo");
  RaftLog reloaded(disk);
  reloaded.load();
  REQUIRE(reloaded.end_offset() == 5);
  REQUIRE(disk.size(RaftLog::kLogPath) == whole);
  reloaded.append(4, registration(6, 5));
  RaftLog again(disk);
  again.load();
  REQUIRE(again.end_offset() == 6);
}

TEST_CASE("raft log: a snapshot replaces the log below it and loads back into the same image") {
  sim::Disk disk;
  RaftLog log(disk);
  fill(log);
  MetadataImage image;
  for (int64_t o = 0; o < 3; ++o) image.apply(o, log.at(o).record);
  log.take_snapshot(MetadataSnapshot::of(image, log.at(2).epoch));
  REQUIRE(log.start_offset() == 3);
  REQUIRE(log.end_offset() == 5);

  disk.lose_unflushed(nullptr);
  RaftLog reloaded(disk);
  reloaded.load();
  REQUIRE(reloaded.start_offset() == 3);
  REQUIRE(reloaded.end_offset() == 5);
  REQUIRE(reloaded.snapshot().has_value());
  const MetadataImage loaded = reloaded.snapshot()->image();
  REQUIRE(loaded.next_offset() == 3);
  REQUIRE(loaded.brokers() == image.brokers());
  // Below the snapshot only its own epoch is known.
  REQUIRE(reloaded.end_offset_for_epoch(2) == OffsetAndEpoch{4, 2});
  REQUIRE(reloaded.end_offset_for_epoch(1).offset == kNoOffset);
}

TEST_CASE("raft log: installing the leader's snapshot drops the whole local log") {
  sim::Disk disk;
  RaftLog log(disk);
  fill(log);
  MetadataImage leader;
  leader.apply(0, registration(7, 0));
  MetadataSnapshot snapshot = MetadataSnapshot::of(leader, 6);
  snapshot.end_offset = 40;
  log.install_snapshot(snapshot);
  RaftLog reloaded(disk);
  reloaded.load();
  REQUIRE(reloaded.start_offset() == 40);
  REQUIRE(reloaded.end_offset() == 40);
  REQUIRE(reloaded.last_epoch() == 6);
  REQUIRE(reloaded.snapshot()->image().broker(7) != nullptr);
}
