#include <catch2/catch.hpp>

#include <vector>

#include "sim/timer_queue.h"

using namespace kafkasim::sim;

namespace {
struct Recorder final : Timer {
  std::vector<int>* out = nullptr;
  int id = 0;
  void fire() override { out->push_back(id); }
};
}  // namespace

TEST_CASE("timers fire by time, then in the order they were set") {
  std::vector<int> fired;
  std::vector<Recorder> timers(6);
  TimerQueue q;
  const SimTime when[] = {30, 10, 20, 10, 30, 5};
  for (int i = 0; i < 6; ++i) {
    timers[i].out = &fired;
    timers[i].id = i;
    q.schedule(&timers[i], when[i]);
  }
  q.cancel(&timers[2]);
  REQUIRE_FALSE(timers[2].queued());
  while (!q.empty()) q.pop()->fire();
  REQUIRE(fired == std::vector<int>{5, 1, 3, 0, 4});
}

TEST_CASE("a cancelled timer can be set again") {
  std::vector<int> fired;
  Recorder t;
  t.out = &fired;
  TimerQueue q;
  q.schedule(&t, 10);
  q.cancel(&t);
  q.cancel(&t);
  q.schedule(&t, 3);
  REQUIRE(q.size() == 1);
  REQUIRE(q.next_time() == 3);
}
