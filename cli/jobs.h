// `kafkasim run --jobs J`: runs seeds J at a time, each in its own process
// (this executable, `run SCENARIO --seed N --json ...`), reading each
// child's one JSON line through a pipe. Processes rather than threads: the
// simulator is single-threaded by design, and a crash of one seed (a
// segfault in the model) must not take the sweep down with it.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "harness/result.h"

namespace kafkasim::cli {

struct ChildRun {
  std::uint64_t seed = 0;
  harness::RunResult result;
  std::string line;  // the child's JSON line; empty when it printed none
};

// Runs `seeds`, at most `jobs` at once. Each child gets
// `run <child_args...> --seed N`. `on_done` is called for each seed as it
// completes, in completion order. A child that dies by a signal, or exits
// without a result line, gives a result with a harness error (exit 3) built
// from `scenario_name` and `repro_for(seed)`.
void run_children(const std::vector<std::string>& child_args, const std::vector<std::uint64_t>& seeds,
                  unsigned jobs, const std::string& scenario_name,
                  const std::function<std::string(std::uint64_t)>& repro_for,
                  const std::function<void(ChildRun&)>& on_done);

}  // namespace kafkasim::cli
