// `kafkasim --help`, `kafkasim help COMMAND` and `kafkasim COMMAND --help`.
#include <cstdio>
#include <string>

#include "cli/commands.h"

namespace kafkasim::cli {
namespace {

constexpr const char* kExitCodes =
    "Exit status:\n"
    "  0  every run met the scenario's expectations (check: the history is valid)\n"
    "  1  some run did not: an unexpected anomaly or invariant violation, an expected\n"
    "     anomaly not found, a liveness failure (check: anomalies found)\n"
    "  2  bad input or usage; the message names the file and the JSON path\n"
    "  3  the harness itself failed: simulator deadlock, event budget exhausted,\n"
    "     nondeterminism, internal error, a run killed by a signal\n";

constexpr const char* kTop =
    "kafkasim - deterministic simulation and test harness for Kafka\n"
    "\n"
    "usage:\n"
    "  kafkasim run SCENARIO.json [--seed N | --seeds A..B] [--jobs J] [--shard K/N]\n"
    "                             [--bug NAME]... [--out DIR] [--json] [--quiet]\n"
    "                             [--event-budget N] [--trace none|events|all]\n"
    "                             [--shrink | --no-shrink] [--shrink-budget N]\n"
    "  kafkasim check HISTORY.jsonl [--allow NAME,...] [--ww-deps] [--json] [--compaction]\n"
    "  kafkasim replay RESULT.json\n"
    "  kafkasim list [scenarios | faults | bugs | checkers]\n"
    "  kafkasim real SCENARIO.json [--bootstrap HOST:PORT[,...]] [--out DIR] [--json] [--quiet]\n"
    "  kafkasim help [COMMAND]\n"
    "  kafkasim --version\n"
    "\n"
    "commands:\n"
    "  run     run a scenario for one seed or a sweep of seeds and check what the clients saw\n"
    "  check   check a history file (JSON Lines, Jepsen's Kafka format) for anomalies\n"
    "  replay  run a recorded result again and compare trace hashes (determinism)\n"
    "  list    list the shipped scenarios, fault kinds, planted bugs and checkers\n"
    "  real    run the scenario's workload with real librdkafka clients (mock or real cluster)\n"
    "  help    print the help of a command\n"
    "\n";

constexpr const char* kExamples =
    "examples:\n"
    "  kafkasim list scenarios\n"
    "  kafkasim run scenarios/replication/leader-failover.json\n"
    "  kafkasim run scenarios/replication/leader-failover.json --seed 42 --out out/\n"
    "  kafkasim run scenarios/replication/leader-failover.json --seeds 1..1000 --jobs 8 --out out/\n"
    "  kafkasim run scenarios/replication/leader-failover.json --seeds 1..1000 --shard 2/4 --json > shard-2.jsonl\n"
    "  kafkasim run scenarios/replication/leader-failover.json --seed 7 --bug hw-truncation\n"
    "  kafkasim replay out/leader-failover/seed-42/result.json\n"
    "  kafkasim check out/leader-failover/seed-42/history.jsonl --json\n"
    "\n"
    "docs: README.md, docs/cli.md, docs/scenario-format.md, docs/determinism.md,\n"
    "      docs/shrinking.md, docs/ci.md\n";

constexpr const char* kRun =
    "usage: kafkasim run SCENARIO.json [--seed N | --seeds A..B] [--jobs J] [--shard K/N]\n"
    "                                  [--bug NAME]... [--out DIR] [--json] [--quiet]\n"
    "                                  [--event-budget N] [--trace none|events|all]\n"
    "                                  [--shrink | --no-shrink] [--shrink-budget N]\n"
    "\n"
    "Runs the scenario in the simulator: the cluster, the workload, the explicit faults and\n"
    "the nemesis for duration_ms, then recovery (faults healed, nodes restarted, final reads)\n"
    "for up to recovery_ms; then checks the history and the model invariants against the\n"
    "scenario's expect block.\n"
    "\n"
    "options:\n"
    "  --seed N            run seed N (0 to 2^64-1); default: the scenario's \"seed\"\n"
    "  --seeds A..B        run seeds A to B inclusive\n"
    "  --jobs J            run J seeds at a time, each in its own process (default 1)\n"
    "  --shard K/N         keep only the seeds whose index in the range mod N is K-1, so that\n"
    "                      N machines split one sweep (1 <= K <= N)\n"
    "  --bug NAME          switch on a planted bug (repeatable; see kafkasim list bugs); adds\n"
    "                      to the scenario's \"bugs\"\n"
    "  --out DIR           write DIR/<scenario>/seed-<N>/ (report.html, summary.md, junit.xml,\n"
    "                      result.json, history.jsonl, trace.jsonl, diagrams; docs/reports.md)\n"
    "                      for every seed that did not meet the expectations, and for every\n"
    "                      seed of a single-seed run\n"
    "  --json              print exactly one JSON object per seed, one per line, on stdout and\n"
    "                      nothing else (docs/cli.md lists the fields)\n"
    "  --quiet, -q         no progress and no summary on stderr\n"
    "  --event-budget N    scheduler events a run may take (default 2000000000); exceeding it\n"
    "                      is a harness failure (exit 3)\n"
    "  --trace LEVEL       keep trace events for --out (trace.jsonl): none (default), events\n"
    "                      (faults, messages, model events), all (also every fiber step)\n"
    "  --shrink            shrink every seed whose folder --out writes and that shows an\n"
    "                      anomaly, invariant violation or liveness failure (even one the\n"
    "                      scenario expects) to DIR/<scenario>/seed-<N>/minimal.json: the\n"
    "                      fewest faults (the nemesis' made explicit) and the shortest fault\n"
    "                      phase that fail the same way with the same seed. Without it only a\n"
    "                      single --seed that did not meet the expectations is shrunk\n"
    "  --no-shrink         never shrink\n"
    "  --shrink-budget N   runs one shrink may make (default 100)\n"
    "\n"
    "Without --json, a single seed prints its parameters (stderr) and a report (stdout); a\n"
    "sweep prints the seeds that failed with their repro line (stdout), a progress bar or one\n"
    "line per seed, and a summary at the end (stderr). A sweep (--seeds) with --out also\n"
    "writes DIR/junit.xml (one test case per scenario and seed) and DIR/summary.md for CI\n"
    "(docs/ci.md).\n"
    "\n";

constexpr const char* kReplay =
    "usage: kafkasim replay RESULT.json\n"
    "\n"
    "Runs the recorded run again (its scenario file, or the scenario.json beside the result\n"
    "when the file has changed or moved; same seed, bugs and event budget) and compares the\n"
    "trace hashes and checkpoints. Prints \"reproduced HASH\" (exit 0) or \"nondeterminism:\n"
    "...\" (exit 3) with where the traces part: the first differing event, both versions,\n"
    "when the run kept trace.jsonl beside the result (run --trace events|all --out DIR),\n"
    "else the checkpoint window and the replay's first events in it. A missing or malformed result,\n"
    "or a scenario that changed since the run, is exit 2. RESULT.json is a result.json of\n"
    "--out or a line of run --json saved to a file.\n"
    "\n";

constexpr const char* kList =
    "usage: kafkasim list [scenarios | faults | bugs | checkers]\n"
    "\n"
    "  scenarios  every scenarios/**/*.json (from ./scenarios, or the source tree's), with its\n"
    "             name and description\n"
    "  faults     the fault kinds of scenario files and the targets they take\n"
    "  bugs       the planted bugs of BUGS.md: name, reference, what goes wrong\n"
    "  checkers   the anomalies the history checker reports\n"
    "No argument lists all four.\n"
    "\n";

constexpr const char* kReal =
    "usage: kafkasim real SCENARIO.json [--bootstrap HOST:PORT[,...]] [--out DIR] [--json] [--quiet]\n"
    "\n"
    "Runs the scenario's queue workload with real librdkafka producers and consumers, records\n"
    "the history in the same format, checks it with the same checker and judges it against\n"
    "the expect block. The target is librdkafka's embedded mock cluster (in-process, the\n"
    "scenario's brokers and topics) unless --bootstrap names a real cluster; the scenario's\n"
    "client settings (workload.producer/consumer, real.client_config) go to librdkafka as\n"
    "they are. Faults the target cannot inject are refused (exit 2), each named. Wall-clock\n"
    "time: the run is not reproducible bit for bit, and replay refuses its result.\n"
    "\n"
    "options:\n"
    "  --bootstrap B  a real Kafka-compatible cluster; faults need real.fault_commands\n"
    "  --out DIR      write DIR/<scenario>/seed-<N>/ (result.json, history.jsonl, report.txt, ...)\n"
    "  --json         print the result as one JSON object on stdout\n"
    "  --quiet, -q    nothing on stderr but errors\n"
    "\n"
    "docs/real-clients.md: the fault mapping, the mock cluster's known limits, the\n"
    "conformance table of librdkafka against the simulator's producer.\n"
    "\n";

}  // namespace

void print_help() {
  std::fputs(kTop, stdout);
  std::fputs(kExitCodes, stdout);
  std::fputs("\n", stdout);
  std::fputs(kExamples, stdout);
}

bool print_command_help(const std::string& command) {
  if (command == "run") std::fputs(kRun, stdout);
  else if (command == "replay") std::fputs(kReplay, stdout);
  else if (command == "list") std::fputs(kList, stdout);
  else if (command == "real") std::fputs(kReal, stdout);
  else if (command == "check") return check_command({"--help"}) == 0;
  else return false;
  std::fputs(kExitCodes, stdout);
  return true;
}

int help_command(const Args& args) {
  if (args.empty()) {
    print_help();
    return 0;
  }
  if (args.size() > 1) return usage_error("help", "one command at most");
  if (print_command_help(args[0])) return 0;
  return usage_error("help", "unknown command \"" + args[0] + "\" (run, check, replay, list, real)");
}

int usage_error(const std::string& command, const std::string& what) {
  std::fprintf(stderr, "kafkasim %s: %s\n(see kafkasim help %s)\n", command.c_str(), what.c_str(), command.c_str());
  return 2;
}

}  // namespace kafkasim::cli
