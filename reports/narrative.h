// The story of an anomaly, told from the trace in Kafka's words: which
// producer wrote the value, which broker appended it as leader in which
// epoch and what the HW was, who replicated it, which fault came next,
// which broker became leader without it, when it was truncated (or deleted
// by retention, which is configuration, not a bug), and what the readers
// saw. Each sentence keeps the trace event it comes from, so that the
// space-time diagram can draw the same events.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reports/focus.h"
#include "reports/report_input.h"
#include "reports/trace_facts.h"

namespace kafkasim::reports {

struct Sentence {
  std::int64_t time_ns = 0;
  std::string text;
  std::optional<std::size_t> event;   // index into the trace
  std::int32_t node = sim::kNoNode;   // who did it (space-time lane)
  bool fault = false;
};

struct Narrative {
  std::vector<Sentence> sentences;  // in time order
  // The simulated time the story spans.
  std::int64_t begin_ns = 0;
  std::int64_t end_ns = 0;
  // The event that removed the focus record from its replica (truncation or
  // retention), or the first election without it: the replica-log diagram
  // shows the logs just before it.
  std::optional<std::size_t> turning_event;
  bool deleted_by_retention = false;
  // Why there is no story, when there is none.
  std::string missing;
};

Narrative build_narrative(const ReportInput& in, const Focus& focus, const std::vector<Fact>& facts);

// "15201.5 ms".
std::string format_ms(std::int64_t time_ns);

}  // namespace kafkasim::reports
