#include "harness/result.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/run_report.h"
#include "sim/random.h"

namespace kafkasim::harness {
namespace {

using ojson = nlohmann::ordered_json;
namespace fs = std::filesystem;

std::uint64_t parse_hex64(const std::string& s) {
  if (s.size() != 16 || s.find_first_not_of("0123456789abcdef") != std::string::npos) {
    throw ResultError("checkpoints.hashes: expected 16 hex digits, got \"" + s + "\"");
  }
  return std::stoull(s, nullptr, 16);
}

ojson optional_int(const std::optional<std::int64_t>& v) { return v ? ojson(*v) : ojson(nullptr); }

// Reads key `key` of object `j` as T, naming the path in the error.
template <typename T>
T get(const ojson& j, const char* key, const std::string& where = "") {
  const std::string path = where.empty() ? key : where + "." + key;
  auto it = j.find(key);
  if (it == j.end()) throw ResultError("missing key \"" + path + "\"");
  try {
    return it->get<T>();
  } catch (const nlohmann::json::exception&) {
    throw ResultError(path + ": unexpected value " + it->dump());
  }
}

template <typename T>
T get_or(const ojson& j, const char* key, T fallback, const std::string& where = "") {
  if (!j.contains(key) || j.at(key).is_null()) return fallback;
  return get<T>(j, key, where);
}

std::optional<std::int64_t> get_optional_int(const ojson& j, const char* key, const std::string& where) {
  if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
  return get<std::int64_t>(j, key, where);
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::string report_text(const RunResult& r) {
  std::ostringstream o;
  o << "kafkasim " << r.version << " run of " << r.scenario << ", seed " << r.seed << "\n";
  o << "outcome: " << describe_outcome(r) << "\n";
  o << "repro:   " << r.repro << "\n";
  o << "trace:   " << r.trace_hash << "\n";
  o << "bugs:    ";
  for (std::size_t i = 0; i < r.bugs.size(); ++i) o << (i ? ", " : "") << r.bugs[i];
  o << (r.bugs.empty() ? "none\n" : "\n");
  o << "stats:   " << r.stats.events << " events, " << r.stats.sim_time_ms << " ms simulated, sent "
    << r.stats.sent << ", acked " << r.stats.acked << ", polled " << r.stats.polled;
  if (r.stats.redelivered > 0) o << ", redelivered " << r.stats.redelivered;
  o << "\n";
  o << "liveness: " << r.liveness << "\n";
  if (r.harness_error) o << "harness error (" << r.harness_error->outcome << "): " << r.harness_error->message << "\n";
  if (!r.invariant_violations.empty()) {
    o << "invariant violations:";
    for (const auto& v : r.invariant_violations) o << " " << v;
    o << "\n";
  }
  o << "\nparameters:\n" << r.parameters.dump(2) << "\n";
  o << "\nfault log:\n";
  if (r.fault_log.empty()) o << "  (no faults)\n";
  for (const FaultLogEntry& e : r.fault_log) {
    o << "  " << e.time_ms << " ms  " << e.source << "  " << e.action;
    if (!e.kind.empty()) o << " " << e.kind;
    if (!e.target.empty()) o << " " << e.target;
    if (!e.node.empty()) o << " -> " << e.node;
    if (e.skipped) o << "  SKIPPED";
    if (!e.note.empty()) o << "  (" << e.note << ")";
    o << "\n";
  }
  if (r.verdict) o << "\nchecker:\n" << checker::summary(*r.verdict);
  return o.str();
}

}  // namespace

ojson trace_event_json(const sim::TraceEvent& e) {
  ojson line{{"index", e.index}, {"time_ns", e.time}, {"kind", sim::event_kind_name(e.kind)},
             {"node", e.node},   {"a", e.a},          {"b", e.b}};
  if (!e.text.empty()) line["text"] = e.text;
  return line;
}

TraceCheckpoints compact_checkpoints(const std::vector<std::pair<std::uint64_t, std::uint64_t>>& checkpoints,
                                     std::size_t max_entries) {
  TraceCheckpoints out;
  if (checkpoints.empty() || max_entries == 0) return out;
  std::size_t stride = 1;
  while (checkpoints.size() / stride > max_entries) stride *= 2;
  out.every = checkpoints.front().first * stride;
  for (std::size_t i = stride - 1; i < checkpoints.size(); i += stride) out.hashes.push_back(checkpoints[i].second);
  return out;
}

std::optional<std::pair<std::uint64_t, std::uint64_t>> first_divergence(const TraceCheckpoints& a,
                                                                          const TraceCheckpoints& b) {
  if (a.every == 0 || b.every == 0) return std::nullopt;
  // Compare at the coarser spacing; both are 4096 * 2^k, so one divides the other.
  const std::uint64_t every = std::max(a.every, b.every);
  auto at = [every](const TraceCheckpoints& c, std::size_t k) -> std::optional<std::uint64_t> {
    const std::uint64_t events = (k + 1) * every;
    if (events % c.every != 0) return std::nullopt;
    const std::uint64_t index = events / c.every - 1;
    if (index >= c.hashes.size()) return std::nullopt;
    return c.hashes[index];
  };
  std::uint64_t last_agreed = 0;
  for (std::size_t k = 0;; ++k) {
    auto ha = at(a, k);
    auto hb = at(b, k);
    if (!ha || !hb) {
      // One trace has no more checkpoints: they part after the last agreement
      // if the other goes on.
      if (ha.has_value() != hb.has_value()) return std::make_pair(last_agreed, (k + 1) * every);
      return std::nullopt;
    }
    if (*ha != *hb) return std::make_pair(last_agreed, (k + 1) * every);
    last_agreed = (k + 1) * every;
  }
}

ojson to_json(const RunResult& r) {
  ojson anomalies = ojson::object();
  for (const auto& [name, count] : r.anomalies) anomalies[name] = count;
  ojson expect{{"valid", r.expect.valid}, {"anomalies", r.expect.anomalies}, {"allow", r.expect.allow}};
  ojson hashes = ojson::array();
  for (std::uint64_t h : r.checkpoints.hashes) hashes.push_back(sim::to_hex64(h));
  ojson fault_log = ojson::array();
  for (const FaultLogEntry& e : r.fault_log) fault_log.push_back(to_json(e));
  ojson j;
  j["scenario"] = r.scenario;
  j["seed"] = r.seed;
  j["bugs"] = r.bugs;
  j["valid"] = r.valid;
  j["expected"] = r.expected;
  j["anomalies"] = std::move(anomalies);
  j["invariant_violations"] = r.invariant_violations;
  j["liveness"] = r.liveness;
  j["stats"] = ojson{{"events", r.stats.events},   {"trace_events", r.stats.trace_events},
                     {"sim_time_ms", r.stats.sim_time_ms}, {"wall_ms", r.stats.wall_ms},
                     {"sent", r.stats.sent},       {"acked", r.stats.acked},
                     {"polled", r.stats.polled},   {"redelivered", r.stats.redelivered}};
  j["trace_hash"] = r.trace_hash;
  j["repro"] = r.repro;
  j["version"] = r.version;
  j["scenario_path"] = r.scenario_path;
  j["extra_bugs"] = r.extra_bugs;
  j["allowed"] = r.allowed;
  j["expect"] = std::move(expect);
  j["liveness_detail"] = ojson{{"final_reads_finished", r.liveness_detail.final_reads_finished},
                               {"final_reads_ms", optional_int(r.liveness_detail.final_reads_ms)},
                               {"recovery_ms", r.liveness_detail.recovery_ms},
                               {"stopped_at_ms", optional_int(r.liveness_detail.stopped_at_ms)}};
  j["harness_error"] = r.harness_error ? ojson{{"outcome", r.harness_error->outcome},
                                                {"message", r.harness_error->message}}
                                       : ojson(nullptr);
  j["unseed"] = r.unseed;
  j["checkpoints"] = ojson{{"every", r.checkpoints.every}, {"hashes", std::move(hashes)}};
  j["parameters"] = r.parameters;
  j["fault_log"] = std::move(fault_log);
  if (!r.figures.is_null()) j["figures"] = r.figures;
  return j;
}

RunResult result_from_json(const ojson& j) {
  if (!j.is_object()) throw ResultError("expected a JSON object, got " + std::string(j.type_name()));
  RunResult r;
  r.scenario = get<std::string>(j, "scenario");
  r.seed = get<std::uint64_t>(j, "seed");
  r.bugs = get<std::vector<std::string>>(j, "bugs");
  r.valid = get<bool>(j, "valid");
  r.expected = get<bool>(j, "expected");
  r.anomalies = get<std::map<std::string, std::int64_t>>(j, "anomalies");
  r.invariant_violations = get<std::vector<std::string>>(j, "invariant_violations");
  r.liveness = get<std::string>(j, "liveness");
  const ojson& stats = get<ojson>(j, "stats");
  r.stats.events = get<std::int64_t>(stats, "events", "stats");
  r.stats.trace_events = get_or<std::int64_t>(stats, "trace_events", 0, "stats");
  r.stats.sim_time_ms = get<std::int64_t>(stats, "sim_time_ms", "stats");
  r.stats.wall_ms = get<std::int64_t>(stats, "wall_ms", "stats");
  r.stats.sent = get<std::int64_t>(stats, "sent", "stats");
  r.stats.acked = get<std::int64_t>(stats, "acked", "stats");
  r.stats.polled = get<std::int64_t>(stats, "polled", "stats");
  r.stats.redelivered = get_or<std::int64_t>(stats, "redelivered", 0, "stats");
  r.trace_hash = get<std::string>(j, "trace_hash");
  r.repro = get<std::string>(j, "repro");
  r.version = get_or<std::string>(j, "version", "");
  r.scenario_path = get_or<std::string>(j, "scenario_path", "");
  r.extra_bugs = get_or<std::vector<std::string>>(j, "extra_bugs", {});
  r.allowed = get_or<std::vector<std::string>>(j, "allowed", {});
  if (j.contains("expect") && j.at("expect").is_object()) {
    const ojson& e = j.at("expect");
    r.expect.valid = get_or<bool>(e, "valid", true, "expect");
    r.expect.anomalies = get_or<std::vector<std::string>>(e, "anomalies", {}, "expect");
    r.expect.allow = get_or<std::vector<std::string>>(e, "allow", {}, "expect");
  }
  if (j.contains("liveness_detail") && j.at("liveness_detail").is_object()) {
    const ojson& l = j.at("liveness_detail");
    r.liveness_detail.final_reads_finished = get_or<bool>(l, "final_reads_finished", false, "liveness_detail");
    r.liveness_detail.final_reads_ms = get_optional_int(l, "final_reads_ms", "liveness_detail");
    r.liveness_detail.recovery_ms = get_or<std::int64_t>(l, "recovery_ms", 0, "liveness_detail");
    r.liveness_detail.stopped_at_ms = get_optional_int(l, "stopped_at_ms", "liveness_detail");
  }
  if (j.contains("harness_error") && !j.at("harness_error").is_null()) {
    const ojson& h = get<ojson>(j, "harness_error");
    r.harness_error = HarnessError{get<std::string>(h, "outcome", "harness_error"),
                                   get<std::string>(h, "message", "harness_error")};
  }
  r.unseed = get_or<std::string>(j, "unseed", "");
  if (j.contains("checkpoints") && j.at("checkpoints").is_object()) {
    const ojson& c = j.at("checkpoints");
    r.checkpoints.every = get<std::uint64_t>(c, "every", "checkpoints");
    for (const std::string& h : get<std::vector<std::string>>(c, "hashes", "checkpoints")) {
      r.checkpoints.hashes.push_back(parse_hex64(h));
    }
  }
  if (j.contains("parameters")) r.parameters = j.at("parameters");
  if (j.contains("fault_log")) {
    for (const ojson& e : get<ojson>(j, "fault_log")) r.fault_log.push_back(fault_log_entry_from_json(e));
  }
  if (j.contains("figures")) r.figures = j.at("figures");
  return r;
}

RunResult read_result_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ResultError(path + ": cannot open the file");
  std::ostringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  // `run --json` output holds one object per line; take the first.
  const auto first_nonblank = s.find_first_not_of(" \t\r\n");
  if (first_nonblank == std::string::npos) throw ResultError(path + ": the file is empty");
  ojson j;
  try {
    j = ojson::parse(s);
  } catch (const nlohmann::json::parse_error& e) {
    const auto end = s.find('\n', first_nonblank);
    try {
      j = ojson::parse(s.substr(first_nonblank, end == std::string::npos ? std::string::npos : end - first_nonblank));
    } catch (const nlohmann::json::parse_error&) {
      throw ResultError(path + ": invalid JSON: " + e.what());
    }
  }
  try {
    return result_from_json(j);
  } catch (const ResultError& e) {
    throw ResultError(path + ": " + e.what());
  }
}

std::string describe_outcome(const RunResult& r) {
  std::string s = "seed " + std::to_string(r.seed) + ": ";
  if (r.harness_error) return s + "HARNESS FAILURE (" + r.harness_error->outcome + "): " + r.harness_error->message;
  s += r.expected ? "as expected, " : "NOT AS EXPECTED, ";
  s += r.valid ? "valid" : "invalid";
  std::string found;
  for (const auto& [name, count] : r.anomalies) {
    if (std::find(r.allowed.begin(), r.allowed.end(), name) != r.allowed.end() || name == "unseen") continue;
    found += (found.empty() ? "" : ", ") + name + " x" + std::to_string(count);
  }
  for (const std::string& v : r.invariant_violations) found += (found.empty() ? "invariant " : ", invariant ") + v;
  if (r.liveness != "ok") found += (found.empty() ? "liveness " : ", liveness ") + r.liveness;
  if (!found.empty()) s += ": " + found;
  if (!r.expected) {
    if (!r.expect.anomalies.empty()) {
      std::string missing;
      for (const std::string& a : r.expect.anomalies) {
        if (!r.anomalies.count(a)) missing += (missing.empty() ? "" : ", ") + a;
      }
      if (!missing.empty()) s += " (expected but not found: " + missing + ")";
    } else if (!r.expect.valid && r.valid) {
      s += " (the scenario expects an invalid run)";
    }
  }
  return s;
}

std::vector<std::string> failure_kinds(const RunResult& r) {
  std::vector<std::string> kinds;
  if (r.harness_error) return {"harness:" + r.harness_error->outcome};
  if (r.expected) return kinds;
  auto allowed = [&](const std::string& name) {
    return name == "unseen" || std::find(r.allowed.begin(), r.allowed.end(), name) != r.allowed.end();
  };
  const bool expects_anomalies = !r.expect.anomalies.empty();
  const bool expects_invalid = expects_anomalies || !r.expect.valid;
  if (!expects_invalid) {
    for (const auto& [name, count] : r.anomalies) {
      if (count > 0 && !allowed(name)) kinds.push_back(name);
    }
    for (const std::string& v : r.invariant_violations) kinds.push_back("invariant:" + v);
  }
  if (r.liveness != "ok") kinds.push_back("liveness");
  for (const std::string& a : r.expect.anomalies) {
    if (!r.anomalies.count(a)) kinds.push_back("missing:" + a);
  }
  if (expects_invalid && r.valid) kinds.push_back("valid");
  if (kinds.empty()) kinds.push_back("unexpected");
  return kinds;
}

void SweepSummary::add(const RunResult& r) {
  ++runs_;
  const int code = r.exit_code();
  exit_code_ = std::max(exit_code_, code);
  if (code == 3) ++harness_failures_;
  if (code == 1) ++not_expected_;
  for (const std::string& kind : failure_kinds(r)) failed_by_kind_[kind].push_back(r.seed);
  if (!slowest_ || r.stats.wall_ms > slowest_->second.wall_ms) slowest_ = std::make_pair(r.seed, r.stats);
  sim_time_ms_ += r.stats.sim_time_ms;
  wall_ms_ += r.stats.wall_ms;
  events_ += r.stats.events;
}

std::string SweepSummary::text(const std::string& scenario, std::int64_t elapsed_ms) const {
  std::ostringstream o;
  o << scenario << ": " << runs_ << (runs_ == 1 ? " seed" : " seeds") << " run, "
    << runs_ - not_expected_ - harness_failures_ << " as expected, " << not_expected_ << " not as expected, "
    << harness_failures_ << (harness_failures_ == 1 ? " harness failure\n" : " harness failures\n");
  if (!failed_by_kind_.empty()) {
    o << "failed seeds by kind:\n";
    for (const auto& [kind, seeds] : failed_by_kind_) {
      o << "  " << kind << ": " << seeds.size() << (seeds.size() == 1 ? " seed (" : " seeds (");
      for (std::size_t i = 0; i < seeds.size() && i < 10; ++i) o << (i ? ", " : "") << seeds[i];
      if (seeds.size() > 10) o << ", ...";
      o << ")\n";
    }
  }
  if (slowest_) {
    o << "slowest seed: " << slowest_->first << " (" << slowest_->second.wall_ms << " ms wall, "
      << slowest_->second.events << " events, " << slowest_->second.sim_time_ms << " ms simulated)\n";
  }
  o << "total: " << sim_time_ms_ << " ms simulated, " << events_ << " events, " << wall_ms_
    << " ms wall summed over seeds, " << elapsed_ms << " ms elapsed\n";
  return o.str();
}

std::string write_run_folder(const std::string& out_dir, const RunResult& r, const Scenario* scenario) {
  const fs::path parent = fs::path(out_dir) / r.scenario;
  const fs::path final_dir = parent / ("seed-" + std::to_string(r.seed));
  const fs::path tmp = parent / (".seed-" + std::to_string(r.seed) + ".tmp-" + std::to_string(::getpid()));
  fs::create_directories(parent);
  fs::remove_all(tmp);
  fs::create_directory(tmp);
  try {
    write_file(tmp / "result.json", to_json(r).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    write_file(tmp / "history.jsonl", r.history_jsonl);
    write_file(tmp / "report.txt", report_text(r));
    if (scenario) write_file(tmp / "scenario.json", scenario->to_json().dump(2) + "\n");
    RunReport report;
    prepare_report(r, scenario, report);
    if (report.input.trace != nullptr && !report.input.trace->empty()) {
      write_file(tmp / "trace.jsonl", trace_jsonl(*report.input.trace));
    }
    for (const reports::ReportFile& f : reports::report_files(report.input)) write_file(tmp / f.name, f.content);
    fs::remove_all(final_dir);
    fs::rename(tmp, final_dir);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(tmp, ec);
    throw;
  }
  return final_dir.string();
}

}  // namespace kafkasim::harness
