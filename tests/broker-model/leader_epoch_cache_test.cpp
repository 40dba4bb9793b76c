#include <catch2/catch.hpp>

#include <stdexcept>
#include <vector>

#include "broker-model/leader_epoch_cache.h"
#include "sim/disk.h"

using namespace kafkasim::kafka;
using kafkasim::sim::Disk;

namespace {

const std::string kCheckpoint = "orders-0/leader-epoch-checkpoint";

using Entries = std::vector<EpochEntry>;

// Epochs 1, 3 and 6 starting at offsets 0, 50 and 120.
LeaderEpochCache three_epochs(Disk& disk) {
  LeaderEpochCache cache(disk, kCheckpoint);
  cache.assign(1, 0);
  cache.assign(3, 50);
  cache.assign(6, 120);
  return cache;
}

}  // namespace

TEST_CASE("assign adds an entry for each new epoch and ignores later offsets of the latest one") {
  Disk disk;
  LeaderEpochCache cache(disk, kCheckpoint);
  REQUIRE(cache.latest_epoch() == kUndefinedEpoch);
  cache.assign(2, 10);
  cache.assign(2, 15);
  cache.assign(5, 30);
  cache.assign(5, 31);
  REQUIRE(cache.entries() == Entries{{2, 10}, {5, 30}});
  REQUIRE(cache.latest_epoch() == 5);
}

TEST_CASE("assign takes a conflicting entry as the truth and drops what it contradicts, as Kafka does") {
  Disk disk;
  LeaderEpochCache cache = three_epochs(disk);
  SECTION("an older epoch at a later offset drops the newer epochs") {
    cache.assign(4, 130);
    REQUIRE(cache.entries() == Entries{{1, 0}, {3, 50}, {4, 130}});
  }
  SECTION("a newer epoch at an earlier offset drops the entries starting at or after it") {
    cache.assign(7, 50);
    REQUIRE(cache.entries() == Entries{{1, 0}, {7, 50}});
  }
  SECTION("the latest epoch at an earlier offset moves its start") {
    cache.assign(6, 100);
    REQUIRE(cache.entries() == Entries{{1, 0}, {3, 50}, {6, 100}});
  }
  SECTION("a negative epoch or offset is a programming error") {
    REQUIRE_THROWS_AS(cache.assign(-1, 200), std::logic_error);
    REQUIRE_THROWS_AS(cache.assign(8, -1), std::logic_error);
  }
}

TEST_CASE("end_offset_for answers the latest epoch with the log end offset (KIP-279)") {
  Disk disk;
  LeaderEpochCache cache = three_epochs(disk);
  REQUIRE(cache.end_offset_for(6, 140) == EpochEndOffset{6, 140});
}

TEST_CASE("end_offset_for answers a known epoch with the start of the next one") {
  Disk disk;
  LeaderEpochCache cache = three_epochs(disk);
  REQUIRE(cache.end_offset_for(1, 140) == EpochEndOffset{1, 50});
  REQUIRE(cache.end_offset_for(3, 140) == EpochEndOffset{3, 120});
}

TEST_CASE("end_offset_for answers an epoch between entries with the largest epoch below it (KIP-279)") {
  Disk disk;
  LeaderEpochCache cache = three_epochs(disk);
  REQUIRE(cache.end_offset_for(2, 140) == EpochEndOffset{1, 50});
  REQUIRE(cache.end_offset_for(5, 140) == EpochEndOffset{3, 120});
}

TEST_CASE("end_offset_for answers an epoch below the first entry with that entry's start offset, as Kafka does") {
  Disk disk;
  LeaderEpochCache cache(disk, kCheckpoint);
  cache.assign(4, 70);
  cache.assign(6, 120);
  REQUIRE(cache.end_offset_for(2, 140) == EpochEndOffset{2, 70});
}

TEST_CASE("end_offset_for is undefined for an undefined or unknown newer epoch and for an empty cache") {
  Disk disk;
  LeaderEpochCache empty(disk, "p-1/leader-epoch-checkpoint");
  REQUIRE(empty.end_offset_for(0, 10).undefined());
  LeaderEpochCache cache = three_epochs(disk);
  REQUIRE(cache.end_offset_for(kUndefinedEpoch, 140) == EpochEndOffset{});
  REQUIRE(cache.end_offset_for(9, 140) == EpochEndOffset{});
}

TEST_CASE("truncate_from_end drops the entries starting at or after the new log end") {
  Disk disk;
  LeaderEpochCache cache = three_epochs(disk);
  cache.truncate_from_end(121);
  REQUIRE(cache.entries() == Entries{{1, 0}, {3, 50}, {6, 120}});
  cache.truncate_from_end(120);
  REQUIRE(cache.entries() == Entries{{1, 0}, {3, 50}});
  cache.truncate_from_end(-1);
  REQUIRE(cache.entries().size() == 2);
  cache.truncate_from_end(0);
  REQUIRE(cache.entries().empty());
}

TEST_CASE("truncate_from_start keeps the epoch the new log start falls in, moved to that offset") {
  Disk disk;
  LeaderEpochCache cache = three_epochs(disk);
  cache.truncate_from_start(0);
  REQUIRE(cache.entries() == Entries{{1, 0}, {3, 50}, {6, 120}});
  cache.truncate_from_start(60);
  REQUIRE(cache.entries() == Entries{{3, 60}, {6, 120}});
  cache.truncate_from_start(120);
  REQUIRE(cache.entries() == Entries{{6, 120}});
  cache.truncate_from_start(130);
  REQUIRE(cache.entries() == Entries{{6, 130}});
}

TEST_CASE("the cache is written to its checkpoint file in Kafka's format and read back") {
  Disk disk;
  three_epochs(disk);
  REQUIRE(disk.read(kCheckpoint) == "0\n3\n1 0\n3 50\n6 120\n");
  REQUIRE_FALSE(disk.exists(kCheckpoint + ".tmp"));
  LeaderEpochCache reloaded(disk, kCheckpoint);
  REQUIRE(reloaded.entries() == Entries{{1, 0}, {3, 50}, {6, 120}});
}

TEST_CASE("every change to the cache is durable at once") {
  Disk disk;
  LeaderEpochCache cache = three_epochs(disk);
  cache.truncate_from_end(100);
  disk.lose_unflushed(nullptr);
  LeaderEpochCache reloaded(disk, kCheckpoint);
  REQUIRE(reloaded.entries() == Entries{{1, 0}, {3, 50}});
  cache.clear();
  disk.lose_unflushed(nullptr);
  REQUIRE(LeaderEpochCache(disk, kCheckpoint).entries().empty());
}

TEST_CASE("a malformed checkpoint file is an error") {
  Disk disk;
  disk.write_file(kCheckpoint, "0\n2\n1 0\n");
  REQUIRE_THROWS_AS(LeaderEpochCache(disk, kCheckpoint), std::runtime_error);
  disk.write_file(kCheckpoint, "0\n1\n1 x\n");
  REQUIRE_THROWS_AS(LeaderEpochCache(disk, kCheckpoint), std::runtime_error);
  disk.write_file(kCheckpoint, "1\n0\n");
  REQUIRE_THROWS_AS(LeaderEpochCache(disk, kCheckpoint), std::runtime_error);
}
