#include "harness/run.h"

#include <algorithm>
#include <exception>
#include <memory>
#include <set>
#include <sstream>

#include "broker-model/cluster.h"
#include "broker-model/invariants.h"
#include "broker-model/offset_store.h"
#include "broker-model/transaction_state_topic.h"
#include "checker/check.h"
#include "checker/compaction.h"
#include "checker/history_writer.h"
#include "harness/cluster_sampler.h"
#include "harness/faults.h"
#include "harness/internal_topics.h"
#include "harness/judge.h"
#include "harness/request_errors_schedule.h"
#include "harness/nemesis.h"
#include "harness/scenario_file_json.h"
#include "harness/workload.h"
#include "sim/random.h"
#include "sim/simulation.h"

namespace kafkasim::harness {
namespace {

using ojson = nlohmann::ordered_json;

// Invariant violations kept with their detail for the report.
constexpr std::size_t kMaxInvariantDetails = 20;

// One step of the fault timeline: inject fault `id` or revert it.
struct Action {
  std::int64_t at_ms;
  bool revert;  // reverts at a time go before injections at that time
  int id;       // index into the fault list; order among equals
};

struct TimedFault {
  Fault fault;
  std::string source;  // "faults[i]" or "nemesis[i]"
};

// Targets of a run: roles from the cluster, clients from the workload.
class ClusterTargetResolver : public TargetResolver {
 public:
  // `rng` draws random-broker and follower choices (the nemesis stream).
  ClusterTargetResolver(kafka::Cluster& cluster, const Workload& workload, sim::Prng& rng)
      : cluster_(cluster), workload_(workload), rng_(rng) {}
  sim::Node* resolve(const Target& target, std::string* why) override;

 private:
  kafka::Cluster& cluster_;
  const Workload& workload_;
  sim::Prng& rng_;
};

sim::Node* ClusterTargetResolver::resolve(const Target& target, std::string* why) {
  sim::Node* node = nullptr;
  std::string reason;
  if (const auto* b = std::get_if<BrokerTarget>(&target)) {
    if (b->id >= 1 && static_cast<std::size_t>(b->id) <= cluster_.broker_nodes().size()) node = &cluster_.broker(b->id);
    else reason = "the cluster has no broker-" + std::to_string(b->id);
  } else if (const auto* c = std::get_if<ControllerTarget>(&target)) {
    if (c->id >= 1 && static_cast<std::size_t>(c->id) <= cluster_.controller_nodes().size()) {
      node = &cluster_.controller(c->id);
    } else {
      reason = "the cluster has no controller-" + std::to_string(c->id);
    }
  } else if (const auto* l = std::get_if<LeaderTarget>(&target)) {
    node = cluster_.leader_of(l->topic, l->partition);
    if (!node) reason = "no leader of " + l->topic + "/" + std::to_string(l->partition) + " right now";
  } else if (const auto* f = std::get_if<FollowerTarget>(&target)) {
    node = cluster_.follower_of(f->topic, f->partition, rng_);
    if (!node) reason = "no follower of " + f->topic + "/" + std::to_string(f->partition) + " right now";
  } else if (std::holds_alternative<ControllerLeaderTarget>(target)) {
    node = cluster_.active_controller();
    if (!node) reason = "no active controller right now";
  } else if (const auto* g = std::get_if<GroupCoordinatorTarget>(&target)) {
    // The leader of the group's partition of __consumer_offsets.
    const int32_t partitions = cluster_.spec().broker_config.get_int("offsets.topic.num.partitions");
    node = cluster_.leader_of(kafka::kOffsetsTopic, kafka::offsets_partition_for(g->group_id, partitions));
    if (!node) reason = "no coordinator of group " + g->group_id + " right now";
  } else if (const auto* t = std::get_if<TxnCoordinatorTarget>(&target)) {
    node = kafka::transaction_coordinator(cluster_, t->transactional_id);
    if (!node) reason = "no transaction coordinator of " + t->transactional_id + " right now";
  } else if (std::holds_alternative<RandomBrokerTarget>(target)) {
    const auto& brokers = cluster_.broker_nodes();
    if (!brokers.empty()) node = brokers[rng_.below(brokers.size())];
    else reason = "the cluster has no brokers";
  } else if (std::holds_alternative<LeaderCrashedTarget>(target)) {
    node = last_crashed();
    if (!node) reason = "no node has crashed yet";
  } else if (const auto* client = std::get_if<ClientTarget>(&target)) {
    for (sim::Node* n : workload_.client_nodes()) {
      if (n->name() == client->name) node = n;
    }
    if (!node) reason = "the workload has no client " + client->name;
  }
  if (!node && why) *why = reason;
  return node;
}

kafka::ClusterSpec cluster_spec(const Scenario& s, const std::vector<std::string>& bugs) {
  kafka::ClusterSpec spec;
  spec.brokers = s.cluster.brokers;
  spec.controllers = s.cluster.controllers;
  spec.broker_config = s.cluster.config;
  for (const Topic& t : s.topics) spec.topics.push_back(kafka::TopicSpec{t.name, t.partitions, t.replication_factor, t.config});
  spec.bugs = kafka::Bugs::from_names(bugs);
  add_internal_topics(s, spec);
  return spec;
}


// The seed and everything derived from it, before the world runs.
ojson parameters_json(const Scenario& s, const RunOptions& o, const std::vector<std::string>& bugs,
                      const std::vector<Fault>& schedule, const NemesisRanges& ranges) {
  ojson p;
  p["seed"] = o.seed;
  p["version"] = KAFKASIM_VERSION;
  p["scenario"] = s.name;
  p["scenario_fingerprint"] = scenario_fingerprint(s);
  p["bugs"] = bugs;
  p["event_budget"] = o.event_budget;
  p["duration_ms"] = s.duration_ms;
  p["recovery_ms"] = s.recovery_ms;
  p["slice_ms"] = kSliceMs;
  ojson streams = ojson::object();
  for (const char* name : {"scheduler", "network", "nemesis", "workload", "disk-tear"}) {
    streams[name] = sim::to_hex64(sim::derive_seed(o.seed, name));
  }
  p["streams"] = std::move(streams);
  // The scenario's settings as its file would say them (non-default configuration).
  ojson file = scenario_file_json(s);
  for (const char* key : {"network", "cluster", "topics", "workload", "faults"}) p[key] = std::move(file[key]);
  if (s.nemesis) {
    ojson n = nemesis_to_json(*s.nemesis, ranges);
    ojson drawn = ojson::array();
    for (const Fault& f : schedule) drawn.push_back(fault_to_json(f));
    n["schedule"] = std::move(drawn);
    p["nemesis"] = std::move(n);
  } else {
    p["nemesis"] = nullptr;
  }
  return p;
}

// Every fault of the run and the timeline that injects and reverts them.
// Reverts due at or after the end of the fault phase are left to recovery.
std::vector<Action> timeline(const std::vector<TimedFault>& faults, std::int64_t duration_ms) {
  std::vector<Action> actions;
  for (std::size_t i = 0; i < faults.size(); ++i) {
    const Fault& f = faults[i].fault;
    actions.push_back(Action{f.at_ms, false, static_cast<int>(i)});
    if (f.duration_ms && f.at_ms + *f.duration_ms < duration_ms) {
      actions.push_back(Action{f.at_ms + *f.duration_ms, true, static_cast<int>(i)});
    }
  }
  std::stable_sort(actions.begin(), actions.end(), [](const Action& a, const Action& b) {
    if (a.at_ms != b.at_ms) return a.at_ms < b.at_ms;
    if (a.revert != b.revert) return a.revert;
    return a.id < b.id;
  });
  return actions;
}

bool is_failure(sim::Outcome o) {
  return o == sim::Outcome::kDeadlock || o == sim::Outcome::kBudgetExhausted || o == sim::Outcome::kFiberError;
}

// Each fault's window [at, revert), or to the end of the fault phase when
// it is not reverted before then.
std::vector<std::pair<std::int64_t, std::int64_t>> disturbed_windows(const std::vector<TimedFault>& faults,
                                                                      std::int64_t duration_ms) {
  std::vector<std::pair<std::int64_t, std::int64_t>> w;
  for (const TimedFault& f : faults) {
    const std::int64_t end = f.fault.duration_ms ? std::min(duration_ms, f.fault.at_ms + *f.fault.duration_ms) : duration_ms;
    w.emplace_back(f.fault.at_ms, std::max(end, f.fault.at_ms));
  }
  return w;
}

}  // namespace

std::string repro_line(const std::string& scenario_path, std::uint64_t seed,
                       const std::vector<std::string>& extra_bugs) {
  std::string s = "kafkasim run " + scenario_path + " --seed " + std::to_string(seed);
  for (const std::string& b : extra_bugs) s += " --bug " + b;
  return s;
}

std::vector<std::string> effective_bugs(const Scenario& scenario, const std::vector<std::string>& extra_bugs) {
  std::vector<std::string> bugs = scenario.bugs;
  for (const std::string& b : extra_bugs) {
    if (std::find(bugs.begin(), bugs.end(), b) == bugs.end()) bugs.push_back(b);
  }
  return bugs;
}

std::string scenario_fingerprint(const Scenario& scenario) {
  return sim::to_hex64(sim::fnv1a64(scenario.to_json().dump()));
}

RunResult run_scenario(const Scenario& scenario, const RunOptions& options) {
  RunResult r;
  r.scenario = scenario.name;
  r.scenario_path = options.scenario_path;
  r.seed = options.seed;
  r.extra_bugs = options.extra_bugs;
  r.bugs = effective_bugs(scenario, options.extra_bugs);
  r.expect = scenario.expect;
  r.repro = repro_line(options.scenario_path, options.seed, options.extra_bugs);
  r.version = KAFKASIM_VERSION;
  r.liveness_detail.recovery_ms = scenario.recovery_ms;

  // The harness fiber refers to these: they outlive the simulation.
  std::vector<TimedFault> faults;
  std::vector<Action> actions;
  sim::Prng nemesis_rng;
  std::unique_ptr<ClusterTargetResolver> resolver;
  std::unique_ptr<FaultInjector> injector;
  bool recovering = false;
  std::unique_ptr<sim::Simulation> sim;
  std::unique_ptr<kafka::Cluster> cluster;
  std::unique_ptr<Workload> workload;
  auto fail = [&](std::string outcome, std::string message) {
    r.harness_error = HarnessError{std::move(outcome), std::move(message)};
    r.valid = false;
    r.expected = false;
  };

  try {
    sim::SimulationOptions so;
    so.seed = options.seed;
    so.event_budget = options.event_budget;
    so.record = options.record;
    so.record_from = options.record_from;
    so.record_to = options.record_to;
    so.network.latency_min = sim::milliseconds(scenario.network.latency_ms.min);
    so.network.latency_max = sim::milliseconds(scenario.network.latency_ms.max);
    sim = std::make_unique<sim::Simulation>(so);
    cluster = std::make_unique<kafka::Cluster>(*sim, cluster_spec(scenario, r.bugs));
    workload = make_workload(scenario);
    workload->setup(*sim, *cluster);

    // The nemesis stream: first the whole schedule, then (as the run goes)
    // random-broker and follower choices.
    nemesis_rng = sim->stream("nemesis");
    const NemesisRanges ranges;
    std::vector<Fault> schedule;
    if (scenario.nemesis) {
      schedule = draw_nemesis_schedule(*scenario.nemesis, NemesisPool::of(scenario), scenario.duration_ms,
                                       nemesis_rng, ranges);
    }
    r.parameters = parameters_json(scenario, options, r.bugs, schedule, ranges);
    if (options.on_parameters) options.on_parameters(r.parameters);

    for (std::size_t i = 0; i < scenario.faults.size(); ++i) {
      faults.push_back(TimedFault{scenario.faults[i], "faults[" + std::to_string(i) + "]"});
    }
    for (std::size_t i = 0; i < schedule.size(); ++i) {
      faults.push_back(TimedFault{schedule[i], "nemesis[" + std::to_string(i) + "]"});
    }
    actions = timeline(faults, scenario.duration_ms);
    resolver = std::make_unique<ClusterTargetResolver>(*cluster, *workload, nemesis_rng);
    injector = std::make_unique<FaultInjector>(*sim, *resolver);

    cluster->start();
    workload->start();
    schedule_request_errors(*sim, *cluster, scenario, *injector);

    // The fault phase and the start of recovery run in one harness fiber,
    // so that every fault and the recovery happen at their simulated
    // instant, in a fixed order.
    sim->spawn_harness("faults", [&] {
      for (const Action& a : actions) {
        sim::sleep_until(sim::milliseconds(a.at_ms));
        const TimedFault& f = faults[static_cast<std::size_t>(a.id)];
        if (a.revert) injector->revert(a.id);
        else injector->inject(f.fault, a.id, f.source);
      }
      sim::sleep_until(sim::milliseconds(scenario.duration_ms));
      injector->recover();
      recovering = true;
      workload->begin_final_reads();
    });

    // Reads committed metadata between slices: changes nothing in the run.
    ClusterSampler sampler(*cluster);
    const sim::SimTime fault_end = sim::milliseconds(scenario.duration_ms);
    const sim::SimTime run_end = sim::milliseconds(scenario.duration_ms + scenario.recovery_ms);
    bool stopped = false;
    bool finished = false;
    while (!r.harness_error) {
      const sim::SimTime now = sim->now();
      // Slices end on multiples of kSliceMs and never skip the end of the
      // fault phase.
      sim::SimTime limit = (now / sim::milliseconds(kSliceMs) + 1) * sim::milliseconds(kSliceMs);
      if (now < fault_end) limit = std::min(limit, fault_end);
      limit = std::min(limit, run_end);
      const sim::Outcome outcome = sim->run_until(limit);
      if (is_failure(outcome)) {
        std::string message = sim->scheduler().failure();
        if (message.empty()) message = sim::outcome_name(outcome);
        fail(sim::outcome_name(outcome), message + " (at " + std::to_string(sim::to_ms(sim->now())) + " ms simulated)");
        break;
      }
      sampler.sample(sim::to_ms(sim->now()));
      if (!cluster->invariant_violations().empty() || outcome == sim::Outcome::kStopped) {
        stopped = true;
        break;
      }
      if (recovering && workload->finished()) {
        finished = true;
        break;
      }
      if (sim->now() >= run_end || outcome == sim::Outcome::kQuiescent) break;
    }

    r.stats.events = static_cast<std::int64_t>(sim->scheduler().events());
    r.stats.trace_events = static_cast<std::int64_t>(sim->trace().events());
    r.stats.sim_time_ms = sim::to_ms(sim->now());
    const WorkloadStats ws = workload->stats();
    r.stats.sent = ws.sent;
    r.stats.acked = ws.acked;
    r.stats.polled = ws.polled;
    r.stats.redelivered = ws.redelivered;
    r.fault_log = injector->log();
    r.invariant_violations = cluster->invariant_violations();
    for (const kafka::InvariantViolation& v : cluster->invariants().violations()) {
      if (r.invariant_details.size() >= kMaxInvariantDetails) break;
      r.invariant_details.push_back(reports::InvariantDetail{v.name, sim::to_ms(v.time), v.detail});
    }
    r.series = sampler.series();
    for (std::size_t i = 0; i < sim->node_count(); ++i) r.node_names.push_back(sim->node(static_cast<int32_t>(i)).name());

    if (!r.harness_error) {
      if (stopped) {
        r.liveness_detail.stopped_at_ms = r.stats.sim_time_ms;
        r.liveness = r.invariant_violations.empty()
                         ? "failed: the simulation stopped at " + std::to_string(r.stats.sim_time_ms) + " ms"
                         : "not checked: the run stopped at " + std::to_string(r.stats.sim_time_ms) +
                               " ms on an invariant violation";
        if (r.invariant_violations.empty()) {
          fail("stopped", "the simulation was stopped at " + std::to_string(r.stats.sim_time_ms) +
                              " ms with no invariant violation");
        }
      } else if (finished) {
        r.liveness_detail.final_reads_finished = true;
        r.liveness_detail.final_reads_ms = r.stats.sim_time_ms;
      } else {
        r.liveness = "failed: the final reads did not finish within recovery_ms (" +
                     std::to_string(scenario.recovery_ms) + " ms): " + std::to_string(ws.acked) + " sends acked, " +
                     std::to_string(ws.polled) + " records polled";
      }
    }

    judge_history(r, workload->history(), scenario, options.keep_history, [&](const std::set<std::string>& allow) {
      return workload->own_verdict(allow, disturbed_windows(faults, scenario.duration_ms));
    });
    r.figures = workload->figures();
    for (reports::TimeSeries& s : workload->series()) r.series.push_back(std::move(s));

    r.trace_hash = sim->trace().hash_hex();
    r.checkpoints = compact_checkpoints(sim->trace().checkpoints());
    r.trace_events = sim->trace().recorded();
    // FoundationDB's "unseed": one more draw after the run, from the
    // scheduler's stream, whose position depends on everything it chose.
    r.unseed = sim::to_hex64(sim->scheduler().rng().next_u64());
  } catch (const std::exception& e) {
    fail("internal-error", std::string("internal error: ") + e.what());
    if (sim) {
      r.trace_hash = sim->trace().hash_hex();
      r.stats.events = static_cast<std::int64_t>(sim->scheduler().events());
      r.stats.sim_time_ms = sim::to_ms(sim->now());
    }
  }
  // Fibers unwind first, while everything they may touch is alive; then the
  // workload and the cluster, which hold nodes of the simulation.
  if (sim) sim->scheduler().shutdown();
  workload.reset();
  cluster.reset();
  sim.reset();
  return r;
}

}  // namespace kafkasim::harness
