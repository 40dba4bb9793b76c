#include "harness/shrink.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>

#include "checker/check.h"
#include "harness/atomic_file.h"
#include "harness/scenario_file_json.h"
#include "harness/nemesis.h"
#include "sim/random.h"

namespace kafkasim::harness {
namespace {

using ojson = nlohmann::ordered_json;

constexpr std::string_view kInvariant = "invariant:";
constexpr std::string_view kHarness = "harness:";

bool starts_with(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

bool disallowed(const RunResult& r, const std::string& name, std::int64_t count) {
  return count > 0 && !checker::is_informational(name) &&
         std::find(r.allowed.begin(), r.allowed.end(), name) == r.allowed.end();
}

// A target drawn from the nemesis stream when the fault fires.
bool drawn_when_fired(const std::optional<Target>& t) {
  return t && (std::holds_alternative<RandomBrokerTarget>(*t) || std::holds_alternative<FollowerTarget>(*t));
}

// Runs candidates of one shrink, counting them against the budget.
class Runner {
 public:
  Runner(const ShrinkOptions& options, const std::vector<std::string>& signature, ShrinkResult& out)
      : options_(options), signature_(signature), out_(out) {}

  // Runs `candidate`; true when it shows the signature. With the budget
  // spent it runs nothing and answers false.
  bool reproduces(const Scenario& candidate) {
    if (out_.runs >= options_.max_runs) {
      out_.budget_exhausted = true;
      return false;
    }
    ++out_.runs;
    RunOptions ro;
    ro.seed = options_.seed;
    ro.extra_bugs = options_.extra_bugs;
    ro.event_budget = options_.event_budget;
    ro.keep_history = false;
    RunResult r = run_scenario(candidate, ro);
    const bool ok = shows_signature(r, signature_);
    if (options_.on_run) options_.on_run(r, ok);
    if (ok) {
      out_.minimal = candidate;
      out_.minimal_result = std::move(r);
    }
    return ok;
  }

 private:
  const ShrinkOptions& options_;
  const std::vector<std::string>& signature_;
  ShrinkResult& out_;
};

Scenario with_faults(const Scenario& base, const std::vector<Fault>& all, const std::vector<std::size_t>& keep) {
  Scenario s = base;
  s.faults.clear();
  for (std::size_t i : keep) s.faults.push_back(all[i]);
  return s;
}

// ddmin over indices into `all`: the smallest subset (1-minimal) for which
// `test` holds. REQUIRES: test(items) holds.
std::vector<std::size_t> ddmin(std::vector<std::size_t> items,
                               const std::function<bool(const std::vector<std::size_t>&)>& test) {
  std::size_t n = 2;
  while (items.size() >= 2) {
    const std::size_t chunk = (items.size() + n - 1) / n;
    std::vector<std::vector<std::size_t>> subsets;
    for (std::size_t start = 0; start < items.size(); start += chunk) {
      subsets.emplace_back(items.begin() + static_cast<std::ptrdiff_t>(start),
                           items.begin() + static_cast<std::ptrdiff_t>(std::min(items.size(), start + chunk)));
    }
    bool reduced = false;
    for (const auto& subset : subsets) {
      if (test(subset)) {
        items = subset;
        n = 2;
        reduced = true;
        break;
      }
    }
    if (!reduced && subsets.size() > 2) {
      for (std::size_t i = 0; i < subsets.size() && !reduced; ++i) {
        std::vector<std::size_t> complement;
        for (std::size_t j = 0; j < subsets.size(); ++j) {
          if (j != i) complement.insert(complement.end(), subsets[j].begin(), subsets[j].end());
        }
        if (test(complement)) {
          items = std::move(complement);
          n = std::max<std::size_t>(n - 1, 2);
          reduced = true;
        }
      }
    }
    if (!reduced) {
      if (n >= items.size()) break;
      n = std::min(items.size(), n * 2);
    }
  }
  return items;
}

std::int64_t round_up_to_slice(std::int64_t ms) { return (ms + kSliceMs - 1) / kSliceMs * kSliceMs; }

}  // namespace

std::vector<std::string> failure_signature(const RunResult& r) {
  if (r.harness_error) return {std::string(kHarness) + r.harness_error->outcome};
  // A demonstration that met its expectations: what it demonstrates.
  if (r.expected && !r.expect.anomalies.empty()) return r.expect.anomalies;
  std::vector<std::string> kinds;
  for (const auto& [name, count] : r.anomalies) {
    if (disallowed(r, name, count)) kinds.push_back(name);
  }
  for (const std::string& v : r.invariant_violations) kinds.push_back(std::string(kInvariant) + v);
  if (starts_with(r.liveness, "failed")) kinds.push_back("liveness");
  return kinds;
}

bool shows_signature(const RunResult& r, const std::vector<std::string>& signature) {
  for (const std::string& kind : signature) {
    if (starts_with(kind, kHarness)) {
      if (!r.harness_error || r.harness_error->outcome != kind.substr(kHarness.size())) return false;
      continue;
    }
    if (r.harness_error) return false;
    if (starts_with(kind, kInvariant)) {
      const std::string name = kind.substr(kInvariant.size());
      if (std::find(r.invariant_violations.begin(), r.invariant_violations.end(), name) ==
          r.invariant_violations.end()) {
        return false;
      }
    } else if (kind == "liveness") {
      if (!starts_with(r.liveness, "failed")) return false;
    } else {
      auto it = r.anomalies.find(kind);
      if (it == r.anomalies.end() || it->second == 0) return false;
    }
  }
  return !signature.empty();
}

std::vector<Fault> explicit_faults(const Scenario& scenario, std::uint64_t seed,
                                   const std::vector<FaultLogEntry>& fault_log) {
  std::vector<Fault> faults = scenario.faults;
  // The node each explicit fault hit, from the log (its first injection).
  for (std::size_t i = 0; i < faults.size(); ++i) {
    if (!drawn_when_fired(faults[i].target)) continue;
    const std::string source = "faults[" + std::to_string(i) + "]";
    for (const FaultLogEntry& e : fault_log) {
      if (e.source != source || e.action != "inject") continue;
      if (!e.skipped && e.node.find(',') == std::string::npos) {
        if (auto t = parse_target(e.node)) faults[i].target = *t;
      }
      break;
    }
  }
  if (scenario.nemesis) {
    // The same draw as run_scenario: the "nemesis" stream's first values.
    sim::Prng rng = sim::Prng::stream(seed, "nemesis");
    for (Fault& f : draw_nemesis_schedule(*scenario.nemesis, NemesisPool::of(scenario), scenario.duration_ms, rng)) {
      faults.push_back(std::move(f));
    }
  }
  return faults;
}

std::optional<ShrinkResult> shrink(const Scenario& scenario, const RunResult& failing, const ShrinkOptions& options) {
  ShrinkResult out;
  out.signature = failure_signature(failing);
  if (out.signature.empty()) return std::nullopt;

  const std::vector<Fault> all = explicit_faults(scenario, options.seed, failing.fault_log);
  out.original_faults = all.size();
  Scenario base = scenario;
  base.nemesis.reset();
  base.seed = options.seed;
  base.bugs = effective_bugs(scenario, options.extra_bugs);
  base.description = "Minimal reproduction of scenario " + scenario.name + " with seed " +
                     std::to_string(options.seed) + ", found by kafkasim's shrinker; it keeps: ";
  for (std::size_t i = 0; i < out.signature.size(); ++i) base.description += (i ? ", " : "") + out.signature[i];
  base.description += ".";
  if (scenario.name.size() + 8 <= 100) base.name = scenario.name + "-minimal";

  ShrinkOptions run_options = options;
  run_options.extra_bugs.clear();  // now part of base.bugs
  Runner runner(run_options, out.signature, out);

  std::vector<std::size_t> every(all.size());
  for (std::size_t i = 0; i < all.size(); ++i) every[i] = i;
  out.explicit_scenario = with_faults(base, all, every);
  if (!runner.reproduces(out.explicit_scenario)) {
    out.note = out.budget_exhausted
                   ? "the budget allowed no rerun"
                   : "the failure's faults made explicit (nemesis draws as scenario faults) did not reproduce it";
    return out;
  }
  out.reproduced = true;

  // Faults: nothing at all first (a failure of the workload alone), then ddmin.
  std::map<std::vector<std::size_t>, bool> tried;
  tried[every] = true;
  auto test = [&](const std::vector<std::size_t>& keep) {
    auto it = tried.find(keep);
    if (it != tried.end()) return it->second;
    const bool ok = runner.reproduces(with_faults(base, all, keep));
    if (!out.budget_exhausted || ok) tried[keep] = ok;
    return ok;
  };
  std::vector<std::size_t> kept = every;
  if (!every.empty()) kept = test({}) ? std::vector<std::size_t>{} : ddmin(every, test);
  Scenario best = with_faults(base, all, kept);
  // The runner keeps the last reproducing candidate; make sure it is `best`.
  if (!(out.minimal == best)) {
    out.minimal = best;
    if (!runner.reproduces(best)) {
      // Only possible when the budget ran out: keep what is known to fail.
      out.minimal = out.explicit_scenario;
    }
  }

  // The fault phase: bisect between the last fault's start and its length.
  std::int64_t lo = kSliceMs;
  for (const Fault& f : out.minimal.faults) lo = std::max(lo, f.at_ms);
  lo = round_up_to_slice(lo);
  std::int64_t hi = out.minimal.duration_ms;
  auto with_duration = [&](std::int64_t d) {
    Scenario s = out.minimal;
    s.duration_ms = d;
    return s;
  };
  if (lo < hi && !out.budget_exhausted) {
    if (runner.reproduces(with_duration(lo))) {
      hi = lo;
    } else {
      while (hi - lo > kSliceMs && !out.budget_exhausted) {
        const std::int64_t mid = round_up_to_slice(lo + (hi - lo) / 2);
        if (mid >= hi) break;
        if (runner.reproduces(with_duration(mid))) hi = mid;
        else lo = mid;
      }
    }
  }
  // out.minimal is the last candidate that reproduced: the shortest.
  return out;
}

ojson minimal_scenario_json(const ShrinkResult& result) {
  ojson compact = scenario_file_json(result.minimal);
  // The compact form must say the same as the scenario; should a
  // configuration's inheritance make it differ, the canonical form does not.
  try {
    if (parse_scenario(compact.dump(), "minimal.json") == result.minimal) return compact;
  } catch (const ScenarioError&) {
  }
  return ojson(result.minimal.to_json());
}

std::string describe_shrink(const ShrinkResult& r) {
  std::ostringstream o;
  o << "shrink: keeps ";
  for (std::size_t i = 0; i < r.signature.size(); ++i) o << (i ? ", " : "") << r.signature[i];
  if (!r.reproduced) {
    o << "; " << r.note << " (" << r.runs << (r.runs == 1 ? " run)" : " runs)");
    return o.str();
  }
  o << "; faults " << r.original_faults << " -> " << r.minimal.faults.size() << ", fault phase "
    << r.explicit_scenario.duration_ms << " -> " << r.minimal.duration_ms << " ms; " << r.runs
    << (r.runs == 1 ? " run" : " runs");
  if (r.budget_exhausted) o << " (budget spent: not minimal)";
  return o.str();
}

std::string write_minimal_scenario(const std::string& folder, const ShrinkResult& result) {
  const std::filesystem::path path = std::filesystem::path(folder) / "minimal.json";
  write_file_atomically(path, minimal_scenario_json(result).dump(2) + "\n");
  return path.string();
}

}  // namespace kafkasim::harness
