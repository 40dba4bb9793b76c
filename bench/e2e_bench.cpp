// End-to-end benchmark: whole runs of a scenario (simulator, Kafka model,
// workload, faults, checker), one seed after another on one thread, the way
// `kafkasim run --seeds A..B` runs them with --jobs 1 and no --out.
//
//   bench_e2e_bench [N] [--scenario PATH] [--first-seed S]
//
// N seeds (default 20) from S (default 1) of PATH (default
// scenarios/replication/leader-failover.json, relative to the source tree).
// Reports simulated seconds per wall second, seeds per minute, scheduler and
// trace events per second, and the peak RSS of the process (getrusage), both
// against the wall clock and against the thread's CPU time (the machines are
// shared: the CPU figure says what one core does).
//
// The checker's share of a run is not reported: RunResult does not time the
// check (see bench/checker_bench.cpp for the checker alone).
//
// Output: a line per seed, a summary, then one "RESULT key=value ..." line
// for bench/run.sh. Exit status 3 if a run fails in the harness.
#include <sys/resource.h>
#include <time.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "harness/run.h"
#include "harness/scenario.h"

using namespace kafkasim;
using Clock = std::chrono::steady_clock;

namespace {

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

[[noreturn]] void usage(const char* argv0) {
  std::fprintf(stderr, "usage: %s [N] [--scenario PATH] [--first-seed S]\n", argv0);
  std::exit(2);
}

bool all_digits(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t seeds = 20;
  std::uint64_t first_seed = 1;
  std::string path = std::string(KAFKASIM_SOURCE_DIR) + "/scenarios/replication/leader-failover.json";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--scenario" && i + 1 < argc) {
      path = argv[++i];
    } else if (a == "--first-seed" && i + 1 < argc && all_digits(argv[i + 1])) {
      first_seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (all_digits(a)) {
      seeds = std::strtoull(a.c_str(), nullptr, 10);
    } else {
      usage(argv[0]);
    }
  }
  if (seeds == 0) usage(argv[0]);

  harness::Scenario scenario;
  try {
    scenario = harness::load_scenario_file(path);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  std::printf("e2e bench: scenario %s (%s), %llu seeds from %llu, one thread\n", scenario.name.c_str(), path.c_str(),
              static_cast<unsigned long long>(seeds), static_cast<unsigned long long>(first_seed));

  double wall = 0, cpu = 0, sim_s = 0;
  std::uint64_t events = 0, trace_events = 0, unexpected = 0, failures = 0;
  double slowest = 0;
  std::uint64_t slowest_seed = first_seed;
  for (std::uint64_t k = 0; k < seeds; ++k) {
    harness::RunOptions options;
    options.seed = first_seed + k;
    options.scenario_path = path;
    options.keep_history = false;  // as `kafkasim run` without --out
    const auto start = Clock::now();
    const double cpu_start = thread_cpu_seconds();
    const harness::RunResult r = harness::run_scenario(scenario, options);
    const double w = std::chrono::duration<double>(Clock::now() - start).count();
    const double c = thread_cpu_seconds() - cpu_start;
    wall += w;
    cpu += c;
    sim_s += static_cast<double>(r.stats.sim_time_ms) / 1e3;
    events += static_cast<std::uint64_t>(r.stats.events);
    trace_events += static_cast<std::uint64_t>(r.stats.trace_events);
    if (r.harness_error) ++failures;
    if (!r.expected) ++unexpected;
    if (w > slowest) {
      slowest = w;
      slowest_seed = options.seed;
    }
    std::printf("  seed %llu: %s, %lld events, %lld ms simulated, %.0f ms wall (%.0f ms CPU), hash %s%s\n",
                static_cast<unsigned long long>(options.seed), r.expected ? "as expected" : "NOT as expected",
                static_cast<long long>(r.stats.events), static_cast<long long>(r.stats.sim_time_ms), w * 1e3, c * 1e3,
                r.trace_hash.c_str(), r.harness_error ? (" harness error: " + r.harness_error->message).c_str() : "");
  }

  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  const double rss_mib = static_cast<double>(ru.ru_maxrss) / 1024.0;
  const double n = static_cast<double>(seeds);
  std::printf("  %llu seeds: %llu not as expected, %llu harness failures\n", static_cast<unsigned long long>(seeds),
              static_cast<unsigned long long>(unexpected), static_cast<unsigned long long>(failures));
  std::printf("  simulated s per wall s: %.1f (per CPU s: %.1f)\n", sim_s / wall, sim_s / cpu);
  std::printf("  seeds per minute:       %.1f (per CPU minute: %.1f); mean %.0f ms wall per seed, slowest seed %llu "
              "(%.0f ms)\n",
              60 * n / wall, 60 * n / cpu, 1e3 * wall / n, static_cast<unsigned long long>(slowest_seed),
              slowest * 1e3);
  std::printf("  scheduler events per s: %.2f M (per CPU s: %.2f M); trace events per s: %.2f M\n",
              static_cast<double>(events) / wall / 1e6, static_cast<double>(events) / cpu / 1e6,
              static_cast<double>(trace_events) / wall / 1e6);
  std::printf("  peak RSS: %.1f MiB\n", rss_mib);
  std::printf("  checker share: not measured (RunResult does not time the check)\n");
  std::printf("RESULT scenario=%s seeds=%llu unexpected=%llu harness_failures=%llu sim_s=%.1f wall_s=%.3f cpu_s=%.3f "
              "sim_s_per_wall_s=%.1f sim_s_per_cpu_s=%.1f seeds_per_min=%.1f seeds_per_cpu_min=%.1f "
              "events=%llu events_per_s=%.0f events_per_cpu_s=%.0f trace_events_per_s=%.0f rss_mib=%.1f\n",
              scenario.name.c_str(), static_cast<unsigned long long>(seeds),
              static_cast<unsigned long long>(unexpected), static_cast<unsigned long long>(failures), sim_s, wall, cpu,
              sim_s / wall, sim_s / cpu, 60 * n / wall, 60 * n / cpu, static_cast<unsigned long long>(events),
              static_cast<double>(events) / wall, static_cast<double>(events) / cpu,
              static_cast<double>(trace_events) / wall, rss_mib);
  return failures > 0 ? 3 : 0;
}
