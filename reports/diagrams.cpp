#include "reports/diagrams.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "checker/history_writer.h"
#include "reports/escape.h"
#include "reports/replica_logs.h"

namespace kafkasim::reports {
namespace {

constexpr std::int64_t kMessageSearchNs = 200'000'000;  // how far from an event a linked message may be
constexpr std::int64_t kDeliverSearchNs = 2'000'000'000;
constexpr std::size_t kMaxDiagramEvents = 40;
constexpr std::size_t kMaxDropsPerFault = 3;

std::string node_label(const ReportInput& in, std::int32_t node) {
  if (node >= 0 && static_cast<std::size_t>(node) < in.node_names.size()) return in.node_names[node];
  return node == sim::kNoNode ? "faults (harness)" : "node " + std::to_string(node);
}

// Lane order: brokers, controllers, clients, then the harness.
int lane_class(const std::string& name) {
  if (name.rfind("broker-", 0) == 0) return 0;
  if (name.rfind("controller-", 0) == 0) return 1;
  if (name.rfind("faults", 0) == 0) return 3;
  return 2;
}

// Breaks `s` into lines of about `width` characters at spaces.
std::string wrap(const std::string& s, std::size_t width) {
  std::string out, line;
  std::istringstream words(s);
  for (std::string w; words >> w;) {
    if (!line.empty() && line.size() + 1 + w.size() > width) {
      out += line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + w;
  }
  return out + line;
}

struct Shown {
  std::size_t event;   // trace index
  std::int64_t time;
  std::int32_t lane;
  std::string text;
  enum Style { kModel, kFault, kMessage, kDrop } style;
};

class SpaceTime {
 public:
  SpaceTime(const ReportInput& in, const Narrative& n) : in_(in), n_(n), trace_(*in.trace) {
    for (std::size_t i = 0; i < trace_.size(); ++i) {
      const sim::TraceEvent& e = trace_[i];
      if (e.kind == sim::EventKind::kConnect) conn_[e.a] = {e.node, static_cast<std::int32_t>(e.b)};
    }
  }

  std::string dot() {
    for (const Sentence& s : n_.sentences) {
      if (!s.event || shown_.size() >= kMaxDiagramEvents) continue;
      const sim::TraceEvent& e = trace_[*s.event];
      add(Shown{*s.event, e.time, e.node, wrap(shorten(s.text, 160), 36), s.fault ? Shown::kFault : Shown::kModel});
    }
    if (shown_.empty()) return "";
    std::set<std::int32_t> lanes;
    for (const Shown& s : shown_) lanes.insert(s.lane);
    const std::vector<Shown> key = shown_;
    for (const Shown& k : key) {
      node_faults(k, lanes);
      if (k.style == Shown::kFault) drops_after(k, lanes);
      else messages_around(k, lanes);
    }
    return render(lanes);
  }

 private:
  void add(Shown s) {
    for (const Shown& x : shown_) {
      if (x.event == s.event && x.lane == s.lane) return;
    }
    shown_.push_back(std::move(s));
  }

  std::size_t first_at(std::int64_t t) const {
    return static_cast<std::size_t>(std::lower_bound(trace_.begin(), trace_.end(), t,
                                                     [](const sim::TraceEvent& e, std::int64_t v) { return e.time < v; }) -
                                    trace_.begin());
  }

  // The other end of connection `conn` seen from `node`.
  std::int32_t peer(std::int64_t conn, std::int32_t node) const {
    auto it = conn_.find(conn);
    if (it == conn_.end()) return sim::kNoNode;
    return it->second.first == node ? it->second.second : it->second.first;
  }

  std::optional<std::size_t> delivery_of(std::size_t send) const {
    const sim::TraceEvent& s = trace_[send];
    for (std::size_t i = send + 1; i < trace_.size() && trace_[i].time <= s.time + kDeliverSearchNs; ++i) {
      const sim::TraceEvent& e = trace_[i];
      if ((e.kind == sim::EventKind::kDeliver || e.kind == sim::EventKind::kDrop) && e.a == s.a && e.b == s.b) return i;
    }
    return std::nullopt;
  }

  std::optional<std::size_t> send_of(std::size_t deliver) const {
    const sim::TraceEvent& d = trace_[deliver];
    for (std::size_t i = deliver; i-- > 0 && trace_[i].time >= d.time - kDeliverSearchNs;) {
      const sim::TraceEvent& e = trace_[i];
      if (e.kind == sim::EventKind::kSend && e.a == d.a && e.b == d.b) return i;
    }
    return std::nullopt;
  }

  void message(std::size_t send, std::size_t deliver) {
    const sim::TraceEvent& s = trace_[send];
    const sim::TraceEvent& d = trace_[deliver];
    const std::string text = s.text.empty() ? "message" : shorten(s.text, 48);
    add(Shown{send, s.time, s.node, "send " + text, Shown::kMessage});
    if (d.kind == sim::EventKind::kDrop) {
      add(Shown{deliver, d.time, s.node, wrap("dropped: " + text + " to " + node_label(in_, peer(s.a, s.node)), 30),
                Shown::kDrop});
    } else {
      add(Shown{deliver, d.time, d.node, "got " + text, Shown::kMessage});
      const auto edge = std::make_tuple(send, deliver, text);
      if (std::find(edges_.begin(), edges_.end(), edge) == edges_.end()) edges_.push_back(edge);
    }
  }

  // The last message `k.lane` got from another lane before k, and the first
  // it sent to another lane after it.
  void messages_around(const Shown& k, const std::set<std::int32_t>& lanes) {
    if (k.lane == sim::kNoNode) return;
    const std::size_t at = k.event;
    for (std::size_t i = at; i-- > 0 && trace_[i].time >= k.time - kMessageSearchNs;) {
      const sim::TraceEvent& e = trace_[i];
      if (e.kind != sim::EventKind::kDeliver || e.node != k.lane) continue;
      if (!lanes.count(peer(e.a, e.node))) continue;
      if (auto s = send_of(i)) message(*s, i);
      break;
    }
    for (std::size_t i = at + 1; i < trace_.size() && trace_[i].time <= k.time + kMessageSearchNs; ++i) {
      const sim::TraceEvent& e = trace_[i];
      if (e.kind != sim::EventKind::kSend || e.node != k.lane) continue;
      if (!lanes.count(peer(e.a, e.node))) continue;
      if (auto d = delivery_of(i)) message(i, *d);
      break;
    }
  }

  // Messages between lanes dropped after fault `k`.
  void drops_after(const Shown& k, const std::set<std::int32_t>& lanes) {
    std::size_t drops = 0;
    for (std::size_t i = k.event + 1; i < trace_.size() && trace_[i].time <= k.time + kDeliverSearchNs; ++i) {
      const sim::TraceEvent& e = trace_[i];
      if (e.kind != sim::EventKind::kDrop || !lanes.count(e.node) || !lanes.count(peer(e.a, e.node))) continue;
      if (auto s = send_of(i)) {
        message(*s, i);
        if (++drops >= kMaxDropsPerFault) break;
      }
    }
  }

  // Crashes, restarts and pauses of the lanes' nodes near a key event.
  void node_faults(const Shown& k, const std::set<std::int32_t>& lanes) {
    for (std::size_t i = first_at(k.time - kMessageSearchNs);
         i < trace_.size() && trace_[i].time <= k.time + kMessageSearchNs; ++i) {
      const sim::TraceEvent& e = trace_[i];
      if (!lanes.count(e.node)) continue;
      switch (e.kind) {
        case sim::EventKind::kCrash:
        case sim::EventKind::kPowerLoss:
        case sim::EventKind::kRestart:
        case sim::EventKind::kPause:
        case sim::EventKind::kResume:
          add(Shown{i, e.time, e.node, std::string(sim::event_kind_name(e.kind)), Shown::kFault});
          break;
        default: break;
      }
    }
  }

  std::string render(std::set<std::int32_t> lanes) {
    for (const Shown& s : shown_) lanes.insert(s.lane);
    std::vector<std::int32_t> order(lanes.begin(), lanes.end());
    std::stable_sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) {
      const std::string na = node_label(in_, a), nb = node_label(in_, b);
      if (lane_class(na) != lane_class(nb)) return lane_class(na) < lane_class(nb);
      return na < nb;
    });
    std::sort(shown_.begin(), shown_.end(), [](const Shown& a, const Shown& b) {
      return a.time != b.time ? a.time < b.time : a.event < b.event;
    });
    // One row per event, so that every column stays a column; the left
    // column gives each row's simulated time.
    std::ostringstream o;
    o << "digraph space_time {\n"
         "  graph [rankdir=TB, newrank=true, nodesep=0.3, ranksep=0.12, fontname=\"Helvetica\", fontsize=10];\n"
         "  node [fontname=\"Helvetica\", fontsize=9];\n"
         "  edge [fontname=\"Helvetica\", fontsize=8];\n";
    o << "  time_head [shape=plaintext, label=\"simulated time\"];\n";
    for (std::size_t i = 0; i < shown_.size(); ++i) {
      o << "  t" << i << " [shape=plaintext, fontcolor=\"#555555\", label=\"" << format_ms(shown_[i].time) << "\"];\n";
    }
    o << "  time_head -> t0 [color=\"#bbbbbb\", arrowhead=none];\n";
    for (std::size_t i = 0; i + 1 < shown_.size(); ++i) {
      o << "  t" << i << " -> t" << i + 1 << " [color=\"#bbbbbb\", arrowhead=none];\n";
    }
    std::map<std::int32_t, std::size_t> lane_index;
    for (std::size_t i = 0; i < order.size(); ++i) {
      lane_index[order[i]] = i;
      o << "  lane" << i << " [shape=box, style=\"filled,bold\", fillcolor=\"#e8eef7\", label=\""
        << escape_dot(node_label(in_, order[i])) << "\"];\n";
    }
    o << "  { rank=same; time_head;";
    for (std::size_t i = 0; i < order.size(); ++i) o << " lane" << i << ";";
    o << " }\n";
    std::map<std::size_t, std::string> last_in_lane;  // lane -> last node id
    for (std::size_t i = 0; i < order.size(); ++i) last_in_lane[i] = "lane" + std::to_string(i);
    std::map<std::pair<std::size_t, std::int32_t>, std::string> id_of;  // (event, lane) -> node id
    for (std::size_t k = 0; k < shown_.size(); ++k) {
      const Shown& s = shown_[k];
      const std::size_t lane = lane_index[s.lane];
      const std::string id = "e" + std::to_string(k);
      id_of[{s.event, s.lane}] = id;
      o << "  " << id << " [group=g" << lane << ", label=\"" << escape_dot(s.text) << "\", ";
      switch (s.style) {
        case Shown::kModel: o << "shape=box, style=\"rounded,filled\", fillcolor=\"#fff6cc\""; break;
        case Shown::kFault: o << "shape=box, style=\"filled,bold\", color=\"#b30000\", fillcolor=\"#f8d0d0\""; break;
        case Shown::kMessage: o << "shape=box, style=rounded, color=\"#5577aa\", fontcolor=\"#334466\""; break;
        case Shown::kDrop: o << "shape=box, style=\"dashed\", color=\"#b30000\", fontcolor=\"#b30000\""; break;
      }
      o << "];\n";
      o << "  { rank=same; t" << k << "; " << id << "; }\n";
      o << "  " << last_in_lane[lane] << " -> " << id << " [color=\"#999999\", arrowhead=none, weight=50];\n";
      last_in_lane[lane] = id;
    }
    for (const auto& [send, deliver, text] : edges_) {
      auto a = id_of.find({send, trace_[send].node});
      auto b = id_of.find({deliver, trace_[deliver].node});
      if (a == id_of.end() || b == id_of.end()) continue;
      o << "  " << a->second << " -> " << b->second << " [color=\"#3366cc\", constraint=false];\n";
    }
    o << "}\n";
    return o.str();
  }

  const ReportInput& in_;
  const Narrative& n_;
  const std::vector<sim::TraceEvent>& trace_;
  std::map<std::int64_t, std::pair<std::int32_t, std::int32_t>> conn_;  // connection -> (from, to)
  std::vector<Shown> shown_;
  std::vector<std::tuple<std::size_t, std::size_t, std::string>> edges_;
};

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

std::string space_time_dot(const ReportInput& in, const Narrative& n) {
  if (in.trace == nullptr || in.trace->empty()) return "";
  return SpaceTime(in, n).dot();
}

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

std::string cycle_dot(const ReportInput& in, const Focus& focus) {
  if ((focus.anomaly != "G0" && focus.anomaly != "G1c") || !focus.witness.contains("steps")) return "";
  std::ostringstream o;
  o << "digraph cycle {\n  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=10];\n"
       "  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=9];\n"
       "  edge [fontname=\"Helvetica\", fontsize=9];\n";
  for (std::int64_t index : witness_ops(focus.witness)) {
    std::string label = "op " + std::to_string(index);
    if (in.history != nullptr) {
      if (auto pos = op_position(*in.history, index)) {
        std::string line;
        checker::append_op_jsonl(*in.history, *pos, line);
        label += "\n" + wrap(shorten(line, 160), 40);
      }
    }
    o << "  op" << index << " [label=\"" << escape_dot(label) << "\"];\n";
  }
  for (const auto& step : focus.witness["steps"]) {
    if (!step.is_object() || !step.contains("from") || !step.contains("to") || !step["from"].is_number_integer() ||
        !step["to"].is_number_integer()) {
      continue;
    }
    const std::string type = step.contains("type") ? value_text(step["type"]) : "";
    o << "  op" << value_text(step["from"]) << " -> op" << value_text(step["to"]) << " [label=\""
      << escape_dot(type) << "\", color=\"" << (type == "ww" ? "#b30000" : "#3366cc") << "\"];\n";
  }
  o << "}\n";
  return o.str();
}

}  // namespace kafkasim::reports
