#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "fixtures.h"
#include "sim/simulation.h"
#include "sim/sync.h"

using namespace kafkasim::sim;
using kafkasim::test::options_for_seed;


TEST_CASE("sleeping fibers wake at their simulated deadlines, not in real time") {
  Simulation sim(options_for_seed(1));
  std::vector<std::pair<std::string, SimTime>> woke;
  sim.spawn_harness("slow", [&] { sleep_for(seconds(3600)); woke.emplace_back("slow", now()); });
  sim.spawn_harness("fast", [&] { sleep_for(milliseconds(5)); woke.emplace_back("fast", now()); });
  REQUIRE(sim.run_until(seconds(7200)) == Outcome::kQuiescent);
  REQUIRE(woke == std::vector<std::pair<std::string, SimTime>>{{"fast", milliseconds(5)}, {"slow", seconds(3600)}});
}

TEST_CASE("a run stops at its simulated-time limit with timers still pending") {
  Simulation sim(options_for_seed(1));
  int ticks = 0;
  sim.spawn_harness("ticker", [&] {
    for (;;) {
      sleep_for(milliseconds(10));
      ++ticks;
    }
  });
  REQUIRE(sim.run_until(milliseconds(95)) == Outcome::kReachedLimit);
  REQUIRE(ticks == 9);
  REQUIRE(sim.now() == milliseconds(95));
  REQUIRE(sim.run_until(milliseconds(200)) == Outcome::kReachedLimit);
  REQUIRE(ticks == 20);
}

TEST_CASE("ready fibers run in an order drawn from the seed") {
  auto order_for = [](uint64_t seed) {
    Simulation sim(options_for_seed(seed));
    std::string order;
    for (char c = 'a'; c <= 'h'; ++c) sim.spawn_harness(std::string(1, c), [&order, c] { order += c; });
    sim.run_until(seconds(1));
    return order;
  };
  REQUIRE(order_for(3) == order_for(3));
  std::set<std::string> orders;
  for (uint64_t seed = 1; seed <= 10; ++seed) orders.insert(order_for(seed));
  REQUIRE(orders.size() > 5);
}

TEST_CASE("a fiber parked forever with no timer left is reported as a deadlock") {
  Simulation sim(options_for_seed(1));
  WaitQueue never;
  sim.spawn_harness("stuck-waiter", [&] { never.wait(); });
  REQUIRE(sim.run_until(seconds(10)) == Outcome::kDeadlock);
  REQUIRE(sim.scheduler().failure().find("stuck-waiter") != std::string::npos);
}

TEST_CASE("a daemon fiber parked forever is not a deadlock") {
  Simulation sim(options_for_seed(1));
  WaitQueue never;
  sim.spawn_harness("server", [&] { never.wait(); }, /*daemon=*/true);
  REQUIRE(sim.run_until(seconds(10)) == Outcome::kQuiescent);
}

TEST_CASE("a livelock at one instant ends when the event budget is exhausted") {
  SimulationOptions o = options_for_seed(1);
  o.event_budget = 10000;
  Simulation sim(o);
  sim.spawn_harness("spinner", [] {
    for (;;) yield();
  });
  REQUIRE(sim.run_until(seconds(1)) == Outcome::kBudgetExhausted);
  REQUIRE(sim.scheduler().failure().find("budget") != std::string::npos);
  REQUIRE(sim.now() == 0);
}

TEST_CASE("an exception escaping a fiber ends the run with its message") {
  Simulation sim(options_for_seed(1));
  sim.spawn_harness("thrower", [] {
    sleep_for(1);
    throw std::runtime_error("model bug");
  });
  REQUIRE(sim.run_until(seconds(1)) == Outcome::kFiberError);
  REQUIRE(sim.scheduler().failure().find("model bug") != std::string::npos);
}

TEST_CASE("channels deliver in order and time out in simulated time") {
  Simulation sim(options_for_seed(5));
  Channel<int> ch;
  std::vector<int> got;
  SimTime timed_out_at = -1;
  sim.spawn_harness("producer", [&] {
    for (int i = 0; i < 5; ++i) {
      sleep_for(milliseconds(1));
      ch.send(i);
    }
  });
  sim.spawn_harness("consumer", [&] {
    while (auto v = ch.receive(now() + milliseconds(50))) got.push_back(*v);
    timed_out_at = now();
  });
  REQUIRE(sim.run_until(seconds(1)) == Outcome::kQuiescent);
  REQUIRE(got == std::vector<int>{0, 1, 2, 3, 4});
  REQUIRE(timed_out_at == milliseconds(55));
}

TEST_CASE("a mutex serialises fibers and a condition variable wakes waiters") {
  Simulation sim(options_for_seed(9));
  Mutex m;
  ConditionVariable cv;
  int inside = 0, max_inside = 0, ready = 0;
  for (int i = 0; i < 4; ++i) {
    sim.spawn_harness("worker", [&] {
      LockGuard guard(m);
      ++inside;
      max_inside = std::max(max_inside, inside);
      sleep_for(milliseconds(3));
      --inside;
      ++ready;
      cv.notify_all();
    });
  }
  bool all_ready = false;
  sim.spawn_harness("waiter", [&] {
    LockGuard guard(m);
    all_ready = cv.wait_until(m, now() + seconds(1), [&] { return ready == 4; });
  });
  REQUIRE(sim.run_until(seconds(2)) == Outcome::kQuiescent);
  REQUIRE(max_inside == 1);
  REQUIRE(all_ready);
}

TEST_CASE("a cancelled sleep-with-timeout wakes early when notified") {
  Simulation sim(options_for_seed(2));
  WaitQueue q;
  bool notified = false;
  SimTime woke = -1;
  sim.spawn_harness("waiter", [&] {
    notified = q.wait(now() + seconds(10));
    woke = now();
  });
  sim.spawn_harness("notifier", [&] {
    sleep_for(milliseconds(7));
    q.notify_one();
  });
  REQUIRE(sim.run_until(seconds(20)) == Outcome::kQuiescent);
  REQUIRE(notified);
  REQUIRE(woke == milliseconds(7));
}
