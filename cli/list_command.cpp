// kafkasim list [scenarios | faults | bugs | checkers]: what there is to
// run and to look for. No argument lists all four.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "checker/check.h"
#include "cli/commands.h"
#include "harness/bug_names.h"
#include "harness/scenario.h"

namespace kafkasim::cli {
namespace {

namespace fs = std::filesystem;

// Prints `text` word-wrapped to 100 columns, each line indented by `indent`.
void print_wrapped(const std::string& text, std::size_t indent) {
  constexpr std::size_t kWidth = 100;
  const std::string pad(indent, ' ');
  std::string line;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    if (!line.empty() && indent + line.size() + 1 + word.size() > kWidth) {
      std::printf("%s%s\n", pad.c_str(), line.c_str());
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    start = end + 1;
  }
  if (!line.empty()) std::printf("%s%s\n", pad.c_str(), line.c_str());
}

// The scenarios folder: ./scenarios when it exists, else the source tree's.
fs::path scenarios_dir() {
  std::error_code ec;
  if (fs::is_directory("scenarios", ec)) return "scenarios";
  return fs::path(KAFKASIM_SOURCE_DIR) / "scenarios";
}

void list_scenarios() {
  const fs::path dir = scenarios_dir();
  std::printf("scenarios (%s):\n", dir.string().c_str());
  std::vector<fs::path> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec) && it->path().extension() == ".json" && it->path().filename() != "scenario.schema.json") {
      files.push_back(it->path());
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) std::printf("  (none yet)\n");
  for (const fs::path& f : files) {
    const std::string rel = f.lexically_relative(dir).string();
    try {
      harness::Scenario s = harness::load_scenario_file(f.string());
      std::printf("  %s (%s)\n", rel.c_str(), s.name.c_str());
      if (!s.description.empty()) print_wrapped(s.description, 6);
    } catch (const harness::ScenarioError& e) {
      std::printf("  %s INVALID\n", rel.c_str());
      print_wrapped(e.what(), 6);
    }
  }
}

const char* fault_description(harness::FaultKind k) {
  switch (k) {
    case harness::FaultKind::crash: return "the process dies; its page cache survives (written data is kept)";
    case harness::FaultKind::power_loss: return "the process dies and unflushed writes are lost (torn: the last one is torn)";
    case harness::FaultKind::restart: return "starts a down node again, recovering from its disk";
    case harness::FaultKind::pause: return "the node stops being scheduled (a long GC pause, SIGSTOP)";
    case harness::FaultKind::resume: return "ends a pause";
    case harness::FaultKind::partition: return "cuts a node (isolate) or groups of nodes off; one_way: outgoing traffic only";
    case harness::FaultKind::heal: return "ends every partition and clog";
    case harness::FaultKind::clog: return "adds latency_ms to every message on the node's links, or between groups";
    case harness::FaultKind::clock_skew: return "the node's clock runs ahead or behind (offset_ms) and fast or slow (drift_ppm)";
    case harness::FaultKind::move_leader: return "target broker becomes the leader of partition (kafkasim real, mock cluster only)";
  }
  return "";
}

void list_faults() {
  std::printf("faults (a fault with duration_ms reverts itself):\n");
  for (harness::FaultKind k : harness::all_fault_kinds()) {
    std::printf("  %-12s %s\n", std::string(harness::to_string(k)).c_str(), fault_description(k));
  }
  std::printf("targets: broker-N, controller-N, leader:TOPIC/P, follower:TOPIC/P, controller-leader,\n"
              "         coordinator:group/NAME, coordinator:txn/ID, random-broker, leader-crashed, client:NAME\n");
}

void list_bugs() {
  std::printf("bugs (--bug NAME, or the scenario key \"bugs\"):\n");
  for (const harness::BugInfo& b : harness::known_bug_names()) {
    std::printf("  %s (%s)\n", std::string(b.name).c_str(), std::string(b.reference).c_str());
    print_wrapped(std::string(b.summary), 6);
  }
}

void list_checkers() {
  std::printf("checkers (anomalies of Jepsen's Kafka queue workload, kafkasim check; compaction-* are the\n"
              "compaction checker's, for compacted-kv runs; *-prediction and *-model the ML checker's, for\n"
              "ml-pipeline runs; those described \"ride-sharing:\" the ride-sharing checker's; *-count the\n"
              "word-count checker's, for word-count runs):\n");
  for (const std::string& name : checker::anomaly_names()) {
    std::printf("  %-24s %s\n", name.c_str(), std::string(checker::describe_anomaly(name)).c_str());
  }
  std::printf("  %-24s %s\n", "invariants",
              "model invariants checked as the run goes (single-leader-per-epoch, committed-data-consistent, ...)");
}

}  // namespace

int list_command(const Args& args) {
  if (args.size() > 1) return usage_error("list", "one topic at most, got " + args[0] + " and " + args[1]);
  const std::string what = args.empty() ? "" : args[0];
  if (what == "--help" || what == "-h") {
    print_command_help("list");
    return 0;
  }
  if (what == "scenarios") list_scenarios();
  else if (what == "faults") list_faults();
  else if (what == "bugs") list_bugs();
  else if (what == "checkers") list_checkers();
  else if (what.empty()) {
    list_scenarios();
    std::printf("\n");
    list_faults();
    std::printf("\n");
    list_bugs();
    std::printf("\n");
    list_checkers();
  } else {
    return usage_error("list", "unknown topic \"" + what + "\" (scenarios, faults, bugs or checkers)");
  }
  return 0;
}

}  // namespace kafkasim::cli
