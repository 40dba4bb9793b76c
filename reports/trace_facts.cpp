#include "reports/trace_facts.h"

#include <charconv>
#include <cstring>

namespace kafkasim::reports {
namespace {

// A cursor over one event text: expects literal words and reads numbers.
class Scan {
 public:
  explicit Scan(std::string_view s) : s_(s) {}

  bool lit(std::string_view w) {
    if (s_.substr(i_, w.size()) != w) return false;
    i_ += w.size();
    return true;
  }
  bool num(std::int64_t& out) {
    const char* b = s_.data() + i_;
    const char* e = s_.data() + s_.size();
    auto [p, ec] = std::from_chars(b, e, out);
    if (ec != std::errc()) return false;
    i_ += static_cast<std::size_t>(p - b);
    return true;
  }
  bool num(int& out) {
    std::int64_t v;
    if (!num(v)) return false;
    out = static_cast<int>(v);
    return true;
  }
  // A word up to the next character in `stops` (or the end).
  std::string_view word(const char* stops = " ") {
    const std::size_t start = i_;
    while (i_ < s_.size() && std::strchr(stops, s_[i_]) == nullptr) ++i_;
    return s_.substr(start, i_ - start);
  }
  // Moves past the next occurrence of `w`.
  bool skip_past(std::string_view w) {
    const std::size_t at = s_.find(w, i_);
    if (at == std::string_view::npos) return false;
    i_ = at + w.size();
    return true;
  }
  std::string_view rest() const { return s_.substr(i_); }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

bool broker_name(Scan& s, int& id) { return s.lit("broker-") && s.num(id); }

// "(LEO L, HW H)" or "LEO L, HW H" anywhere after the cursor.
void leo_hw(Scan s, Fact& f) {
  if (s.skip_past("LEO ")) s.num(f.leo);
  if (s.skip_past("HW ")) s.num(f.hw);
}

bool parse_broker_fact(std::string_view text, Fact& f) {
  Scan s(text);
  if (!broker_name(s, f.broker) || !s.lit(" ")) return false;
  if (s.lit("appended ")) {
    f.tp = s.word();
    if (!s.lit(" offsets ") || !s.num(f.first) || !s.lit("..") || !s.num(f.last)) return false;
    if (!s.lit(" as leader in epoch ") || !s.num(f.epoch)) return false;
    if (s.lit(" (values ")) {
      std::string_view list = s.word(";)");
      Scan v(list);
      while (!v.rest().empty()) {
        std::string_view w = v.word();
        if (!w.empty()) f.values.emplace_back(w);
        v.lit(" ");
      }
    }
    leo_hw(s, f);
    f.kind = Fact::Kind::kLeaderAppend;
    return true;
  }
  if (s.lit("replicated ")) {
    f.tp = s.word();
    if (!s.lit(" offsets ") || !s.num(f.first) || !s.lit("..") || !s.num(f.last)) return false;
    if (!s.lit(" from ") || !broker_name(s, f.peer)) return false;
    if (s.lit(" in epoch ")) s.num(f.epoch);
    leo_hw(s, f);
    f.kind = Fact::Kind::kReplicated;
    return true;
  }
  if (s.lit("truncated ")) {
    f.tp = s.word();
    if (s.lit(" from LEO ")) {
      std::int64_t from;
      if (!s.num(from) || !s.lit(" to ") || !s.num(f.leo)) return false;
      f.first = f.leo;
      f.last = from - 1;
    } else if (s.lit(" to its high watermark ")) {
      if (!s.num(f.leo)) return false;
      f.first = f.leo;
    } else {
      return false;
    }
    if (s.skip_past("leader epoch ")) s.num(f.epoch);
    f.kind = Fact::Kind::kTruncated;
    return true;
  }
  if (s.lit("opened ")) {
    f.tp = s.word(":");
    if (!s.lit(": log start ") || !s.num(f.log_start)) return false;
    leo_hw(s, f);
    f.kind = Fact::Kind::kOpened;
    return true;
  }
  if (s.lit("became leader of ")) {
    f.tp = s.word();
    if (!s.lit(" in epoch ") || !s.num(f.epoch)) return false;
    leo_hw(s, f);
    f.peer = f.broker;
    f.kind = Fact::Kind::kBecameLeader;
    return true;
  }
  if (s.lit("follows ")) {
    if (!broker_name(s, f.peer) || !s.lit(" for ")) return false;
    f.tp = s.word();
    if (s.lit(" in epoch ")) s.num(f.epoch);
    f.kind = Fact::Kind::kFollows;
    return true;
  }
  return false;
}

bool parse_other_fact(std::string_view text, Fact& f) {
  Scan s(text);
  if (s.lit("retention: deleted ")) {
    f.tp = normalize_tp(s.word());
    std::int64_t end;
    if (!s.lit(" offsets [") || !s.num(f.first) || !s.lit(", ") || !s.num(end)) return false;
    f.last = end - 1;
    f.kind = Fact::Kind::kRetention;
    return true;
  }
  if (s.lit("fault ")) {
    f.kind = Fact::Kind::kFault;
    return true;
  }
  if (s.lit("metadata ")) {
    std::int64_t offset;
    if (!s.num(offset) || !s.lit(": ")) return false;
    std::string tp(s.word(":"));
    if (!s.lit(": leader ")) return false;
    f.tp = tp;
    if (!s.num(f.peer)) return false;
    if (s.lit(" epoch ")) s.num(f.epoch);
    if (s.lit(" isr [")) {
      int id;
      while (s.num(id)) {
        f.isr.push_back(id);
        s.lit(",");
      }
    }
    f.kind = Fact::Kind::kElection;
    return true;
  }
  // "<client> got offsets A..B of T/P acknowledged by broker-M"
  const std::size_t got = text.find(" got offsets ");
  if (got != std::string_view::npos && got > 0 && text.find(' ') == got) {
    Scan a(text.substr(got + std::strlen(" got offsets ")));
    if (!a.num(f.first) || !a.lit("..") || !a.num(f.last) || !a.lit(" of ")) return false;
    f.tp = a.word();
    if (!a.lit(" acknowledged by ") || !broker_name(a, f.peer)) return false;
    f.kind = Fact::Kind::kAcked;
    return true;
  }
  return false;
}

}  // namespace

std::string normalize_tp(std::string_view s) {
  std::string out(s);
  if (out.find('/') != std::string::npos) return out;
  const std::size_t dash = out.rfind('-');
  if (dash != std::string::npos) out[dash] = '/';
  return out;
}

bool is_fault_event(sim::EventKind kind) {
  switch (kind) {
    case sim::EventKind::kCrash:
    case sim::EventKind::kPowerLoss:
    case sim::EventKind::kRestart:
    case sim::EventKind::kPause:
    case sim::EventKind::kResume:
    case sim::EventKind::kPartition:
    case sim::EventKind::kHeal:
    case sim::EventKind::kClog:
    case sim::EventKind::kClockSkew: return true;
    default: return false;
  }
}

int broker_of_node(const std::vector<std::string>& node_names, std::int32_t node) {
  if (node < 0 || static_cast<std::size_t>(node) >= node_names.size()) return 0;
  Scan s(node_names[static_cast<std::size_t>(node)]);
  int id = 0;
  return broker_name(s, id) && s.rest().empty() ? id : 0;
}

std::vector<Fact> model_facts(const std::vector<sim::TraceEvent>& trace,
                              const std::vector<std::string>& node_names) {
  std::vector<Fact> facts;
  for (std::size_t i = 0; i < trace.size(); ++i) {
    const sim::TraceEvent& e = trace[i];
    if (e.kind != sim::EventKind::kModel) continue;
    Fact f;
    f.event = i;
    f.time_ns = e.time;
    f.node = e.node;
    f.text = e.text;
    Fact parsed = f;
    if (parse_broker_fact(e.text, parsed) || parse_other_fact(e.text, parsed)) {
      if (parsed.broker == 0) parsed.broker = broker_of_node(node_names, e.node);
      facts.push_back(std::move(parsed));
    } else {
      facts.push_back(std::move(f));
    }
  }
  return facts;
}

}  // namespace kafkasim::reports
