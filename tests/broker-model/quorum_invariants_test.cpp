// The quorum invariants (after Kafka's RaftEventSimulationTest) judge what
// voters report; each fires on the damage it names and not on a healthy
// history.
#include <catch2/catch.hpp>

#include "broker-model/controller_quorum_invariants.h"
#include "sim/disk.h"

using namespace kafkasim;
using namespace kafkasim::kafka;

namespace {
MetadataRecord leader_change(int32_t leader, int32_t epoch) {
  MetadataRecord r;
  r.kind = MetadataRecord::Kind::kLeaderChange;
  r.leader_change = LeaderChange{leader, epoch};
  return r;
}
bool has(const QuorumInvariants& m, const std::string& name) {
  for (const auto& v : m.violations()) {
    if (v.name == name) return true;
  }
  return false;
}
}  // namespace

TEST_CASE("quorum invariants: two election states naming different leaders of one epoch break single-leader-per-epoch") {
  QuorumInvariants m;
  m.set_voters(3);
  m.on_election_state(1, 1, ElectionState{5, 1, 1}, false);
  m.on_election_state(2, 2, ElectionState{5, 1, 1}, false);
  REQUIRE(m.violations().empty());
  m.on_election_state(3, 3, ElectionState{5, 3, 3}, false);
  REQUIRE(has(m, "single-leader-per-epoch"));
}

TEST_CASE("quorum invariants: a voter that restarts in an older epoch breaks monotonic-epoch") {
  QuorumInvariants m;
  m.set_voters(3);
  m.on_election_state(1, 2, ElectionState{4, 1, kNoVoter}, false);
  m.on_election_state(2, 2, ElectionState{4, 1, 1}, false);
  REQUIRE(m.violations().empty());
  m.on_election_state(3, 2, ElectionState{3, kNoVoter, 1}, true);
  REQUIRE(has(m, "monotonic-epoch"));
}

TEST_CASE("quorum invariants: committed entries must be on a majority and the same everywhere") {
  QuorumInvariants m;
  m.set_voters(3);
  sim::Disk d1, d2, d3;
  RaftLog l1(d1), l2(d2), l3(d3);
  for (auto* pair : {&l1, &l2}) {
    pair->append(1, leader_change(1, 1));
  }
  m.on_append(0, 1, 0, l1.at(0));
  m.on_append(0, 2, 0, l2.at(0));
  m.on_log_reset(0, 3, l3);
  m.on_high_watermark(1, 1, 1, 1, l1);
  m.on_high_watermark(1, 2, 1, 1, l2);
  REQUIRE(m.violations().empty());

  SECTION("a majority member losing the entry breaks committed-on-majority") {
    l2.truncate_to(0);
    m.on_truncate(2, 2, 0);
    REQUIRE(has(m, "committed-on-majority"));
  }
  SECTION("a voter committing another entry at that offset breaks committed-metadata-consistent") {
    l3.append(2, leader_change(3, 2));
    m.on_append(2, 3, 0, l3.at(0));
    m.on_high_watermark(2, 3, 1, 1, l3);
    REQUIRE(has(m, "committed-metadata-consistent"));
  }
  SECTION("a high watermark moving back within an incarnation breaks quorum-hw-monotonic") {
    m.on_high_watermark(3, 1, 1, 0, l1);
    REQUIRE(has(m, "quorum-hw-monotonic"));
  }
  SECTION("a restart may start again from a lower high watermark") {
    m.on_high_watermark(3, 1, 2, 0, l1);
    REQUIRE(m.violations().empty());
  }
}
