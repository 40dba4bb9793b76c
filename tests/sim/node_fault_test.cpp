#include <catch2/catch.hpp>

#include "fixtures.h"

using namespace kafkasim::sim;
using namespace kafkasim::test;


TEST_CASE("after a crash no fiber of the old incarnation runs again") {
  Simulation sim(options_for_seed(11));
  int64_t steps_after_crash = 0;
  bool crashed = false;
  auto& node = sim.add_node("worker", [&](Node& n) {
    for (int i = 0; i < 5; ++i) {
      n.spawn("loop", [&] {
        for (;;) {
          sleep_for(milliseconds(1));
          if (crashed) ++steps_after_crash;
        }
      });
    }
  });
  sim.start(node);
  sim.spawn_harness("nemesis", [&] {
    sleep_for(milliseconds(50));
    crashed = true;
    sim.crash(node);
  });
  REQUIRE(sim.run_until(seconds(1)) == Outcome::kQuiescent);
  REQUIRE(steps_after_crash == 0);
  REQUIRE(sim.scheduler().live_fibers() == 0);
}

TEST_CASE("a crash drops the incarnation's volatile state once its fibers have unwound") {
  Simulation sim(options_for_seed(3));
  auto alive = std::make_shared<int>(0);
  std::weak_ptr<int> watch;
  auto& node = sim.add_node("worker", [&](Node& n) {
    auto state = std::make_shared<int>(42);
    watch = state;
    n.set_state(state);
    n.spawn("holder", [state] { sleep_for(seconds(100)); });
  });
  sim.start(node);
  REQUIRE(node.state<int>() != nullptr);
  sim.spawn_harness("nemesis", [&] {
    sleep_for(milliseconds(5));
    sim.crash(node);
  });
  sim.run_until(seconds(1));
  REQUIRE(watch.expired());
  REQUIRE(node.state<int>() == nullptr);
}

TEST_CASE("a restarted node is a new incarnation that reads what the old one wrote") {
  Simulation sim(options_for_seed(4));
  auto log = std::make_shared<CounterLog>();
  auto& node = sim.add_node("counter", disk_counter(100, 7, log));
  sim.start(node);
  sim.spawn_harness("nemesis", [&] {
    sleep_for(milliseconds(30) + 500);  // between two increments
    sim.crash(node);
    sleep_for(milliseconds(10));
    sim.restart(node);
  });
  REQUIRE(sim.run_until(seconds(1)) == Outcome::kQuiescent);
  REQUIRE(node.incarnation() == 2);
  REQUIRE(log->recovered == std::vector<int64_t>{0, 30});
  REQUIRE(log->value == 100);
}

TEST_CASE("after power loss exactly the unflushed writes are gone") {
  Simulation sim(options_for_seed(4));
  auto log = std::make_shared<CounterLog>();
  auto& node = sim.add_node("counter", disk_counter(100, 7, log));
  sim.start(node);
  sim.spawn_harness("nemesis", [&] {
    sleep_for(milliseconds(30) + 500);
    sim.power_loss(node, /*torn=*/false);
    sleep_for(milliseconds(10));
    sim.restart(node);
  });
  REQUIRE(sim.run_until(seconds(1)) == Outcome::kQuiescent);
  // 30 increments written, flushed at 7, 14, 21 and 28.
  REQUIRE(log->recovered == std::vector<int64_t>{0, 28});
}

TEST_CASE("a paused node's fibers do not run until it resumes, and its timers keep expiring") {
  Simulation sim(options_for_seed(6));
  std::vector<SimTime> ticks;
  auto& node = sim.add_node("ticker", [&](Node& n) {
    n.spawn("tick", [&] {
      for (int i = 0; i < 6; ++i) {
        sleep_for(milliseconds(10));
        ticks.push_back(now());
      }
    });
  });
  sim.start(node);
  sim.spawn_harness("nemesis", [&] {
    sleep_for(milliseconds(25));
    sim.pause(node);
    sleep_for(milliseconds(100));
    sim.resume(node);
  });
  REQUIRE(sim.run_until(seconds(1)) == Outcome::kQuiescent);
  REQUIRE(ticks == std::vector<SimTime>{milliseconds(10), milliseconds(20), milliseconds(125), milliseconds(135),
                                         milliseconds(145), milliseconds(155)});
}

TEST_CASE("a crash of a paused node still kills its fibers") {
  Simulation sim(options_for_seed(6));
  int ticks_after = 0;
  bool dead = false;
  auto& node = sim.add_node("ticker", [&](Node& n) {
    n.spawn("tick", [&] {
      for (;;) {
        sleep_for(milliseconds(10));
        if (dead) ++ticks_after;
      }
    });
  });
  sim.start(node);
  sim.spawn_harness("nemesis", [&] {
    sleep_for(milliseconds(25));
    sim.pause(node);
    sleep_for(milliseconds(30));
    dead = true;
    sim.crash(node);
  });
  REQUIRE(sim.run_until(seconds(1)) == Outcome::kQuiescent);
  REQUIRE(ticks_after == 0);
}

TEST_CASE("a skewed local clock runs fast and offset, the simulated clock does not") {
  Simulation sim(options_for_seed(1));
  auto& node = sim.add_node("skewed", nullptr);
  sim.start(node);
  SimTime local_before = 0, local_after = 0, sim_after = 0;
  sim.spawn_harness("probe", [&] {
    sleep_for(seconds(1));
    sim.skew_clock(node, seconds(5), 1000);  // +5 s and 1000 ppm fast
    local_before = node.local_now();
    sleep_for(seconds(10));
    local_after = node.local_now();
    sim_after = now();
  });
  sim.run_until(seconds(100));
  REQUIRE(local_before == seconds(6));
  REQUIRE(local_after == seconds(16) + milliseconds(10));
  REQUIRE(sim_after == seconds(11));
}
