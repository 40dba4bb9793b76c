// Shared by the report tests: a temporary directory, a hand-made report
// input, and runs of shipped scenarios into output folders.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "harness/result.h"
#include "harness/run.h"
#include "harness/scenario.h"
#include "support/temp_dir.h"

namespace kafkasim::reports::test {

namespace fs = std::filesystem;

using kafkasim::test::slurp;
using kafkasim::test::TempDir;

inline std::string shipped(const std::string& relative) { return std::string(KAFKASIM_SOURCE_DIR) + "/" + relative; }

// Runs `scenario` for `seed` as `kafkasim run --out DIR` does (no trace
// kept, so the report reruns the seed) and returns the folder.
inline std::string run_into_folder(const harness::Scenario& scenario, const std::string& path, std::uint64_t seed,
                                   const std::string& out_dir, harness::RunResult* result = nullptr) {
  harness::RunOptions o;
  o.seed = seed;
  o.scenario_path = path;
  harness::RunResult r = harness::run_scenario(scenario, o);
  const std::string folder = harness::write_run_folder(out_dir, r, &scenario);
  if (result) *result = std::move(r);
  return folder;
}

// Runs a shell command line; returns its stdout. `code` gets the exit status.
inline std::string shell(const std::string& command, int* code) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (!p) throw std::runtime_error("popen failed: " + command);
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = pclose(p);
  *code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
  return out;
}

}  // namespace kafkasim::reports::test
