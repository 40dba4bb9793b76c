// The replica-log diagram (diagrams.h): Graphviz HTML-like tables of the
// affected partition's replicas before the turning point and at the end.
#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "reports/diagrams.h"
#include "reports/escape.h"
#include "reports/replica_logs.h"

namespace kafkasim::reports {
namespace {

// The offsets a replica-log row shows: around the divergence and the focus
// offset.
std::vector<std::int64_t> offsets_shown(const std::map<int, ReplicaLog>& logs, std::int64_t focus) {
  std::int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (const auto& [id, r] : logs) {
    lo = std::min(lo, r.log_start);
    hi = std::max(hi, r.leo - 1);
  }
  std::set<std::int64_t> shown;
  auto around = [&](std::int64_t o, std::int64_t before, std::int64_t after) {
    for (std::int64_t x = o - before; x <= o + after; ++x) {
      if (x >= lo && x <= hi) shown.insert(x);
    }
  };
  // The first offset where the replicas that hold it disagree on the epoch.
  std::optional<std::int64_t> divergence;
  for (const auto& [id, r] : logs) {
    for (const LogRun& run : r.runs) {
      for (const auto& [id2, r2] : logs) {
        if (id2 == id) continue;
        const std::int64_t from = std::max(run.first, r2.log_start);
        const std::int64_t to = std::min(run.last, r2.leo - 1);
        for (const LogRun& run2 : r2.runs) {
          if (run2.last < from || run2.first > to || run2.epoch == run.epoch) continue;
          const std::int64_t x = std::max(from, run2.first);
          if (!divergence || x < *divergence) divergence = x;
        }
      }
    }
  }
  if (divergence) around(*divergence, 1, 2);
  if (focus >= 0) around(focus, 3, 3);
  // Where each replica's log and committed part end.
  for (const auto& [id, r] : logs) {
    if (r.leo > lo) around(r.leo - 1, 1, 1);
    if (r.hw > lo) around(r.hw - 1, 0, 1);
  }
  if (shown.empty() && hi >= lo) around(hi, 6, 0);
  return {shown.begin(), shown.end()};
}

void replica_table(std::ostringstream& o, const std::string& id, const std::string& title,
                   const std::map<int, ReplicaLog>& logs, const std::map<std::pair<int, std::int64_t>, std::string>& values,
                   std::int64_t focus) {
  const std::vector<std::int64_t> offsets = offsets_shown(logs, focus);
  const ReplicaLog* leader = nullptr;
  for (const auto& [b, r] : logs) {
    if (r.leader) leader = &r;
  }
  o << "  " << id << " [shape=plaintext, label=<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"3\">\n";
  o << "<tr><td colspan=\"" << offsets.size() + 3 << "\" bgcolor=\"#e8eef7\"><b>" << escape_html(title) << "</b></td></tr>\n";
  o << "<tr><td><b>replica</b></td><td><b>LEO</b></td><td><b>HW</b></td>";
  std::int64_t prev = INT64_MIN;
  for (std::int64_t x : offsets) {
    if (prev != INT64_MIN && x != prev + 1) o << "<td border=\"0\">…</td>";
    o << "<td" << (x == focus ? " bgcolor=\"#ffe9a8\"" : "") << "><b>" << x << "</b></td>";
    prev = x;
  }
  o << "</tr>\n";
  for (const auto& [broker, r] : logs) {
    o << "<tr><td align=\"left\">broker-" << broker << (r.leader ? " (leader" : " (follower")
      << (r.leader_epoch >= 0 ? ", epoch " + std::to_string(r.leader_epoch) : std::string()) << ")</td>";
    o << "<td>" << r.leo << "</td><td>" << (r.hw >= 0 ? std::to_string(r.hw) : "?") << "</td>";
    prev = INT64_MIN;
    for (std::int64_t x : offsets) {
      if (prev != INT64_MIN && x != prev + 1) o << "<td border=\"0\">…</td>";
      prev = x;
      const int epoch = r.epoch_at(x);
      if (epoch == -2) {
        o << "<td bgcolor=\"#eeeeee\"" << (x == focus ? " color=\"#cc7700\" border=\"3\"" : "") << "> </td>";
        continue;
      }
      const int reference = leader != nullptr && leader != &r ? leader->epoch_at(x) : epoch;
      const bool differs = reference != epoch;
      const bool uncommitted = r.hw >= 0 && x >= r.hw;
      std::string cell = epoch >= 0 ? "e" + std::to_string(epoch) : "e?";
      auto v = values.find({epoch, x});
      if (v != values.end()) cell += "<br/>" + escape_html(shorten(v->second, 12));
      o << "<td" << (differs ? " bgcolor=\"#f4b6b6\"" : uncommitted ? " bgcolor=\"#fdf3d0\"" : "")
        << (x == focus ? " color=\"#cc7700\" border=\"3\"" : "") << ">" << cell << "</td>";
    }
    o << "</tr>\n";
  }
  o << "</table>>];\n";
}

}  // namespace

std::string replica_logs_dot(const ReportInput& in, const Focus& focus, const Narrative& n,
                             const std::vector<Fact>& facts) {
  if (in.trace == nullptr || focus.tp.empty()) return "";
  const std::int64_t offset = focus.offsets.empty() ? -1 : focus.offsets.front();
  const std::size_t end = in.trace->size();
  const auto after = replica_logs(facts, focus.tp, end);
  if (after.empty()) return "";
  std::ostringstream o;
  o << "digraph replica_logs {\n  graph [rankdir=TB, fontname=\"Helvetica\", fontsize=10];\n"
       "  node [fontname=\"Helvetica\", fontsize=9];\n";
  if (n.turning_event) {
    const auto before = replica_logs(facts, focus.tp, *n.turning_event);
    const sim::TraceEvent& e = (*in.trace)[*n.turning_event < end ? *n.turning_event : end - 1];
    replica_table(o, "before",
                  focus.tp + " just before " + format_ms(e.time) + " (" + shorten(e.text, 80) + ")", before,
                  appended_values(facts, focus.tp, *n.turning_event), offset);
  }
  replica_table(o, "after", focus.tp + " at the end of the trace (" + format_ms(in.trace->back().time) + ")", after,
                appended_values(facts, focus.tp, end), offset);
  if (n.turning_event) o << "  before -> after [style=invis];\n";
  o << "}\n";
  return o.str();
}

}  // namespace kafkasim::reports
