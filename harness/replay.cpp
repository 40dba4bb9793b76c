#include "harness/replay.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace kafkasim::harness {
namespace {

using ojson = nlohmann::ordered_json;

// Events of the window recorded to compare, at most: a window is one
// checkpoint interval, which is large for long runs.
constexpr std::uint64_t kMaxCompared = std::uint64_t{1} << 18;
// Events of the window shown when the recorded events are unknown.
constexpr std::uint64_t kShown = 8;

// A recorded event as trace.jsonl holds it: replace invalid UTF-8 the same way.
ojson normalized(const ojson& event) {
  return ojson::parse(event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::string ms_text(const ojson& event) {
  if (!event.is_object() || !event.contains("time_ns")) return "?";
  std::ostringstream o;
  o.setf(std::ios::fixed);
  o.precision(3);
  o << static_cast<double>(event["time_ns"].get<std::int64_t>()) / 1e6;
  return o.str();
}

std::string compact(const ojson& event) {
  return event.is_null() ? "nothing (the trace ends before it)"
                         : event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The recorded run's events numbered [from, to), by number; nullopt when the
// file is missing or predates event numbers. *all: it holds every event.
std::optional<std::map<std::uint64_t, ojson>> read_recorded(const std::string& path, std::uint64_t from,
                                                            std::uint64_t to, bool* all) {
  std::error_code ec;
  if (path.empty() || !std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ResultError(path + ": cannot open the file");
  std::map<std::uint64_t, ojson> events;
  *all = false;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    ojson e;
    try {
      e = ojson::parse(line);
    } catch (const nlohmann::json::parse_error& err) {
      throw ResultError(path + ":" + std::to_string(number) + ": invalid JSON: " + err.what());
    }
    if (!e.is_object() || !e.contains("index") || !e["index"].is_number_unsigned()) return std::nullopt;
    const std::string kind = e.value("kind", "");
    if (kind == "step" || kind == "timer") *all = true;
    const std::uint64_t index = e["index"].get<std::uint64_t>();
    if (index >= from && index < to) events.emplace(index, std::move(e));
  }
  return events;
}

RunResult rerun(const Scenario& scenario, RunOptions options, sim::RecordLevel level, std::uint64_t from,
                std::uint64_t to) {
  options.record = level;
  options.record_from = from;
  options.record_to = to;
  options.keep_history = false;
  return run_scenario(scenario, options);
}

}  // namespace

ReplayReport replay_run(const Scenario& scenario, const RunResult& recorded, RunOptions options,
                        const std::string& recorded_trace) {
  ReplayReport report;
  report.again = rerun(scenario, options, sim::RecordLevel::kNone, 0, 0);
  auto window = first_divergence(recorded.checkpoints, report.again.checkpoints);
  report.reproduced = report.again.trace_hash == recorded.trace_hash && !window;
  if (report.reproduced) return report;

  if (!window) {
    const std::uint64_t agreed = std::min(recorded.checkpoints.every * recorded.checkpoints.hashes.size(),
                                          report.again.checkpoints.every * report.again.checkpoints.hashes.size());
    window = std::make_pair(agreed, UINT64_MAX);
  }
  report.window = window;
  const std::uint64_t from = window->first;
  const std::uint64_t to = std::min(window->second, from + kMaxCompared);
  const std::string span = window->second == UINT64_MAX
                               ? "after event " + std::to_string(from) + " (the last checkpoint both agree on)"
                               : "between events " + std::to_string(from) + " and " + std::to_string(window->second);

  bool recorded_all = false;
  if (auto original = read_recorded(recorded_trace, from, to, &recorded_all)) {
    const RunResult replayed =
        rerun(scenario, options, recorded_all ? sim::RecordLevel::kAll : sim::RecordLevel::kEvents, from, to);
    std::map<std::uint64_t, ojson> mine;
    for (const sim::TraceEvent& e : replayed.trace_events) mine.emplace(e.index, normalized(trace_event_json(e)));
    // Walk both by event number; the first number where they differ.
    auto a = original->begin();
    auto b = mine.begin();
    while (a != original->end() || b != mine.end()) {
      const std::uint64_t index = a == original->end() ? b->first
                                  : b == mine.end()    ? a->first
                                                       : std::min(a->first, b->first);
      const ojson* ra = a != original->end() && a->first == index ? &a->second : nullptr;
      const ojson* rb = b != mine.end() && b->first == index ? &b->second : nullptr;
      if (!ra || !rb || *ra != *rb) {
        report.first_event = index;
        report.recorded_event = ra ? *ra : ojson(nullptr);
        report.replayed_event = rb ? *rb : ojson(nullptr);
        report.where = "the traces part at event " + std::to_string(index) + " (" +
                       ms_text(ra ? *ra : *rb) + " ms simulated): the recorded run had " +
                       compact(report.recorded_event) + ", the replay " + compact(report.replayed_event);
        return report;
      }
      if (ra) ++a;
      if (rb) ++b;
    }
    report.where = "the traces part " + span + "; the recorded events there (trace.jsonl) agree with the replay's" +
                   (recorded_all ? std::string(to < window->second ? " up to event " + std::to_string(to) : "")
                                 : ", so the first difference is a fiber step or timer fire, which --trace events "
                                   "leaves out (record with --trace all to see it)");
    return report;
  }

  // Without the recorded events: the replay's side of the window.
  const RunResult replayed = rerun(scenario, options, sim::RecordLevel::kAll, from, std::min(to, from + kShown));
  for (const sim::TraceEvent& e : replayed.trace_events) report.replayed_window.push_back(normalized(trace_event_json(e)));
  report.where = "the traces part " + span;
  if (!report.replayed_window.empty()) {
    report.where += " (from " + ms_text(report.replayed_window.front()) + " ms simulated in the replay)";
  }
  report.where +=
      "; the recorded run kept no trace events to name the first differing one: run it with --trace all --out DIR "
      "and replay that result.json";
  return report;
}

}  // namespace kafkasim::harness
