// `kafkasim real`: a scenario's queue workload run by real librdkafka
// clients against librdkafka's embedded mock cluster (the default) or a
// real Kafka-compatible cluster (--bootstrap), its history checked by the
// same checker and judged against the scenario's expect block as a
// simulated run is (harness/judge.h). docs/real-clients.md.
//
// Wall-clock time and real threads: a run is not reproducible bit for bit.
// The result says so (parameters.reproducible = false, no trace hash), and
// `kafkasim replay` refuses it.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/result.h"
#include "harness/scenario.h"

namespace kafkasim::real {

struct RealOptions {
  // HOST:PORT[,...] of a real cluster; nullopt: the embedded mock cluster.
  std::optional<std::string> bootstrap;
  std::string scenario_path;  // as the user named it, for the repro line
  bool keep_history = true;
};

// What the run cannot do with this scenario and target: bad input (exit
// status 2). what() lists every problem, one a line, each naming its JSON path.
class Refused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Every reason `s` cannot run with `options` (empty: it can).
std::vector<std::string> refusals(const harness::Scenario& s, const RealOptions& options);

// Throws Refused (refusals(), or a client setting librdkafka refuses)
// before starting anything; a failure during the run is the result's
// harness_error.
harness::RunResult run_real(const harness::Scenario& s, const RealOptions& options);

// "kafkasim real PATH [--bootstrap B]".
std::string real_repro_line(const std::string& scenario_path, const std::optional<std::string>& bootstrap);

}  // namespace kafkasim::real
