#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "harness/nemesis.h"

using namespace kafkasim::harness;
using kafkasim::sim::Prng;

namespace {

Nemesis nemesis(std::vector<FaultKind> kinds, MsRange interval, MsRange duration, int max_concurrent,
                std::vector<NemesisTargets> targets = {NemesisTargets::brokers}) {
  Nemesis n;
  n.kinds = std::move(kinds);
  n.interval_ms = interval;
  n.duration_ms = duration;
  n.max_concurrent = max_concurrent;
  n.targets = std::move(targets);
  return n;
}

const NemesisPool kPool{5, 3, {"producer-1", "producer-2", "consumer-1"}};
const std::vector<FaultKind> kAllKinds{FaultKind::crash,     FaultKind::power_loss, FaultKind::pause,
                                       FaultKind::partition, FaultKind::clog,       FaultKind::clock_skew};

std::vector<Fault> draw(const Nemesis& n, std::uint64_t seed, std::int64_t duration_ms = 600000,
                        const NemesisPool& pool = kPool) {
  Prng rng = Prng::stream(seed, "nemesis");
  return draw_nemesis_schedule(n, pool, duration_ms, rng);
}

// Faults active at `t_ms`: started at or before, not yet ended.
int active_at(const std::vector<Fault>& schedule, std::int64_t t_ms) {
  return static_cast<int>(std::count_if(schedule.begin(), schedule.end(), [&](const Fault& f) {
    return f.at_ms <= t_ms && t_ms < f.at_ms + *f.duration_ms;
  }));
}

}  // namespace

TEST_CASE("the nemesis schedule is a pure function of the seed") {
  const Nemesis n = nemesis(kAllKinds, {500, 3000}, {200, 4000}, 2);
  for (std::uint64_t seed : {1u, 2u, 42u, 9999u}) {
    auto a = draw(n, seed);
    auto b = draw(n, seed);
    REQUIRE(!a.empty());
    CHECK(a == b);
  }
  CHECK(draw(n, 1) != draw(n, 2));
}

TEST_CASE("nemesis faults start one interval apart, within the fault phase") {
  const Nemesis n = nemesis({FaultKind::crash}, {1000, 2000}, {10, 20}, 1);
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    auto s = draw(n, seed, 100000);
    REQUIRE(s.size() >= 49);
    CHECK(s.front().at_ms >= 1000);
    CHECK(s.front().at_ms <= 2000);
    for (std::size_t i = 1; i < s.size(); ++i) {
      const auto gap = s[i].at_ms - s[i - 1].at_ms;
      CHECK(gap >= 1000);
      CHECK(gap <= 2000);  // faults end long before the next start
    }
    for (const Fault& f : s) CHECK(f.at_ms < 100000);
  }
}

TEST_CASE("every nemesis fault reverts itself after a duration drawn from its range") {
  const Nemesis n = nemesis(kAllKinds, {100, 900}, {300, 700}, 3);
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    for (const Fault& f : draw(n, seed)) {
      REQUIRE(f.duration_ms);
      CHECK(*f.duration_ms >= 300);
      CHECK(*f.duration_ms <= 700);
    }
  }
}

TEST_CASE("the nemesis never has more than max_concurrent faults active") {
  for (int max_concurrent : {1, 2, 4}) {
    const Nemesis n = nemesis(kAllKinds, {10, 100}, {500, 2000}, max_concurrent);
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
      auto s = draw(n, seed, 60000);
      REQUIRE(!s.empty());
      int most = 0;
      for (const Fault& f : s) most = std::max(most, active_at(s, f.at_ms));
      CHECK(most <= max_concurrent);
      CHECK(most == max_concurrent);  // intervals this short fill every slot
    }
  }
}

TEST_CASE("the nemesis never hits a node that an active nemesis fault holds") {
  const Nemesis n = nemesis(kAllKinds, {10, 50}, {500, 2000}, 4, {NemesisTargets::controllers});
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    auto s = draw(n, seed, 60000);
    for (std::size_t i = 0; i < s.size(); ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        const bool overlap = s[j].at_ms + *s[j].duration_ms > s[i].at_ms;
        if (overlap) CHECK(*s[j].target != *s[i].target);
      }
    }
    // Three controllers: never more than three at once, whatever max_concurrent says.
    for (const Fault& f : s) CHECK(active_at(s, f.at_ms) <= 3);
  }
}

TEST_CASE("nemesis faults hit only nodes of the kinds in targets") {
  auto kinds_hit = [](const std::vector<Fault>& s) {
    std::set<std::string> names;
    for (const Fault& f : s) names.insert(to_string(*f.target));
    return names;
  };
  const auto brokers = kinds_hit(draw(nemesis(kAllKinds, {100, 200}, {50, 60}, 1), 3));
  CHECK(brokers == std::set<std::string>{"broker-1", "broker-2", "broker-3", "broker-4", "broker-5"});

  const auto clients = kinds_hit(draw(nemesis(kAllKinds, {100, 200}, {50, 60}, 1, {NemesisTargets::clients}), 3));
  CHECK(clients ==
        std::set<std::string>{"client:producer-1", "client:producer-2", "client:consumer-1"});

  const auto mixed = kinds_hit(draw(
      nemesis(kAllKinds, {100, 200}, {50, 60}, 1, {NemesisTargets::controllers, NemesisTargets::clients}), 3));
  for (const std::string& name : mixed) CHECK(name.rfind("broker-", 0) != 0);
  CHECK(mixed.count("controller-1"));
  CHECK(mixed.count("client:consumer-1"));
}

TEST_CASE("nemesis faults are of the kinds listed, with their values drawn from the ranges") {
  const Nemesis n = nemesis({FaultKind::clog, FaultKind::clock_skew}, {100, 200}, {50, 60}, 1);
  const NemesisRanges ranges;
  std::set<FaultKind> seen;
  for (const Fault& f : draw(n, 5)) {
    seen.insert(f.kind);
    if (f.kind == FaultKind::clog) {
      CHECK(f.latency_ms >= ranges.clog_latency_ms.min);
      CHECK(f.latency_ms <= ranges.clog_latency_ms.max);
    } else {
      CHECK(f.offset_ms >= ranges.clock_offset_ms.min);
      CHECK(f.offset_ms <= ranges.clock_offset_ms.max);
      CHECK(f.drift_ppm >= static_cast<double>(ranges.clock_drift_ppm.min));
      CHECK(f.drift_ppm <= static_cast<double>(ranges.clock_drift_ppm.max));
    }
  }
  CHECK(seen == std::set<FaultKind>{FaultKind::clog, FaultKind::clock_skew});
}

TEST_CASE("a nemesis whose first interval passes the fault phase draws nothing") {
  const Nemesis n = nemesis({FaultKind::crash}, {5000, 5000}, {10, 10}, 1);
  CHECK(draw(n, 1, 5000).empty());
  CHECK(draw(n, 1, 5001).size() == 1);
}

TEST_CASE("a nemesis with kinds that do not revert themselves is refused") {
  const Nemesis n = nemesis({FaultKind::restart}, {10, 10}, {10, 10}, 1);
  CHECK_THROWS_AS(draw(n, 1), std::invalid_argument);
}

TEST_CASE("nemesis faults read as scenario faults in JSON") {
  Fault f;
  f.at_ms = 1200;
  f.kind = FaultKind::partition;
  f.target = BrokerTarget{2};
  f.duration_ms = 800;
  f.one_way = true;
  auto j = fault_to_json(f);
  CHECK(j.dump() == R"({"at_ms":1200,"kind":"partition","isolate":"broker-2","duration_ms":800,"one_way":true})");
  f.kind = FaultKind::clock_skew;
  f.offset_ms = -250;
  f.drift_ppm = 40;
  j = fault_to_json(f);
  CHECK(j.at("target") == "broker-2");
  CHECK(j.at("offset_ms") == -250);
}
