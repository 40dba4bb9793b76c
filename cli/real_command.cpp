// kafkasim real SCENARIO.json [--bootstrap HOST:PORT[,...]] [--out DIR] [--json] [--quiet]
// (docs/real-clients.md). Parsing and printing only: the run itself is
// real::run_real.
#include <cstdio>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "cli/options.h"
#include "harness/result.h"
#include "harness/scenario.h"
#include "real-clients/real_run.h"

namespace kafkasim::cli {

int real_command(const Args& args) {
  std::optional<std::string> scenario_path, bootstrap, out;
  bool json = false, quiet = false;
  OptionReader in(args);
  while (!in.done()) {
    in.next();
    const std::string opt = in.name();
    if (!in.is_option()) {
      if (scenario_path) return usage_error("real", "one scenario file only, got " + *scenario_path + " and " + opt);
      scenario_path = opt;
      continue;
    }
    if (opt == "--help" || opt == "-h") {
      print_command_help("real");
      return 0;
    } else if (opt == "--json") {
      json = true;
    } else if (opt == "--quiet" || opt == "-q") {
      quiet = true;
    } else if (opt == "--bootstrap" || opt == "--out") {
      auto v = in.value();
      if (!v || v->empty()) return usage_error("real", opt + " needs a value");
      (opt == "--out" ? out : bootstrap) = *v;
    } else {
      return usage_error("real", "unknown option " + opt);
    }
    if (in.has_unused_value()) return usage_error("real", opt + " takes no value");
  }
  if (!scenario_path) return usage_error("real", "missing SCENARIO.json");

  harness::Scenario scenario;
  try {
    scenario = harness::load_scenario_file(*scenario_path);
  } catch (const harness::ScenarioError& e) {
    std::fprintf(stderr, "kafkasim real: %s\n", e.what());
    return 2;
  }
  real::RealOptions options;
  options.bootstrap = bootstrap;
  options.scenario_path = *scenario_path;
  options.keep_history = out.has_value();
  if (!quiet && !json) {
    std::fprintf(stderr, "kafkasim real: %s with librdkafka against %s (%lld ms, then up to %lld ms of recovery)\n",
                 scenario.name.c_str(), bootstrap ? bootstrap->c_str() : "the embedded mock cluster",
                 static_cast<long long>(scenario.duration_ms), static_cast<long long>(scenario.recovery_ms));
  }
  harness::RunResult r;
  try {
    r = real::run_real(scenario, options);
  } catch (const real::Refused& e) {
    std::fprintf(stderr, "kafkasim real: %s: cannot run:\n  %s\n", scenario_path->c_str(), e.what());
    return 2;
  }
  std::string folder;
  if (out) {
    try {
      folder = harness::write_run_folder(*out, r, &scenario);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "kafkasim real: cannot write the output folder: %s\n", e.what());
      if (!r.harness_error) r.harness_error = harness::HarnessError{"output", e.what()};
    }
  }
  if (json) {
    std::printf("%s\n", harness::to_json(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    return r.exit_code();
  }
  std::printf("%s %s\n", r.scenario.c_str(), harness::describe_outcome(r).c_str());
  std::printf("  real clients (librdkafka %s), %lld ms wall; not reproducible bit for bit\n",
              r.parameters.value("librdkafka_version", std::string()).c_str(), static_cast<long long>(r.stats.wall_ms));
  std::printf("  sent %lld, acked %lld, polled %lld; liveness %s\n", static_cast<long long>(r.stats.sent),
              static_cast<long long>(r.stats.acked), static_cast<long long>(r.stats.polled), r.liveness.c_str());
  std::printf("  %zu fault actions\n", r.fault_log.size());
  if (r.exit_code() != 0 && r.verdict && !r.verdict->anomalies.empty()) {
    std::printf("%s", checker::summary(*r.verdict).c_str());
  }
  std::printf("  repro: %s\n", r.repro.c_str());
  if (!folder.empty()) std::printf("  report: %s/report.txt\n", folder.c_str());
  return r.exit_code();
}

}  // namespace kafkasim::cli
