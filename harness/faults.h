// Fault injection: maps the scenario's faults (explicit and nemesis) onto
// the simulator (SPEC.md §3 fault kinds; docs/scenario-format.md).
//
//   crash        sim.crash(node)            reverts by restart
//   power-loss   sim.power_loss(node, torn) reverts by restart
//   restart      sim.restart(node)
//   pause        sim.pause(node)            reverts by resume
//   resume       sim.resume(node)
//   partition    cut links: `isolate` cuts the node from every other node
//                (one_way: only its outgoing links); `groups` cuts links
//                between nodes of different groups (one_way: only from the
//                first group to the others)   reverts by healing those links
//   heal         network().heal_all(): every cut and clog ends
//   clog         extra latency on the same links as a partition would cut
//                                           reverts by removing that latency
//   clock-skew   sim.skew_clock(node, offset, drift)  reverts to no skew
//
// Targets resolve when the fault fires (leader:T/P asks the cluster who
// leads now). A target that resolves to nothing skips the fault; the skip
// is recorded in the trace and in the fault log, never an error.
//
// Overlapping partitions and clogs compose: a link stays cut while any
// fault that cut it is active, and a link's clog is the sum of the active
// clogs on it. A `heal` fault ends them all; their later reverts do nothing.
//
// REQUIRES: every call is made from a harness fiber of `sim` (or from the
// main context between run_until calls).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/scenario.h"
#include "sim/simulation.h"

namespace kafkasim::harness {

// One line of the fault log (result "fault_log", reports).
struct FaultLogEntry {
  std::int64_t time_ms = 0;
  std::string action;  // "inject", "revert" or "recover"
  std::string kind;    // fault kind ("crash", ...); "" for recover
  std::string target;  // the target as written ("leader:orders/0", "groups [[broker-1], ...]")
  std::string node;    // resolved node names, comma-separated; "" when skipped
  bool skipped = false;
  std::string note;    // why skipped, or what was done
  std::string source;  // "faults[3]", "nemesis[0]" or "recovery"
  bool operator==(const FaultLogEntry&) const = default;
};

nlohmann::ordered_json to_json(const FaultLogEntry& e);
FaultLogEntry fault_log_entry_from_json(const nlohmann::ordered_json& j);

// Resolves targets to nodes when a fault fires (the run's implementation
// asks the cluster and the workload; see run.cpp).
class TargetResolver {
 public:
  virtual ~TargetResolver() = default;
  // The node `target` names now, or nullptr with *why set.
  virtual sim::Node* resolve(const Target& target, std::string* why) = 0;

  // The node crashed or powered off last, for leader-crashed.
  void set_last_crashed(sim::Node* node) { last_crashed_ = node; }
  sim::Node* last_crashed() const { return last_crashed_; }

 private:
  sim::Node* last_crashed_ = nullptr;
};

class FaultInjector {
 public:
  FaultInjector(sim::Simulation& sim, TargetResolver& resolver);

  // Applies `fault` now. `id` names it for a later revert(id); `source`
  // goes into the log. Returns false when it was skipped.
  bool inject(const Fault& fault, int id, const std::string& source);
  // Undoes fault `id` (its duration has passed). No-op when it was skipped,
  // has been reverted, or was ended by heal or recover.
  void revert(int id);
  // The recovery phase: heal every link and clog, resume paused nodes,
  // restart down nodes, reset skewed clocks. Every active fault ends.
  void recover();

  const std::vector<FaultLogEntry>& log() const { return log_; }
  // Logs (and traces) an action that is not a Fault: request errors
  // (request_errors_schedule.h). Its time is now.
  void log_other(FaultLogEntry e);

 private:
  using Link = std::pair<std::int32_t, std::int32_t>;
  struct Applied {
    Fault fault;
    std::string source;
    std::vector<std::int32_t> nodes;  // resolved
    std::vector<Link> links;          // partition, clog
    std::uint64_t link_epoch = 0;     // links_epoch_ when applied
  };

  // The links a partition or clog affects; nullopt (with *why, *text) when a
  // target resolves to nothing.
  std::optional<std::vector<Link>> links_of(const Fault& fault, std::vector<std::int32_t>* nodes,
                                            std::string* why);
  void cut(const Link& link);
  void uncut(const Link& link);
  void add_clog(const Link& link, sim::Duration extra);
  void log(std::string action, const Fault* fault, const std::string& target, const std::vector<std::int32_t>& nodes,
           bool skipped, std::string note, std::string source);
  std::string names(const std::vector<std::int32_t>& nodes);

  sim::Simulation& sim_;
  TargetResolver& resolver_;
  std::map<int, Applied> active_;
  std::map<Link, int> cuts_;               // link -> active faults cutting it
  std::map<Link, sim::Duration> clogs_;    // link -> summed extra latency
  std::uint64_t links_epoch_ = 0;          // bumped by heal and recover
  std::vector<FaultLogEntry> log_;
};

// The target text of a fault as the log shows it.
std::string fault_target_text(const Fault& fault);

}  // namespace kafkasim::harness
