#include "harness/judge.h"

#include <algorithm>
#include <memory>
#include <set>
#include <sstream>

#include "checker/check.h"
#include "checker/compaction.h"
#include "checker/history_writer.h"

namespace kafkasim::harness {
namespace {

// The compaction checker's settings for a compacted-kv run: each
// topic-partition's delete.retention.ms, and the allowed anomalies.
checker::CompactionOptions compaction_options(const Scenario& s, const std::set<std::string>& allow) {
  checker::CompactionOptions o;
  for (const Topic& t : s.topics) {
    for (int p = 0; p < t.partitions; ++p)
      o.delete_retention_ms[t.name + "/" + std::to_string(p)] = t.config.get_long("delete.retention.ms");
  }
  o.allow = allow;
  return o;
}

}  // namespace

void judge_history(RunResult& r, const checker::History& history, const Scenario& scenario, bool keep_history,
                   const OwnVerdict& own) {
  checker::Options copts;
  std::set<std::string> allow = checker::default_allowed(history, copts);
  // An anomaly the scenario expects to find is counted, not allowed by
  // default (a subscribe history allows nonmonotonic-poll, say, but a
  // scenario can set out to show one).
  for (const std::string& a : scenario.expect.anomalies) allow.erase(a);
  for (const std::string& a : scenario.expect.allow) {
    if (checker::is_anomaly_name(a)) allow.insert(a);
  }
  copts.allow = allow;
  std::shared_ptr<checker::Verdict> verdict = own ? own(allow) : nullptr;
  if (!verdict) {
    verdict = std::make_shared<checker::Verdict>(scenario.workload.kind == "compacted-kv"
                                                     ? checker::check_compaction(history, compaction_options(scenario, allow))
                                                     : checker::check(history, copts));
  }
  for (const auto& [name, witnesses] : verdict->anomalies) {
    r.anomalies[name] = static_cast<std::int64_t>(witnesses.size());
  }
  r.allowed.assign(verdict->allowed.begin(), verdict->allowed.end());
  if (keep_history) {
    std::ostringstream jsonl;
    checker::write_history_jsonl(history, jsonl);
    r.history_jsonl = std::move(jsonl).str();
  }
  r.verdict = std::move(verdict);
  if (!r.harness_error) judge(r, scenario);
}

void judge(RunResult& r, const Scenario& s) {
  bool disallowed = false;
  for (const auto& [name, count] : r.anomalies) {
    if (count > 0 && !checker::is_informational(name) &&
        std::find(r.allowed.begin(), r.allowed.end(), name) == r.allowed.end()) {
      disallowed = true;
    }
  }
  const bool live = r.liveness == "ok";
  r.valid = !disallowed && r.invariant_violations.empty() && live;
  if (!s.expect.anomalies.empty()) {
    // A scenario that demonstrates a loss: the run is invalid and shows
    // every anomaly named.
    r.expected = !r.valid && std::all_of(s.expect.anomalies.begin(), s.expect.anomalies.end(),
                                         [&](const std::string& a) { return r.anomalies.count(a) > 0; });
  } else {
    r.expected = r.valid == s.expect.valid;
  }
  // A run whose final reads never finished cannot tell lost from unseen
  // data, so it meets no expectation (liveness failures are their own
  // class, SPEC.md §1 exit 1).
  if (!live && !r.liveness_detail.stopped_at_ms) r.expected = false;
}

}  // namespace kafkasim::harness
