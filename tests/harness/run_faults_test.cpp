// Fault injection on a bare simulation: nodes without programs, targets
// resolved by a fake resolver (broker-N is node N-1), so that what each
// fault does to links, nodes and clocks is visible without the Kafka model.
#include <catch2/catch.hpp>

#include <algorithm>

#include "harness/faults.h"

using namespace kafkasim;
using namespace kafkasim::harness;

namespace {

class FakeResolver : public TargetResolver {
 public:
  explicit FakeResolver(sim::Simulation& sim) : sim_(sim) {}
  sim::Node* resolve(const Target& t, std::string* why) override {
    if (const auto* b = std::get_if<BrokerTarget>(&t)) {
      if (b->id >= 1 && static_cast<std::size_t>(b->id) <= sim_.node_count()) return &sim_.node(b->id - 1);
      *why = "no such broker";
      return nullptr;
    }
    if (std::holds_alternative<LeaderCrashedTarget>(t)) {
      if (!last_crashed()) *why = "no node has crashed yet";
      return last_crashed();
    }
    *why = "no leader of orders/0 right now";
    return nullptr;
  }

 private:
  sim::Simulation& sim_;
};

struct World {
  explicit World(int nodes = 4) : sim(options()), resolver(sim), injector(sim, resolver) {
    for (int i = 1; i <= nodes; ++i) sim.start(sim.add_node("broker-" + std::to_string(i), nullptr));
  }
  static sim::SimulationOptions options() {
    sim::SimulationOptions o;
    o.record = sim::RecordLevel::kEvents;
    return o;
  }
  bool cut(int from, int to) { return sim.network().is_cut(from, to); }
  int cut_links() {
    int n = 0;
    for (std::size_t a = 0; a < sim.node_count(); ++a) {
      for (std::size_t b = 0; b < sim.node_count(); ++b) n += a != b && cut(int(a), int(b));
    }
    return n;
  }

  sim::Simulation sim;
  FakeResolver resolver;
  FaultInjector injector;
};

Fault fault(FaultKind kind, std::optional<Target> target = std::nullopt) {
  Fault f;
  f.kind = kind;
  f.target = std::move(target);
  return f;
}

std::vector<std::vector<Target>> groups(std::initializer_list<std::initializer_list<int>> ids) {
  std::vector<std::vector<Target>> out;
  for (const auto& g : ids) {
    std::vector<Target> group;
    for (int id : g) group.push_back(BrokerTarget{id});
    out.push_back(group);
  }
  return out;
}

}  // namespace

TEST_CASE("isolating a node cuts both directions between it and every other node, and the revert heals them") {
  World w;
  REQUIRE(w.injector.inject(fault(FaultKind::partition, BrokerTarget{2}), 0, "faults[0]"));
  CHECK(w.cut_links() == 6);
  for (int other : {0, 2, 3}) {
    CHECK(w.cut(1, other));
    CHECK(w.cut(other, 1));
  }
  CHECK_FALSE(w.cut(0, 2));
  w.injector.revert(0);
  CHECK(w.cut_links() == 0);
  REQUIRE(w.injector.log().size() == 2);
  CHECK(w.injector.log()[0].node == "broker-2");
  CHECK(w.injector.log()[1].action == "revert");
}

TEST_CASE("a one-way isolation cuts only the node's outgoing links") {
  World w;
  Fault f = fault(FaultKind::partition, BrokerTarget{1});
  f.one_way = true;
  w.injector.inject(f, 0, "faults[0]");
  CHECK(w.cut_links() == 3);
  CHECK(w.cut(0, 1));
  CHECK_FALSE(w.cut(1, 0));
}

TEST_CASE("a partition by groups cuts the links between groups, one way only from the first group") {
  World w;
  Fault f = fault(FaultKind::partition);
  f.groups = groups({{1, 2}, {3}, {4}});
  w.injector.inject(f, 0, "faults[0]");
  CHECK_FALSE(w.cut(0, 1));
  CHECK(w.cut(0, 2));
  CHECK(w.cut(2, 0));
  CHECK(w.cut(2, 3));
  CHECK(w.cut_links() == 10);
  CHECK(w.injector.log()[0].target == "groups [[broker-1, broker-2], [broker-3], [broker-4]]");
  w.injector.revert(0);
  CHECK(w.cut_links() == 0);

  f.one_way = true;
  w.injector.inject(f, 1, "faults[1]");
  CHECK(w.cut(0, 2));
  CHECK(w.cut(1, 3));
  CHECK_FALSE(w.cut(2, 0));
  CHECK_FALSE(w.cut(2, 3));
  CHECK(w.cut_links() == 4);
}

TEST_CASE("a link cut by two partitions stays cut until both have reverted") {
  World w;
  w.injector.inject(fault(FaultKind::partition, BrokerTarget{1}), 0, "a");
  w.injector.inject(fault(FaultKind::partition, BrokerTarget{2}), 1, "b");
  CHECK(w.cut(0, 1));
  w.injector.revert(0);
  CHECK(w.cut(0, 1));  // broker-2 is still isolated
  CHECK_FALSE(w.cut(0, 2));
  w.injector.revert(1);
  CHECK(w.cut_links() == 0);
}

TEST_CASE("heal ends every partition and clog, and their later reverts change nothing") {
  World w;
  w.injector.inject(fault(FaultKind::partition, BrokerTarget{1}), 0, "a");
  Fault clog = fault(FaultKind::clog, BrokerTarget{3});
  clog.latency_ms = 200;
  w.injector.inject(clog, 1, "b");
  w.injector.inject(fault(FaultKind::heal), 2, "c");
  CHECK(w.cut_links() == 0);
  CHECK(w.sim.network().clog_of(2, 0) == 0);
  // A new partition after the heal survives the old fault's revert.
  w.injector.inject(fault(FaultKind::partition, BrokerTarget{1}), 3, "d");
  w.injector.revert(0);
  w.injector.revert(1);
  CHECK(w.cut(0, 1));
  CHECK(w.injector.log().back().note == "no effect: healed already");
}

TEST_CASE("clogs add latency to a node's links, overlapping clogs add up, and reverts take theirs away") {
  World w;
  Fault a = fault(FaultKind::clog, BrokerTarget{1});
  a.latency_ms = 100;
  Fault b = fault(FaultKind::clog, BrokerTarget{2});
  b.latency_ms = 50;
  w.injector.inject(a, 0, "a");
  w.injector.inject(b, 1, "b");
  CHECK(w.sim.network().clog_of(0, 1) == sim::milliseconds(150));
  CHECK(w.sim.network().clog_of(0, 2) == sim::milliseconds(100));
  CHECK(w.sim.network().clog_of(2, 3) == 0);
  CHECK(w.cut_links() == 0);
  w.injector.revert(0);
  CHECK(w.sim.network().clog_of(0, 1) == sim::milliseconds(50));
  CHECK(w.sim.network().clog_of(0, 2) == 0);
  w.injector.revert(1);
  CHECK(w.sim.network().clog_of(1, 0) == 0);
}

TEST_CASE("a crash reverts by restarting the node, and leader-crashed names the node crashed last") {
  World w;
  sim::Node& b2 = w.sim.node(1);
  const auto incarnation = b2.incarnation();
  Fault crash = fault(FaultKind::crash, BrokerTarget{2});
  crash.duration_ms = 1000;
  w.injector.inject(crash, 0, "faults[0]");
  CHECK_FALSE(b2.up());
  w.injector.revert(0);
  CHECK(b2.up());
  CHECK(b2.incarnation() == incarnation + 1);

  w.injector.inject(fault(FaultKind::power_loss, BrokerTarget{3}), 1, "faults[1]");
  CHECK_FALSE(w.sim.node(2).up());
  w.injector.inject(fault(FaultKind::restart, LeaderCrashedTarget{}), 2, "faults[2]");
  CHECK(w.sim.node(2).up());
  CHECK(w.injector.log().back().node == "broker-3");
}

TEST_CASE("a fault whose target resolves to nothing is skipped, logged and traced") {
  World w;
  CHECK_FALSE(w.injector.inject(fault(FaultKind::crash, LeaderTarget{"orders", 0}), 0, "faults[0]"));
  CHECK_FALSE(w.injector.inject(fault(FaultKind::restart, LeaderCrashedTarget{}), 1, "faults[1]"));
  for (int i = 0; i < 4; ++i) CHECK(w.sim.node(i).up());
  REQUIRE(w.injector.log().size() == 2);
  const FaultLogEntry& e = w.injector.log()[0];
  CHECK(e.skipped);
  CHECK(e.node.empty());
  CHECK(e.target == "leader:orders/0");
  CHECK(e.note == "no leader of orders/0 right now");
  CHECK(w.injector.log()[1].note == "no node has crashed yet");
  const auto& events = w.sim.trace().recorded();
  CHECK(std::any_of(events.begin(), events.end(), [](const sim::TraceEvent& ev) {
    return ev.kind == sim::EventKind::kModel && ev.text.find("skipped") != std::string::npos &&
           ev.text.find("leader:orders/0") != std::string::npos;
  }));
  w.injector.revert(0);  // never applied: nothing to undo
  CHECK(w.injector.log().size() == 2);
}

TEST_CASE("pause reverts by resuming, clock skew reverts to the true time") {
  World w;
  w.injector.inject(fault(FaultKind::pause, BrokerTarget{1}), 0, "a");
  CHECK(w.sim.node(0).status() == sim::Node::Status::kPaused);
  Fault skew = fault(FaultKind::clock_skew, BrokerTarget{2});
  skew.offset_ms = -5000;
  skew.drift_ppm = 120.4;
  w.injector.inject(skew, 1, "b");
  CHECK(w.sim.node(1).clock().offset() == sim::milliseconds(-5000));
  CHECK(w.sim.node(1).clock().drift_ppm() == 120);
  w.injector.revert(0);
  w.injector.revert(1);
  CHECK(w.sim.node(0).status() == sim::Node::Status::kUp);
  CHECK(w.sim.node(1).clock().offset() == 0);
  CHECK(w.sim.node(1).clock().drift_ppm() == 0);
}

TEST_CASE("recovery heals every link, resumes, restarts and resets every node") {
  World w;
  w.injector.inject(fault(FaultKind::partition, BrokerTarget{1}), 0, "a");
  w.injector.inject(fault(FaultKind::crash, BrokerTarget{2}), 1, "b");
  w.injector.inject(fault(FaultKind::pause, BrokerTarget{3}), 2, "c");
  Fault skew = fault(FaultKind::clock_skew, BrokerTarget{4});
  skew.offset_ms = 700;
  w.injector.inject(skew, 3, "d");
  w.injector.recover();
  CHECK(w.cut_links() == 0);
  for (int i = 0; i < 4; ++i) {
    CHECK(w.sim.node(i).status() == sim::Node::Status::kUp);
    CHECK(w.sim.node(i).clock().offset() == 0);
  }
  const FaultLogEntry& e = w.injector.log().back();
  CHECK(e.action == "recover");
  CHECK(e.note == "links healed; resumed broker-3; restarted broker-2; clocks reset on broker-4");
  // Every fault ended with the recovery: their reverts do nothing.
  const auto before = w.injector.log().size();
  w.injector.revert(1);
  CHECK(w.injector.log().size() == before);
}
