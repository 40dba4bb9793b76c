// kafkasim check HISTORY.jsonl [--allow NAME,...] [--ww-deps] [--json]
//                [--compaction [--delete-retention-ms N]]
// (SPEC.md §1, §4). Exit 0 valid, 1 anomalies found, 2 bad input or usage.
#include <cstdint>
#include <cstdio>
#include <exception>
#include <optional>
#include <set>
#include <string>

#include "checker/check.h"
#include "checker/compaction.h"
#include "checker/history_reader.h"
#include "cli/commands.h"

namespace kafkasim::cli {

namespace {

constexpr const char* kUsage =
    "usage: kafkasim check HISTORY.jsonl [--allow NAME,...] [--ww-deps] [--json]\n"
    "  Checks a Kafka-queue history (JSON Lines, SPEC.md section 4) for Jepsen's anomalies.\n"
    "  --allow NAME,...  anomaly kinds that do not make the history invalid; replaces the\n"
    "                    defaults (int-send-skip, G0; poll-skip, nonmonotonic-poll when the\n"
    "                    history subscribes; G1c with --ww-deps). May be repeated; empty allows none.\n"
    "  --ww-deps         infer write-write dependencies from the version orders (G0, G1c)\n"
    "  --json            print the verdict as one JSON object\n"
    "  --compaction      the history is a compacted-kv run's: apply the compaction checker\n"
    "                    (compaction-lost-key, compaction-stale-value, compaction-early-delete)\n"
    "                    instead of the queue checks (docs/checker.md, \"Compacted topics\")\n"
    "  --delete-retention-ms N  with --compaction: the topics' delete.retention.ms (default 86400000)\n"
    "  Exit status: 0 valid, 1 anomalies found, 2 bad input or usage.\n";

int usage_error(const std::string& what) {
  std::fprintf(stderr, "kafkasim check: %s\n%s", what.c_str(), kUsage);
  return 2;
}

// Adds the comma-separated names of `list` to `allow`; returns an unknown
// name, if any.
std::optional<std::string> add_allowed(const std::string& list, std::set<std::string>& allow) {
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = list.find(',', start);
    std::string name = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!name.empty()) {
      if (!checker::is_anomaly_name(name)) return name;
      allow.insert(name);
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return std::nullopt;
}

std::string known_names() {
  std::string s;
  for (const std::string& n : checker::anomaly_names()) s += (s.empty() ? "" : ", ") + n;
  return s;
}

// Option `name` at args[*i], given as "NAME VALUE" (then *i moves past
// VALUE) or "NAME=VALUE". `matched` false: args[*i] is another argument;
// `value` absent: VALUE is missing.
struct OptionValue {
  bool matched = false;
  std::optional<std::string> value;
};
OptionValue option_value(const Args& args, std::size_t* i, const std::string& name) {
  const std::string& a = args[*i];
  if (a.rfind(name + "=", 0) == 0) return {true, a.substr(name.size() + 1)};
  if (a != name) return {};
  if (*i + 1 >= args.size()) return {true, std::nullopt};
  return {true, args[++*i]};
}

}  // namespace

int check_command(const Args& args) {
  std::optional<std::string> path;
  checker::Options opts;
  bool json = false;
  bool compaction = false;
  std::optional<std::int64_t> delete_retention_ms;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--json") {
      json = true;
    } else if (a == "--ww-deps") {
      opts.ww_deps = true;
    } else if (a == "--compaction") {
      compaction = true;
    } else if (OptionValue o = option_value(args, &i, "--delete-retention-ms"); o.matched) {
      if (!o.value) return usage_error("--delete-retention-ms needs a number of milliseconds");
      const std::string& n = *o.value;
      std::size_t used = 0;
      try {
        delete_retention_ms = std::stoll(n, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != n.size() || n.empty() || *delete_retention_ms < 0)
        return usage_error("--delete-retention-ms: expected a non-negative integer, got \"" + n + "\"");
    } else if (OptionValue list = option_value(args, &i, "--allow"); list.matched) {
      if (!list.value) return usage_error("--allow needs a list of anomaly names");
      if (!opts.allow) opts.allow.emplace();
      if (auto bad = add_allowed(*list.value, *opts.allow))
        return usage_error("--allow: unknown anomaly name \"" + *bad + "\" (known: " + known_names() + ")");
    } else if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (a.size() > 1 && a[0] == '-') {
      return usage_error("unknown option " + a);
    } else if (path) {
      return usage_error("one history file only, got " + *path + " and " + a);
    } else {
      path = a;
    }
  }
  if (!path) return usage_error("missing HISTORY.jsonl");
  if (delete_retention_ms && !compaction) return usage_error("--delete-retention-ms needs --compaction");

  checker::History history;
  try {
    history = checker::read_history_file(*path);
  } catch (const checker::HistoryError& e) {
    std::fprintf(stderr, "kafkasim check: %s\n", e.what());
    return 2;
  }
  checker::Verdict verdict;
  if (compaction) {
    checker::CompactionOptions copts;
    if (delete_retention_ms) copts.default_delete_retention_ms = *delete_retention_ms;
    if (opts.allow) copts.allow = *opts.allow;
    verdict = checker::check_compaction(history, copts);
  } else {
    verdict = checker::check(history, opts);
  }
  if (json) {
    std::string out = checker::to_json(verdict).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::printf("%s\n", out.c_str());
  } else {
    std::fputs(checker::summary(verdict).c_str(), stdout);
  }
  return verdict.valid ? 0 : 1;
}

}  // namespace kafkasim::cli
