#include "reports/sweep_record.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "harness/atomic_file.h"
#include "reports/sweep_junit.h"
#include "reports/sweep_summary.h"

namespace kafkasim::reports {
namespace {

using ojson = nlohmann::ordered_json;
namespace fs = std::filesystem;

template <typename T>
T get(const ojson& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) throw std::runtime_error(std::string("missing key \"") + key + "\"");
  try {
    return it->get<T>();
  } catch (const nlohmann::json::exception&) {
    throw std::runtime_error(std::string(key) + ": unexpected value " + it->dump());
  }
}

std::string record_file_name(const SweepRecord& r) {
  std::string shard = r.shard;
  std::replace(shard.begin(), shard.end(), '/', '-');
  const auto dash = shard.find('-');
  if (dash != std::string::npos) shard.replace(dash, 1, "-of-");
  return r.scenario + ".shard-" + shard + ".json";
}

}  // namespace

SweepCase sweep_case(const harness::RunResult& r, std::string folder, std::string minimal) {
  SweepCase c;
  c.seed = r.seed;
  c.exit_code = r.exit_code();
  c.outcome = harness::describe_outcome(r);
  c.kinds = harness::failure_kinds(r);
  c.anomalies = r.anomalies;
  c.invariant_violations = r.invariant_violations;
  c.liveness = r.liveness;
  c.repro = r.repro;
  c.wall_ms = r.stats.wall_ms;
  c.sim_time_ms = r.stats.sim_time_ms;
  c.events = r.stats.events;
  c.folder = std::move(folder);
  c.minimal = std::move(minimal);
  return c;
}

ojson to_json(const SweepRecord& record) {
  ojson cases = ojson::array();
  for (const SweepCase& c : record.cases) {
    ojson anomalies = ojson::object();
    for (const auto& [name, count] : c.anomalies) anomalies[name] = count;
    cases.push_back(ojson{{"seed", c.seed},
                          {"exit_code", c.exit_code},
                          {"outcome", c.outcome},
                          {"kinds", c.kinds},
                          {"anomalies", std::move(anomalies)},
                          {"invariant_violations", c.invariant_violations},
                          {"liveness", c.liveness},
                          {"repro", c.repro},
                          {"wall_ms", c.wall_ms},
                          {"sim_time_ms", c.sim_time_ms},
                          {"events", c.events},
                          {"folder", c.folder},
                          {"minimal", c.minimal}});
  }
  return ojson{{"scenario", record.scenario},     {"scenario_path", record.scenario_path},
               {"seeds", record.seeds},           {"shard", record.shard},
               {"elapsed_ms", record.elapsed_ms}, {"cases", std::move(cases)}};
}

SweepRecord sweep_record_from_json(const ojson& j) {
  SweepRecord r;
  r.scenario = get<std::string>(j, "scenario");
  r.scenario_path = get<std::string>(j, "scenario_path");
  r.seeds = get<std::string>(j, "seeds");
  r.shard = get<std::string>(j, "shard");
  r.elapsed_ms = get<std::int64_t>(j, "elapsed_ms");
  for (const ojson& c : get<ojson>(j, "cases")) {
    SweepCase s;
    s.seed = get<std::uint64_t>(c, "seed");
    s.exit_code = get<int>(c, "exit_code");
    s.outcome = get<std::string>(c, "outcome");
    s.kinds = get<std::vector<std::string>>(c, "kinds");
    s.anomalies = get<std::map<std::string, std::int64_t>>(c, "anomalies");
    s.invariant_violations = get<std::vector<std::string>>(c, "invariant_violations");
    s.liveness = get<std::string>(c, "liveness");
    s.repro = get<std::string>(c, "repro");
    s.wall_ms = get<std::int64_t>(c, "wall_ms");
    s.sim_time_ms = get<std::int64_t>(c, "sim_time_ms");
    s.events = get<std::int64_t>(c, "events");
    s.folder = get<std::string>(c, "folder");
    s.minimal = get<std::string>(c, "minimal");
    r.cases.push_back(std::move(s));
  }
  return r;
}

SweepTally tally(const SweepRecord& record) {
  SweepTally t;
  for (const SweepCase& c : record.cases) {
    if (c.exit_code == 0) ++t.as_expected;
    else if (c.exit_code == 3) ++t.harness_failures;
    else ++t.not_expected;
    for (const std::string& kind : c.kinds) t.failed_by_kind[kind].push_back(c.seed);
    if (!t.slowest || c.wall_ms > t.slowest->wall_ms) t.slowest = &c;
    t.sim_time_ms += c.sim_time_ms;
    t.wall_ms += c.wall_ms;
    t.events += c.events;
  }
  for (auto& [kind, seeds] : t.failed_by_kind) std::sort(seeds.begin(), seeds.end());
  return t;
}

std::vector<std::string> write_sweep_files(const std::string& out_dir, const SweepRecord& record,
                                           std::vector<std::string>* skipped) {
  const fs::path dir(out_dir);
  const fs::path records_dir = dir / ".kafkasim" / "sweeps";
  fs::create_directories(records_dir);
  harness::write_file_atomically(records_dir / record_file_name(record), to_json(record).dump() + "\n");

  // Every record in DIR, in file-name order (scenario, then shard).
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(records_dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<SweepRecord> records;
  for (const fs::path& file : files) {
    try {
      std::ifstream in(file, std::ios::binary);
      records.push_back(sweep_record_from_json(ojson::parse(in)));
    } catch (const std::exception& e) {
      if (skipped) skipped->push_back(file.string() + ": " + e.what());
    }
  }
  const fs::path junit = dir / "junit.xml";
  const fs::path summary = dir / "summary.md";
  harness::write_file_atomically(junit, sweep_junit_xml(records));
  harness::write_file_atomically(summary, sweep_summary_markdown(records));
  return {junit.string(), summary.string()};
}

}  // namespace kafkasim::reports
