// kafkasim run SCENARIO.json [--seed N | --seeds A..B] [--jobs J] [--shard K/N]
//                            [--bug NAME]... [--out DIR] [--json] [--quiet]
//                            [--event-budget N] [--trace none|events|all]
//                            [--shrink | --no-shrink] [--shrink-budget N]
// (SPEC.md §1, docs/cli.md). Parsing and printing only: the run itself is
// harness::run_scenario.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/jobs.h"
#include "cli/options.h"
#include "cli/progress.h"
#include "harness/bug_names.h"
#include "harness/result.h"
#include "harness/run.h"
#include "harness/scenario.h"
#include "harness/seed_range.h"
#include "harness/shrink.h"
#include "reports/sweep_record.h"

namespace kafkasim::cli {
namespace {

struct RunArgs {
  std::string scenario_path;
  std::optional<std::uint64_t> seed;
  std::optional<harness::SeedRange> seeds;
  unsigned jobs = 1;
  harness::Shard shard;
  std::vector<std::string> bugs;
  std::optional<std::string> out;
  bool out_failed_only = false;  // internal: --jobs children write failed seeds only
  bool json = false;
  bool quiet = false;
  std::uint64_t event_budget = harness::RunOptions::kDefaultEventBudget;
  sim::RecordLevel record = sim::RecordLevel::kNone;
  std::string record_name = "none";
  // Shrinking (docs/shrinking.md) of the seeds whose folder is written:
  // by default only a single --seed that did not meet expectations.
  enum class Shrink { kDefault, kOn, kOff } shrink = Shrink::kDefault;
  std::uint64_t shrink_budget = 100;
};

std::string known_bugs() {
  std::string s;
  for (const harness::BugInfo& b : harness::known_bug_names()) s += (s.empty() ? "" : ", ") + std::string(b.name);
  return s;
}

// Fills `a`; returns an error message, or "" when the arguments are good.
std::string parse(const Args& args, RunArgs& a, bool* help) {
  OptionReader in(args);
  std::vector<std::string> operands;
  while (!in.done()) {
    in.next();
    const std::string opt = in.name();
    if (!in.is_option()) {
      operands.push_back(opt);
      continue;
    }
    auto need = [&](std::string* v) -> std::string {
      auto value = in.value();
      if (!value) return opt + " needs a value";
      *v = *value;
      return "";
    };
    std::string v, why;
    if (opt == "--help" || opt == "-h") {
      *help = true;
      return "";
    } else if (opt == "--json") {
      a.json = true;
    } else if (opt == "--quiet" || opt == "-q") {
      a.quiet = true;
    } else if (opt == "--out-failed-only") {
      a.out_failed_only = true;
    } else if (opt == "--shrink") {
      a.shrink = RunArgs::Shrink::kOn;
    } else if (opt == "--no-shrink") {
      a.shrink = RunArgs::Shrink::kOff;
    } else if (opt == "--shrink-budget") {
      if (auto e = need(&v); !e.empty()) return e;
      auto b = harness::parse_seed(v, &why);
      if (!b || *b == 0 || *b > 100000) return "--shrink-budget: expected a number of runs from 1 to 100000, got \"" + v + "\"";
      a.shrink_budget = *b;
    } else if (opt == "--seed") {
      if (auto e = need(&v); !e.empty()) return e;
      if (a.seed) return "--seed given twice";
      auto s = harness::parse_seed(v, &why);
      if (!s) return "--seed: " + why;
      a.seed = s;
    } else if (opt == "--seeds") {
      if (auto e = need(&v); !e.empty()) return e;
      if (a.seeds) return "--seeds given twice";
      a.seeds = harness::parse_seed_range(v, &why);
      if (!a.seeds) return "--seeds: " + why;
    } else if (opt == "--shard") {
      if (auto e = need(&v); !e.empty()) return e;
      auto s = harness::parse_shard(v, &why);
      if (!s) return "--shard: " + why;
      a.shard = *s;
    } else if (opt == "--jobs" || opt == "-j") {
      if (auto e = need(&v); !e.empty()) return e;
      auto j = harness::parse_seed(v, &why);
      if (!j || *j < 1 || *j > 1024) return "--jobs: expected a number from 1 to 1024, got \"" + v + "\"";
      a.jobs = static_cast<unsigned>(*j);
    } else if (opt == "--bug") {
      if (auto e = need(&v); !e.empty()) return e;
      if (!harness::find_bug(v)) return "--bug: unknown bug \"" + v + "\" (known: " + known_bugs() + ")";
      a.bugs.push_back(v);
    } else if (opt == "--out") {
      if (auto e = need(&v); !e.empty()) return e;
      if (v.empty()) return "--out needs a directory";
      a.out = v;
    } else if (opt == "--event-budget") {
      if (auto e = need(&v); !e.empty()) return e;
      auto b = harness::parse_seed(v, &why);
      if (!b || *b == 0) return "--event-budget: expected a positive number of events, got \"" + v + "\"";
      a.event_budget = *b;
    } else if (opt == "--trace") {
      if (auto e = need(&v); !e.empty()) return e;
      if (v == "none") a.record = sim::RecordLevel::kNone;
      else if (v == "events") a.record = sim::RecordLevel::kEvents;
      else if (v == "all") a.record = sim::RecordLevel::kAll;
      else return "--trace: expected none, events or all, got \"" + v + "\"";
      a.record_name = v;
    } else {
      return "unknown option " + opt;
    }
    if (in.has_unused_value()) return opt + " takes no value";
  }
  if (operands.empty()) return "missing SCENARIO.json";
  if (operands.size() > 1) return "one scenario file only, got " + operands[0] + " and " + operands[1];
  a.scenario_path = operands[0];
  if (a.seed && a.seeds) return "give --seed or --seeds, not both";
  return "";
}

// Arguments for a --jobs child, which runs one seed (added by run_children).
std::vector<std::string> child_args(const RunArgs& a) {
  std::vector<std::string> args{"run", a.scenario_path, "--json", "--quiet", "--event-budget",
                                std::to_string(a.event_budget), "--trace", a.record_name};
  for (const std::string& b : a.bugs) {
    args.push_back("--bug");
    args.push_back(b);
  }
  if (a.out) {
    args.push_back("--out");
    args.push_back(*a.out);
    args.push_back("--out-failed-only");
    // A child runs one seed; the sweep's default is not to shrink.
    args.push_back(a.shrink == RunArgs::Shrink::kOn ? "--shrink" : "--no-shrink");
    args.push_back("--shrink-budget");
    args.push_back(std::to_string(a.shrink_budget));
  }
  return args;
}

// What happens to each finished seed: its JSON line, its output folder,
// the progress line, the tally.
class Sink {
 public:
  Sink(const RunArgs& a, const harness::Scenario& scenario, bool single, std::size_t total)
      : a_(a), scenario_(scenario), single_(single), progress_(total, a.quiet || single) {
    // A sweep with --out leaves DIR/junit.xml and DIR/summary.md (not a
    // --jobs child: its parent writes them).
    if (a.seeds && a.out && !a.out_failed_only) {
      sweep_.emplace();
      sweep_->scenario = scenario.name;
      sweep_->scenario_path = a.scenario_path;
      sweep_->seeds = std::to_string(a.seeds->first) + ".." + std::to_string(a.seeds->last);
      sweep_->shard = std::to_string(a.shard.index) + "/" + std::to_string(a.shard.count);
    }
  }

  void accept(harness::RunResult& r, const std::string& json_line, bool write_folder) {
    std::string folder;
    std::optional<harness::ShrinkResult> shrunk;
    if (write_folder && a_.out && (r.exit_code() != 0 || (single_ && !a_.out_failed_only))) {
      try {
        // Shrunk before the folder is written, so that its report can show
        // the minimal schedule (harness::minimal_scenario_json(*shrunk))
        // beside the original one.
        if (wants_shrink(r)) shrunk = shrink(r);
        if (shrunk && shrunk->reproduced) r.minimal_scenario = harness::minimal_scenario_json(*shrunk);
        folder = harness::write_run_folder(*a_.out, r, &scenario_);
        folders_.push_back(folder);
        if (shrunk && shrunk->reproduced) minimal_ = harness::write_minimal_scenario(folder, *shrunk);
      } catch (const std::exception& e) {
        // A result that cannot be saved is a harness failure (resource limit).
        std::fprintf(stderr, "kafkasim run: cannot write the output folder for seed %llu: %s\n",
                     static_cast<unsigned long long>(r.seed), e.what());
        if (!r.harness_error) r.harness_error = harness::HarnessError{"output", e.what()};
      }
    }
    if (a_.json) {
      std::string line = json_line.empty()
                             ? harness::to_json(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                             : json_line;
      std::fprintf(stdout, "%s\n", line.c_str());
      std::fflush(stdout);
    } else if (single_) {
      print_single(r, folder, shrunk);
    } else if (r.exit_code() != 0) {
      std::printf("%s\n  repro: %s\n", harness::describe_outcome(r).c_str(), r.repro.c_str());
      std::fflush(stdout);
    }
    progress_.done(r);
    summary_.add(r);
    if (sweep_) {
      if (!write_folder && r.exit_code() != 0) {
        // A --jobs child wrote the folder of its failed seed.
        const std::filesystem::path written = std::filesystem::path(*a_.out) / r.scenario / ("seed-" + std::to_string(r.seed));
        std::error_code ec;
        if (std::filesystem::is_directory(written, ec)) folder = written.string();
      }
      std::string minimal;
      std::error_code ec;
      if (!folder.empty() && std::filesystem::is_regular_file(std::filesystem::path(folder) / "minimal.json", ec)) {
        minimal = (std::filesystem::path(folder) / "minimal.json").string();
      }
      sweep_->cases.push_back(reports::sweep_case(r, folder, minimal));
    }
  }

  int finish() {
    progress_.finish();
    int code = summary_.exit_code();
    std::string sweep_files;
    if (sweep_) {
      sweep_->elapsed_ms = progress_.elapsed_ms();
      std::stable_sort(sweep_->cases.begin(), sweep_->cases.end(),
                       [](const reports::SweepCase& x, const reports::SweepCase& y) { return x.seed < y.seed; });
      try {
        std::vector<std::string> skipped;
        const std::vector<std::string> files = reports::write_sweep_files(*a_.out, *sweep_, &skipped);
        for (const std::string& s : skipped) std::fprintf(stderr, "kafkasim run: left out of the sweep files: %s\n", s.c_str());
        sweep_files = "junit: " + files[0] + "\nsummary: " + files[1] + "\n";
      } catch (const std::exception& e) {
        std::fprintf(stderr, "kafkasim run: cannot write the sweep's junit.xml and summary.md: %s\n", e.what());
        code = 3;
      }
    }
    if (!a_.quiet && !single_) {
      std::string text = summary_.text(scenario_.name, progress_.elapsed_ms());
      if (a_.out) {
        if (!folders_.empty()) {
          text += "reports: " + folders_.front() + (folders_.size() > 1 ? " and " + std::to_string(folders_.size() - 1) + " more" : "") + "\n";
        } else if (summary_.exit_code() != 0) {
          text += "reports: " + *a_.out + "/" + scenario_.name + "/\n";
        }
      }
      std::fputs((text + sweep_files).c_str(), stderr);
    }
    return code;
  }

 private:
  // Shrink when asked to, or by default for a single seed that did not meet
  // expectations; never for a harness failure unless asked (its reruns may
  // each run to the event budget).
  bool wants_shrink(const harness::RunResult& r) const {
    if (a_.shrink == RunArgs::Shrink::kOff) return false;
    if (a_.shrink == RunArgs::Shrink::kDefault && !(single_ && r.exit_code() == 1)) return false;
    return !harness::failure_signature(r).empty();
  }

  std::optional<harness::ShrinkResult> shrink(const harness::RunResult& r) {
    harness::ShrinkOptions so;
    so.seed = r.seed;
    so.extra_bugs = a_.bugs;
    so.event_budget = a_.event_budget;
    so.max_runs = static_cast<std::size_t>(a_.shrink_budget);
    const bool talk = single_ && !a_.quiet && !a_.json;
    std::size_t n = 0;
    if (talk) {
      std::fprintf(stderr, "shrinking seed %llu (at most %llu runs)\n", static_cast<unsigned long long>(r.seed),
                   static_cast<unsigned long long>(a_.shrink_budget));
      so.on_run = [&n](const harness::RunResult& run, bool reproduced) {
        std::fprintf(stderr, "  shrink run %zu: %s\n", ++n, reproduced ? "fails the same way" : "does not");
      };
    }
    auto result = harness::shrink(scenario_, r, so);
    if (result && talk) std::fprintf(stderr, "%s\n", harness::describe_shrink(*result).c_str());
    return result;
  }

  void print_single(const harness::RunResult& r, const std::string& folder,
                    const std::optional<harness::ShrinkResult>& shrunk) {
    std::printf("%s %s\n", r.scenario.c_str(), harness::describe_outcome(r).c_str());
    std::printf("  trace %s, %lld events, %lld ms simulated, %lld ms wall\n", r.trace_hash.c_str(),
                static_cast<long long>(r.stats.events), static_cast<long long>(r.stats.sim_time_ms),
                static_cast<long long>(r.stats.wall_ms));
    std::printf("  sent %lld, acked %lld, polled %lld; liveness %s\n", static_cast<long long>(r.stats.sent),
                static_cast<long long>(r.stats.acked), static_cast<long long>(r.stats.polled), r.liveness.c_str());
    if (r.stats.redelivered > 0) {
      std::printf("  redelivered %lld (records the consumer group polled again)\n",
                  static_cast<long long>(r.stats.redelivered));
    }
    std::size_t skipped = 0;
    for (const auto& e : r.fault_log) skipped += e.skipped ? 1 : 0;
    std::printf("  %zu fault actions (%zu skipped)\n", r.fault_log.size(), skipped);
    // The checker's witnesses when the run surprised; report.txt always has them.
    if (r.exit_code() != 0 && r.verdict && !r.verdict->anomalies.empty()) {
      std::printf("%s", checker::summary(*r.verdict).c_str());
    }
    std::printf("  repro: %s\n", r.repro.c_str());
    if (!folder.empty()) std::printf("  report: %s/report.html\n", folder.c_str());
    if (shrunk) std::printf("  %s\n", harness::describe_shrink(*shrunk).c_str());
    if (!minimal_.empty()) std::printf("  minimal: %s\n", minimal_.c_str());
    std::fflush(stdout);
  }

  const RunArgs& a_;
  const harness::Scenario& scenario_;
  bool single_;
  Progress progress_;
  harness::SweepSummary summary_;
  std::vector<std::string> folders_;
  std::string minimal_;  // the last minimal.json written
  std::optional<reports::SweepRecord> sweep_;
};

}  // namespace

int run_command(const Args& args) {
  RunArgs a;
  bool help = false;
  if (std::string error = parse(args, a, &help); !error.empty()) return usage_error("run", error);
  if (help) {
    print_command_help("run");
    return 0;
  }

  // Nothing is written anywhere before the scenario is known to be good.
  harness::Scenario scenario;
  try {
    scenario = harness::load_scenario_file(a.scenario_path);
  } catch (const harness::ScenarioError& e) {
    std::fprintf(stderr, "kafkasim run: %s\n", e.what());
    return 2;
  }
  if (auto why = harness::unsupported_by_simulator(scenario)) {
    std::fprintf(stderr, "kafkasim run: %s: %s\n", a.scenario_path.c_str(), why->c_str());
    return 2;
  }

  // One seed (--seed, or the scenario's): its folder is always written.
  const bool single = !a.seeds;
  const harness::SeedRange range = a.seeds ? *a.seeds : harness::SeedRange{a.seed.value_or(scenario.seed), a.seed.value_or(scenario.seed)};
  std::vector<std::uint64_t> seeds;
  try {
    seeds = harness::shard_seeds(range, a.shard);
  } catch (const std::length_error& e) {
    return usage_error("run", std::string("--seeds: ") + e.what() + "; split it with --shard");
  }
  if (seeds.empty()) {
    if (!a.quiet) {
      std::fprintf(stderr, "kafkasim run: shard %llu/%llu of the seeds holds none of them; nothing to run\n",
                   static_cast<unsigned long long>(a.shard.index), static_cast<unsigned long long>(a.shard.count));
    }
    return 0;
  }

  Sink sink(a, scenario, single && seeds.size() == 1, seeds.size());
  if (a.jobs > 1 && seeds.size() > 1) {
    run_children(
        child_args(a), seeds, a.jobs, scenario.name,
        [&](std::uint64_t seed) { return harness::repro_line(a.scenario_path, seed, a.bugs); },
        [&](ChildRun& done) { sink.accept(done.result, done.line, /*write_folder=*/done.line.empty()); });
    return sink.finish();
  }

  for (std::uint64_t seed : seeds) {
    harness::RunOptions options;
    options.seed = seed;
    options.extra_bugs = a.bugs;
    options.record = a.record;
    options.event_budget = a.event_budget;
    options.scenario_path = a.scenario_path;
    options.keep_history = a.out.has_value();
    if (seeds.size() == 1 && !a.json && !a.quiet) {
      // The seed and everything drawn from it come first (TigerBeetle's
      // habit), so that a run that hangs has already said what it does.
      options.on_parameters = [](const nlohmann::ordered_json& p) {
        std::fprintf(stderr, "parameters: %s\n", p.dump().c_str());
      };
    }
    // Wall time is measured here, at the edge, never inside the simulated
    // world: the run's result must not depend on how fast the machine is.
    const auto start = std::chrono::steady_clock::now();
    harness::RunResult r = harness::run_scenario(scenario, options);
    r.stats.wall_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
    sink.accept(r, "", /*write_folder=*/true);
  }
  return sink.finish();
}

}  // namespace kafkasim::cli
