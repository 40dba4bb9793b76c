#include <catch2/catch.hpp>

#include "cluster_fixture.h"

using namespace kafkasim;
using namespace kafkasim::test;

TEST_CASE("followers take the leader's log start offset from its fetch responses") {
  ClusterFixture f;
  const int32_t leader = f.leader();
  REQUIRE(f.produce(leader, -1, {"a", "b", "c"})->error == Errc::kNone);
  REQUIRE(f.leader_replica()->log().delete_segments_before(3) == 1);
  REQUIRE(f.leader_replica()->log().log_start_offset() == 3);
  REQUIRE(f.produce(leader, -1, {"d"})->error == Errc::kNone);
  f.run_for(sim::seconds(2));
  for (int n = 0; n < 2; ++n) {
    Partition* follower = f.replica(f.follower(n));
    REQUIRE(follower != nullptr);
    INFO("follower broker-" << f.follower(n));
    CHECK(follower->log().log_start_offset() == 3);
    CHECK(follower->log().log_end_offset() == 4);
  }
}

TEST_CASE("a follower whose log ends below the leader's log start restarts its log there") {
  ClusterFixture f;
  const int32_t leader = f.leader();
  const int32_t away = f.follower(0);
  f.sim().pause(f.cluster().broker(away));
  REQUIRE(f.produce(leader, 1, {"a", "b", "c"})->error == Errc::kNone);
  f.run_for(sim::seconds(4));  // the paused follower leaves the ISR: the HW reaches 3
  Log& log = f.leader_replica()->log();
  REQUIRE(log.high_watermark() == 3);
  REQUIRE(log.delete_segments_before(3) == 1);
  f.sim().resume(f.cluster().broker(away));
  f.run_for(sim::seconds(3));
  Partition* p = f.replica(away);
  REQUIRE(p != nullptr);
  CHECK(p->log().log_start_offset() == 3);
  CHECK(p->log().log_end_offset() == 3);
  REQUIRE(f.produce(leader, -1, {"d"}, sim::seconds(10))->error == Errc::kNone);
  f.run_for(sim::seconds(1));
  CHECK(f.values(away) == std::vector<std::string>{"d"});
}
