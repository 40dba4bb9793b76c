// What a report explains first: one anomaly witness (or invariant
// violation) and the partition, offsets, values and operations it names.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "checker/history.h"
#include "reports/report_input.h"

namespace kafkasim::reports {

struct Focus {
  std::string anomaly;      // "lost-write", ..., "invariant:NAME"; "" when the run has nothing to explain
  nlohmann::json witness;   // the checker's witness (null for an invariant)
  std::string tp;           // the witness's key, "orders/0"; "" when none
  std::vector<std::int64_t> offsets;
  std::vector<std::string> values;  // as text (integers in decimal)
  std::vector<std::int64_t> ops;    // op indices the witness names
  std::optional<std::int64_t> time_ns;  // invariant violations: when
};

// The first invalidating anomaly, preferring those a narrative explains
// best (lost-write, then G1a, duplicate, inconsistent-offsets, ...), then
// an invariant violation, then an allowed anomaly.
Focus choose_focus(const ReportInput& in);

// Every op index a witness names (writer, reader, max_read, op, ops, cycle,
// steps[].from/to), ascending, without repeats.
std::vector<std::int64_t> witness_ops(const nlohmann::json& witness);

// A witness value as text: integers in decimal, strings as they are.
std::string value_text(const nlohmann::json& v);

// The position of the op with SPEC index `index`, if the history has one.
std::optional<std::size_t> op_position(const checker::History& h, std::int64_t index);

}  // namespace kafkasim::reports
