#include "harness/nemesis.h"

#include <algorithm>
#include <stdexcept>

namespace kafkasim::harness {
namespace {

// The nodes of one kind, as targets, in a fixed order.
std::vector<Target> nodes_of(NemesisTargets kind, const NemesisPool& pool) {
  std::vector<Target> out;
  switch (kind) {
    case NemesisTargets::brokers:
      for (int i = 1; i <= pool.brokers; ++i) out.push_back(BrokerTarget{i});
      break;
    case NemesisTargets::controllers:
      for (int i = 1; i <= pool.controllers; ++i) out.push_back(ControllerTarget{i});
      break;
    case NemesisTargets::clients:
      for (const std::string& name : pool.clients) out.push_back(ClientTarget{name});
      break;
  }
  return out;
}

struct Active {
  std::int64_t end_ms;
  Target target;
};

}  // namespace

NemesisPool NemesisPool::of(const Scenario& scenario) {
  return NemesisPool{scenario.cluster.brokers, scenario.cluster.controllers,
                     client_names(scenario.workload)};
}

std::vector<Fault> draw_nemesis_schedule(const Nemesis& nemesis, const NemesisPool& pool,
                                         std::int64_t duration_ms, sim::Prng& rng,
                                         const NemesisRanges& ranges) {
  std::vector<Fault> schedule;
  if (nemesis.kinds.empty() || nemesis.targets.empty()) return schedule;
  const auto max_concurrent = static_cast<std::size_t>(std::max(1, nemesis.max_concurrent));
  std::vector<Active> active;  // sorted by nothing; small
  auto retire = [&](std::int64_t now_ms) {
    std::erase_if(active, [&](const Active& a) { return a.end_ms <= now_ms; });
  };

  std::int64_t t = 0;
  for (;;) {
    t += rng.between(nemesis.interval_ms.min, nemesis.interval_ms.max);
    if (t >= duration_ms) break;
    retire(t);
    while (active.size() >= max_concurrent) {
      auto earliest = std::min_element(active.begin(), active.end(),
                                       [](const Active& a, const Active& b) { return a.end_ms < b.end_ms; });
      t = earliest->end_ms;
      retire(t);
    }
    if (t >= duration_ms) break;

    const FaultKind kind = nemesis.kinds[rng.below(nemesis.kinds.size())];
    const NemesisTargets node_kind = nemesis.targets[rng.below(nemesis.targets.size())];
    std::vector<Target> free;
    for (Target& candidate : nodes_of(node_kind, pool)) {
      bool held = std::any_of(active.begin(), active.end(), [&](const Active& a) { return a.target == candidate; });
      if (!held) free.push_back(std::move(candidate));
    }
    if (free.empty()) continue;
    Fault f;
    f.at_ms = t;
    f.kind = kind;
    f.target = free[rng.below(free.size())];
    f.duration_ms = rng.between(nemesis.duration_ms.min, nemesis.duration_ms.max);
    switch (kind) {
      case FaultKind::crash:
      case FaultKind::pause:
        break;
      case FaultKind::power_loss:
        f.torn = rng.chance(1, ranges.torn_one_in);
        break;
      case FaultKind::partition:
        f.one_way = rng.chance(1, ranges.one_way_one_in);
        break;
      case FaultKind::clog:
        f.latency_ms = rng.between(ranges.clog_latency_ms.min, ranges.clog_latency_ms.max);
        f.one_way = rng.chance(1, ranges.one_way_one_in);
        break;
      case FaultKind::clock_skew:
        f.offset_ms = rng.between(ranges.clock_offset_ms.min, ranges.clock_offset_ms.max);
        f.drift_ppm = static_cast<double>(rng.between(ranges.clock_drift_ppm.min, ranges.clock_drift_ppm.max));
        break;
      case FaultKind::restart:
      case FaultKind::resume:
      case FaultKind::heal:
      case FaultKind::move_leader:
        throw std::invalid_argument("nemesis kind " + std::string(to_string(kind)) + " does not revert itself");
    }
    active.push_back(Active{t + *f.duration_ms, *f.target});
    schedule.push_back(std::move(f));
  }
  return schedule;
}

nlohmann::ordered_json fault_to_json(const Fault& f) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["at_ms"] = f.at_ms;
  j["kind"] = std::string(to_string(f.kind));
  if (f.target) j[f.kind == FaultKind::partition ? "isolate" : "target"] = to_string(*f.target);
  if (!f.groups.empty()) {
    nlohmann::ordered_json groups = nlohmann::ordered_json::array();
    for (const auto& group : f.groups) {
      nlohmann::ordered_json g = nlohmann::ordered_json::array();
      for (const Target& t : group) g.push_back(to_string(t));
      groups.push_back(std::move(g));
    }
    j["groups"] = std::move(groups);
  }
  if (f.duration_ms) j["duration_ms"] = *f.duration_ms;
  switch (f.kind) {
    case FaultKind::power_loss:
      j["torn"] = f.torn;
      break;
    case FaultKind::partition:
      j["one_way"] = f.one_way;
      break;
    case FaultKind::clog:
      j["latency_ms"] = f.latency_ms;
      j["one_way"] = f.one_way;
      break;
    case FaultKind::clock_skew:
      j["offset_ms"] = f.offset_ms;
      j["drift_ppm"] = f.drift_ppm;
      break;
    default:
      break;
  }
  return j;
}

nlohmann::ordered_json nemesis_to_json(const Nemesis& n, const NemesisRanges& r) {
  auto range = [](const MsRange& m) { return nlohmann::ordered_json{{"min", m.min}, {"max", m.max}}; };
  nlohmann::ordered_json kinds = nlohmann::ordered_json::array();
  for (FaultKind k : n.kinds) kinds.push_back(std::string(to_string(k)));
  nlohmann::ordered_json targets = nlohmann::ordered_json::array();
  for (NemesisTargets t : n.targets) targets.push_back(std::string(to_string(t)));
  return nlohmann::ordered_json{
      {"kinds", kinds},
      {"interval_ms", range(n.interval_ms)},
      {"duration_ms", range(n.duration_ms)},
      {"max_concurrent", n.max_concurrent},
      {"targets", targets},
      {"clog_latency_ms", range(r.clog_latency_ms)},
      {"clock_offset_ms", range(r.clock_offset_ms)},
      {"clock_drift_ppm", range(r.clock_drift_ppm)},
      {"torn_one_in", r.torn_one_in},
      {"one_way_one_in", r.one_way_one_in},
  };
}

}  // namespace kafkasim::harness
