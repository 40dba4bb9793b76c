// The space-time diagram (diagrams.h): the narrative's events in their
// nodes' columns and the messages that link them.
#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include "reports/diagrams.h"
#include "reports/escape.h"

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
    // A leader's append was caused by a Produce request, from whichever
    // client sent it.
    const std::string& text = trace_[at].text;
    const bool append = trace_[at].kind == sim::EventKind::kModel && text.find(" appended ") != std::string::npos &&
                        text.find(" as leader in epoch ") != std::string::npos;
    if (append) {
      for (std::size_t i = at; i-- > 0 && trace_[i].time >= k.time - kMessageSearchNs;) {
        const sim::TraceEvent& e = trace_[i];
        if (e.kind != sim::EventKind::kDeliver || e.node != k.lane) continue;
        auto s = send_of(i);
        if (s && trace_[*s].text.rfind("Produce ", 0) == 0) {
          message(*s, i);
          break;
        }
      }
    }
    for (std::size_t i = at; !append && i-- > 0 && trace_[i].time >= k.time - kMessageSearchNs;) {
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

}  // namespace

std::string space_time_dot(const ReportInput& in, const Narrative& n) {
  if (in.trace == nullptr || in.trace->empty()) return "";
  return SpaceTime(in, n).dot();
}

}  // namespace kafkasim::reports
