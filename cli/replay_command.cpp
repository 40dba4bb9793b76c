// kafkasim replay RESULT.json: runs a recorded run again (same scenario,
// seed, bug switches and event budget) and compares trace hashes
// (harness::replay_run). Exit 0 "reproduced HASH"; 3 "nondeterminism: ..."
// naming where the traces part (the first differing event when the run kept
// trace.jsonl, else the checkpoint window); 2 for a bad or missing file.
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "cli/options.h"
#include "harness/bug_names.h"
#include "harness/replay.h"
#include "harness/result.h"
#include "harness/run.h"
#include "harness/scenario.h"

namespace kafkasim::cli {
namespace {

namespace fs = std::filesystem;

int input_error(const std::string& what) {
  std::fprintf(stderr, "kafkasim replay: %s\n", what.c_str());
  return 2;
}

struct Located {
  harness::Scenario scenario;
  std::string path;
};

// The scenario of the recorded run: the file it names, or the canonical copy
// (scenario.json) beside the result, whichever still has the recorded
// fingerprint. Returns nullopt with *error set when neither does.
std::optional<Located> locate(const harness::RunResult& recorded, const std::string& result_path, std::string* error) {
  const std::string fingerprint = recorded.parameters.value("scenario_fingerprint", std::string());
  std::vector<std::string> candidates;
  if (!recorded.scenario_path.empty()) candidates.push_back(recorded.scenario_path);
  candidates.push_back((fs::path(result_path).parent_path() / "scenario.json").string());
  std::string problems;
  for (const std::string& path : candidates) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
      problems += "\n  " + path + ": no such file";
      continue;
    }
    try {
      harness::Scenario s = harness::load_scenario_file(path);
      const std::string now = harness::scenario_fingerprint(s);
      if (fingerprint.empty() || now == fingerprint) return Located{std::move(s), path};
      problems += "\n  " + path + ": changed since the run (fingerprint " + now + ", recorded " + fingerprint + ")";
    } catch (const harness::ScenarioError& e) {
      problems += "\n  " + std::string(e.what());
    }
  }
  *error = "cannot find the scenario of the recorded run:" + problems;
  return std::nullopt;
}

}  // namespace

int replay_command(const Args& args) {
  std::optional<std::string> result_path;
  OptionReader in(args);
  while (!in.done()) {
    in.next();
    if (in.name() == "--help" || in.name() == "-h") {
      print_command_help("replay");
      return 0;
    }
    if (in.is_option()) return usage_error("replay", "unknown option " + in.name());
    if (result_path) return usage_error("replay", "one result file only, got " + *result_path + " and " + in.name());
    result_path = in.name();
  }
  if (!result_path) return usage_error("replay", "missing RESULT.json");

  harness::RunResult recorded;
  try {
    recorded = harness::read_result_file(*result_path);
  } catch (const harness::ResultError& e) {
    return input_error(e.what());
  }
  if (!recorded.parameters.value("reproducible", true)) {
    return input_error(*result_path + ": this result comes from `kafkasim real` (real clients on the wall clock), "
                       "which is not reproducible bit for bit: there is no trace to replay; run `" + recorded.repro +
                       "` again instead");
  }
  if (recorded.trace_hash.empty()) {
    return input_error(*result_path + ": the result has no trace hash to compare (the run never finished" +
                       (recorded.harness_error ? ": " + recorded.harness_error->message : std::string()) + ")");
  }
  for (const std::string& bug : recorded.extra_bugs) {
    if (!harness::find_bug(bug)) return input_error(*result_path + ": extra_bugs: unknown bug \"" + bug + "\"");
  }
  std::string error;
  std::optional<Located> located = locate(recorded, *result_path, &error);
  if (!located) return input_error(error);

  harness::RunOptions options;
  options.seed = recorded.seed;
  options.extra_bugs = recorded.extra_bugs;
  options.scenario_path = recorded.scenario_path.empty() ? located->path : recorded.scenario_path;
  options.event_budget =
      recorded.parameters.value("event_budget", harness::RunOptions::kDefaultEventBudget);
  harness::ReplayReport report;
  try {
    report = harness::replay_run(located->scenario, recorded, options,
                                 (fs::path(*result_path).parent_path() / "trace.jsonl").string());
  } catch (const harness::ResultError& e) {
    return input_error(e.what());
  }
  const harness::RunResult& again = report.again;

  if (report.reproduced) {
    std::printf("reproduced %s\n", again.trace_hash.c_str());
    std::printf("%s %s\n", again.scenario.c_str(), harness::describe_outcome(again).c_str());
    return 0;
  }
  std::string note;
  if (!recorded.version.empty() && recorded.version != KAFKASIM_VERSION) {
    note = " (recorded by kafkasim " + recorded.version + ", replayed by " + KAFKASIM_VERSION +
           ": hashes are only promised within one version)";
  }
  std::fprintf(stderr, "kafkasim replay: nondeterminism: %s seed %llu gave trace hash %s, the recorded run %s; %s%s\n",
               recorded.scenario.c_str(), static_cast<unsigned long long>(recorded.seed), again.trace_hash.c_str(),
               recorded.trace_hash.c_str(), report.where.c_str(), note.c_str());
  if (!report.replayed_window.empty()) {
    std::fprintf(stderr, "the replay's first events in that window:\n");
    for (const auto& e : report.replayed_window) std::fprintf(stderr, "  %s\n", e.dump().c_str());
  }
  return 3;
}

}  // namespace kafkasim::cli
