// The model's own words, parsed: the "model" events of a trace that say
// what a replica stored, who led a partition, what a producer was told and
// which fault struck (docs/reports.md lists the texts). Reports build their
// narrative and replica-log diagrams from these facts.
//
// The texts are written by broker-model (partition.cpp, producer.cpp,
// controller.cpp), by harness/faults.cpp ("fault ...") and by log retention
// ("retention: deleted <topic>-<partition> offsets [a, b)"). A text that
// matches no form below is a Fact of kind kOther, kept for the narrative.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/trace.h"

namespace kafkasim::reports {

struct Fact {
  enum class Kind {
    kLeaderAppend,  // broker-N appended T/P offsets A..B as leader in epoch E (values ...; LEO L, HW H)
    kReplicated,    // broker-N replicated T/P offsets A..B from broker-M in epoch E (LEO L, HW H)
    kTruncated,     // broker-N truncated T/P from LEO L to B (...), or ... to its high watermark B
    kOpened,        // broker-N opened T/P: log start S, LEO L, HW H
    kRetention,     // retention: deleted T-P offsets [A, B)  (first = A, last = B - 1)
    kBecameLeader,  // broker-N became leader of T/P in epoch E at LEO L, HW H
    kFollows,       // broker-N follows broker-M for T/P in epoch E
    kAcked,         // producer-X got offsets A..B of T/P acknowledged by broker-M
    kElection,      // metadata K: T/P: leader M epoch E isr [...] partition epoch P
    kFault,         // fault inject|revert|recover|skip ...
    kOther,
  };
  Kind kind = Kind::kOther;
  std::size_t event = 0;   // index of the event in the trace
  std::int64_t time_ns = 0;
  std::int32_t node = sim::kNoNode;
  int broker = 0;          // the broker the fact is about (0: none)
  int peer = 0;            // the leader replicated from, the acknowledging broker, the elected leader
  std::string tp;          // "orders/0"; "" when none
  std::int64_t first = -1;  // offsets, inclusive
  std::int64_t last = -1;
  int epoch = -1;
  std::int64_t leo = -1;
  std::int64_t hw = -1;
  std::int64_t log_start = -1;
  std::vector<std::string> values;  // kLeaderAppend: the records' values, in offset order
  std::vector<int> isr;             // kElection
  std::string text;
};

// Every model event of `trace` as a fact, in trace order. `node_names`
// (by node id) gives the broker of facts whose text names none.
std::vector<Fact> model_facts(const std::vector<sim::TraceEvent>& trace,
                              const std::vector<std::string>& node_names);

// The broker id of a node named "broker-N", else 0.
int broker_of_node(const std::vector<std::string>& node_names, std::int32_t node);

// A fault of the kernel itself (crash, power loss, restart, pause, resume,
// partition, heal, clog, clock skew).
bool is_fault_event(sim::EventKind kind);

// "orders-0" (Kafka's log directory name) or "orders/0" -> "orders/0".
std::string normalize_tp(std::string_view s);

}  // namespace kafkasim::reports
