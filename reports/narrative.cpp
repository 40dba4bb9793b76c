#include "reports/narrative.h"

#include <algorithm>
#include <cstdio>

#include "checker/history_writer.h"
#include "reports/escape.h"
#include "reports/replica_logs.h"

namespace kafkasim::reports {
namespace {

constexpr std::size_t kMaxValues = 2;    // values of a witness told about
constexpr std::size_t kMaxAppends = 3;   // appends of one value (duplicates)
constexpr std::size_t kMaxFaults = 4;    // faults told after a write
constexpr std::size_t kMaxOps = 6;       // history ops told about

std::string node_name(const ReportInput& in, std::int32_t node) {
  if (node >= 0 && static_cast<std::size_t>(node) < in.node_names.size()) return in.node_names[node];
  return node == sim::kNoNode ? "the harness" : "node " + std::to_string(node);
}

class Teller {
 public:
  Teller(const ReportInput& in, const Focus& focus, const std::vector<Fact>& facts, Narrative& n)
      : in_(in), focus_(focus), facts_(facts), n_(n) {}

  void say(std::int64_t time_ns, std::string text, std::optional<std::size_t> event, std::int32_t node,
           bool fault = false) {
    if (event) {
      for (const Sentence& s : n_.sentences) {
        if (s.event == event) return;
      }
    }
    n_.sentences.push_back(Sentence{time_ns, std::move(text), event, node, fault});
  }
  void say(const Fact& f, std::string text, bool fault = false) { say(f.time_ns, std::move(text), f.event, f.node, fault); }

  void history_ops() {
    if (in_.history == nullptr) return;
    const checker::History& h = *in_.history;
    std::size_t told = 0;
    for (std::int64_t index : focus_.ops) {
      if (told++ >= kMaxOps) break;
      auto pos = op_position(h, index);
      if (!pos) continue;
      const checker::Op& op = h.op(*pos);
      std::string line;
      checker::append_op_jsonl(h, *pos, line);
      if (!line.empty() && line.back() == '\n') line.pop_back();
      std::string role = "op " + std::to_string(index);
      if (focus_.witness.is_object()) {
        for (const char* k : {"writer", "reader", "max_read"}) {
          if (focus_.witness.contains(k) && focus_.witness[k] == index) role = std::string(k) + " op " + std::to_string(index);
        }
      }
      say(op.time < 0 ? 0 : op.time,
          "History: " + role + " (process " + std::to_string(op.process) + ", " + std::string(checker::name(op.type)) +
              " " + std::string(checker::name(op.f)) + ") completed: " + shorten(line, 240),
          std::nullopt, sim::kNoNode);
    }
    if (focus_.anomaly == "lost-write" && focus_.witness.contains("max_read_offset") && !focus_.values.empty()) {
      const auto& w = focus_.witness;
      std::int64_t t = 0;
      if (w.contains("max_read") && w["max_read"].is_number_integer()) {
        if (auto pos = op_position(h, w["max_read"].get<std::int64_t>())) t = std::max<std::int64_t>(0, h.op(*pos).time);
      }
      say(t, "The readers got past it: an ok poll read " + focus_.tp + " up to offset " +
                 value_text(w["max_read_offset"]) + ", yet no ok poll ever returned value " + focus_.values.front() +
                 " — an acknowledged write was lost.",
          std::nullopt, sim::kNoNode);
    }
  }

  // The story of the record at `offset` of the focus partition, appended
  // by broker `broker` in `epoch` (event `from`).
  void record_story(std::int64_t offset, int epoch, int broker, const Fact& append, const std::string& value) {
    const std::string tp = focus_.tp;
    const std::string what = "offset " + std::to_string(offset) + (value.empty() ? "" : " (value " + value + ")");
    std::optional<std::size_t> turning;  // the event that lost the record
    bool committed = false;
    std::vector<int> replicated_by;
    std::size_t faults = 0;
    bool election_told = false;
    for (const Fact& f : facts_) {
      if (f.event <= append.event) continue;
      if (f.kind == Fact::Kind::kFault) {
        if (!turning && faults < kMaxFaults) {
          ++faults;
          say(f, "Fault: " + shorten(f.text.substr(6), 200) + ".", true);
        }
        continue;
      }
      if (f.tp != tp) continue;
      const bool covers = f.first <= offset && offset <= f.last;
      switch (f.kind) {
        case Fact::Kind::kReplicated:
          if (covers && f.peer == broker && !turning &&
              std::find(replicated_by.begin(), replicated_by.end(), f.broker) == replicated_by.end()) {
            replicated_by.push_back(f.broker);
            say(f, "broker-" + std::to_string(f.broker) + " fetched " + what + " from broker-" +
                       std::to_string(broker) + " and stored it (its LEO " + std::to_string(f.leo) + ", HW " +
                       std::to_string(f.hw) + ").");
          }
          break;
        case Fact::Kind::kLeaderAppend:
          if (!committed && !turning && f.broker == broker && f.hw > offset) {
            committed = true;
            say(f, "broker-" + std::to_string(broker) + "'s high watermark passed " + what + " (HW " +
                       std::to_string(f.hw) + "): the record was committed.");
          }
          break;
        case Fact::Kind::kBecameLeader: {
          const auto logs = replica_logs(facts_, tp, f.event + 1);
          auto it = logs.find(f.broker);
          const int held = it == logs.end() ? -2 : it->second.epoch_at(offset);
          if (held != epoch && !election_told) {
            election_told = true;
            std::string why = held == -2 ? "its log ended at " + std::to_string(it == logs.end() ? 0 : it->second.leo) +
                                               ", before offset " + std::to_string(offset)
                                         : held == -1 ? "the trace does not show what it held there"
                                                      : "its offset " + std::to_string(offset) + " came from epoch " +
                                                            std::to_string(held);
            say(f, "broker-" + std::to_string(f.broker) + " became leader of " + tp + " in epoch " +
                       std::to_string(f.epoch) + " without " + what + " of epoch " + std::to_string(epoch) + ": " +
                       why + " (LEO " + std::to_string(f.leo) + ", HW " + std::to_string(f.hw) + ").");
            if (!turning) turning = f.event;
          } else if (held == epoch) {
            say(f, "broker-" + std::to_string(f.broker) + " became leader of " + tp + " in epoch " +
                       std::to_string(f.epoch) + " holding " + what + ".");
          }
          break;
        }
        case Fact::Kind::kElection:
          if (!turning) {
            std::string isr;
            for (int r : f.isr) isr += (isr.empty() ? "" : ",") + std::to_string(r);
            say(f, "The controller committed " + tp + ": leader broker-" + std::to_string(f.peer) + " in epoch " +
                       std::to_string(f.epoch) + ", ISR [" + isr + "].");
          }
          break;
        case Fact::Kind::kTruncated:
          // f.last < 0: truncated to its HW from an end the text does not give.
          if (f.leo <= offset && (f.last >= offset || f.last < 0)) {
            say(f, "broker-" + std::to_string(f.broker) + " truncated " + tp +
                       (f.last >= 0 ? " from LEO " + std::to_string(f.last + 1) : std::string()) + " to " +
                       std::to_string(f.leo) + ", removing " + what +
                       (f.epoch >= 0 ? " (its log diverged from the leader's epoch " + std::to_string(f.epoch) + ")" : "") +
                       ".");
            if (f.broker == broker) turning = f.event;
          }
          break;
        case Fact::Kind::kRetention:
          if (covers) {
            say(f, "Retention deleted offsets [" + std::to_string(f.first) + ", " + std::to_string(f.last + 1) +
                       ") of " + tp + (f.broker ? " on broker-" + std::to_string(f.broker) : "") + ", including " +
                       what + ": the log's retention settings removed it — configuration, not a bug.");
            n_.deleted_by_retention = true;
            if (!turning) turning = f.event;
          }
          break;
        case Fact::Kind::kOther:
          if (f.text.find("detected log truncation of " + tp) != std::string::npos) {
            say(f, f.text + ".");
          }
          break;
        default: break;
      }
    }
    if (replicated_by.empty() && !focus_.tp.empty()) {
      say(append.time_ns, "No follower stored " + what + " from broker-" + std::to_string(broker) + " in epoch " +
                              std::to_string(epoch) + ".",
          std::nullopt, append.node);
    }
    if (!committed) {
      say(append.time_ns, "broker-" + std::to_string(broker) + "'s high watermark never passed " + what +
                              " in epoch " + std::to_string(epoch) + ": it was never committed.",
          std::nullopt, append.node);
    }
    if (turning && !n_.turning_event) n_.turning_event = turning;
  }

  void trace_story() {
    std::size_t values_told = 0;
    for (const std::string& value : focus_.values) {
      if (values_told >= kMaxValues) break;
      std::size_t appends = 0;
      for (const Fact& f : facts_) {
        if (f.kind != Fact::Kind::kLeaderAppend || f.tp != focus_.tp) continue;
        auto it = std::find(f.values.begin(), f.values.end(), value);
        if (it == f.values.end()) continue;
        const std::int64_t offset = f.first + (it - f.values.begin());
        if (appends++ >= kMaxAppends) break;
        say(f, "broker-" + std::to_string(f.broker) + " appended value " + value + " at offset " +
                   std::to_string(offset) + " of " + focus_.tp + " as leader in epoch " + std::to_string(f.epoch) +
                   " (LEO " + std::to_string(f.leo) + ", HW " + std::to_string(f.hw) + ").");
        acknowledgement(f, offset, value);
        if (appends == 1) record_story(offset, f.epoch, f.broker, f, value);
      }
      if (appends > 0) ++values_told;
    }
    if (values_told == 0 && !focus_.offsets.empty() && !focus_.tp.empty()) {
      // No append of the witness's values is in the trace: tell what
      // happened at its first offset.
      const std::int64_t offset = focus_.offsets.front();
      for (const Fact& f : facts_) {
        if (f.kind != Fact::Kind::kLeaderAppend || f.tp != focus_.tp || f.first > offset || offset > f.last) continue;
        say(f, "broker-" + std::to_string(f.broker) + " appended offset " + std::to_string(offset) + " of " +
                   focus_.tp + " as leader in epoch " + std::to_string(f.epoch) + ".");
        acknowledgement(f, offset, "");
        record_story(offset, f.epoch, f.broker, f, "");
        break;
      }
    }
  }

  void acknowledgement(const Fact& append, std::int64_t offset, const std::string& value) {
    for (const Fact& a : facts_) {
      if (a.event <= append.event || a.kind != Fact::Kind::kAcked || a.tp != append.tp) continue;
      if (a.peer != append.broker || a.first > offset || offset > a.last) continue;
      say(a, node_name(in_, a.node) + " was told by broker-" + std::to_string(a.peer) + ", leader in epoch " +
                 std::to_string(append.epoch) + ", that " + (value.empty() ? "its write" : "value " + value) +
                 " was written at offset " + std::to_string(offset) + " of " + append.tp + ".");
      return;
    }
  }

  void invariant_story() {
    // Violations are timed in whole ms: told after the events of their ms.
    auto violations = [&](std::int64_t last_event_ns) {
      for (const InvariantDetail& v : in_.invariants) {
        std::int64_t t = v.time_ms * 1'000'000;
        if (last_event_ns / 1'000'000 == v.time_ms) t = std::max(t, last_event_ns);
        say(t, "Invariant " + v.name + " broken: " + v.detail + ".", std::nullopt, sim::kNoNode);
      }
    };
    if (in_.trace == nullptr || focus_.tp.empty() || !focus_.time_ns) {
      violations(0);
      return;
    }
    // The partition's leadership and truncations up to the violation.
    std::vector<const Fact*> recent;
    for (const Fact& f : facts_) {
      if (f.time_ns >= *focus_.time_ns + 1'000'000) break;  // the violation's time is in whole ms
      if (f.kind == Fact::Kind::kFault || (f.tp == focus_.tp && (f.kind == Fact::Kind::kBecameLeader ||
                                                                  f.kind == Fact::Kind::kTruncated ||
                                                                  f.kind == Fact::Kind::kElection ||
                                                                  f.kind == Fact::Kind::kFollows))) {
        recent.push_back(&f);
      }
    }
    const std::size_t from = recent.size() > 12 ? recent.size() - 12 : 0;
    for (std::size_t i = from; i < recent.size(); ++i) {
      say(*recent[i], recent[i]->text + ".", recent[i]->kind == Fact::Kind::kFault);
    }
    violations(recent.empty() ? 0 : recent.back()->time_ns);
  }

 private:
  const ReportInput& in_;
  const Focus& focus_;
  const std::vector<Fact>& facts_;
  Narrative& n_;
};

}  // namespace

std::string format_ms(std::int64_t time_ns) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.1f ms", static_cast<double>(time_ns) / 1e6);
  return buf;
}

Narrative build_narrative(const ReportInput& in, const Focus& focus, const std::vector<Fact>& facts) {
  Narrative n;
  if (focus.anomaly.empty()) {
    n.missing = "The run has no anomaly and no invariant violation to explain.";
    return n;
  }
  Teller t(in, focus, facts, n);
  if (focus.anomaly.rfind("invariant:", 0) == 0) {
    t.invariant_story();
  } else {
    t.history_ops();
    if (in.trace != nullptr && !in.trace->empty()) t.trace_story();
  }
  if (in.trace == nullptr || in.trace->empty()) {
    n.missing = in.trace_note.empty() ? "No trace events were recorded, so the story stops at the history."
                                      : in.trace_note;
  }
  std::stable_sort(n.sentences.begin(), n.sentences.end(), [](const Sentence& a, const Sentence& b) {
    if (a.time_ns != b.time_ns) return a.time_ns < b.time_ns;
    return a.event.value_or(SIZE_MAX) < b.event.value_or(SIZE_MAX);
  });
  if (!n.sentences.empty()) {
    n.begin_ns = n.sentences.front().time_ns;
    n.end_ns = n.sentences.back().time_ns;
  }
  return n;
}

}  // namespace kafkasim::reports
