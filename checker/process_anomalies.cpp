// Across the ops of one process (Jepsen's poll-skip+nonmonotonic-cases and
// nonmonotonic-send-cases), comparing the last value an op observed for a
// key with the first value the process's next op observed for that key:
//   poll-skip          the next poll starts past the position right after
//                      where the previous ok poll left off;
//   nonmonotonic-poll  the next poll starts at or before it;
//   nonmonotonic-send  the next send (ok or info) lands at or before the
//                      previous send (ok or info).
// Polls of any completed type are checked, but only ok polls move the
// process's position, as in Jepsen. An ok or info assign/subscribe forgets
// the keys it does not list. A key a poll returned no records for is not
// read by it. Positions, not offsets, are compared: gaps are not skips.
#include "checker/poll_order.h"

namespace kafkasim::checker {

namespace {

struct Last {
  Seen seen;
  OpPos op;
};

// Per process, per key, the last observation: a flat sorted map per process.
class LastByProcess {
 public:
  using Slot = std::vector<std::pair<KeyId, Last>>;

  Slot& of(std::int32_t process) {
    std::uint64_t h = mix64(static_cast<std::uint32_t>(process));
    std::uint32_t id = index_.find(h, [&](std::uint32_t i) { return procs_[i] == process; });
    if (id == kNone) {
      id = static_cast<std::uint32_t>(procs_.size());
      procs_.push_back(process);
      slots_.emplace_back();
      index_.insert(h, id);
    }
    return slots_[id];
  }

  static const Last* find(const Slot& s, KeyId k) {
    auto it = std::lower_bound(s.begin(), s.end(), k, [](const auto& x, KeyId y) { return x.first < y; });
    return it != s.end() && it->first == k ? &it->second : nullptr;
  }
  static void put(Slot& s, KeyId k, const Last& v) {
    auto it = std::lower_bound(s.begin(), s.end(), k, [](const auto& x, KeyId y) { return x.first < y; });
    if (it != s.end() && it->first == k) {
      it->second = v;
    } else {
      s.insert(it, {k, v});
    }
  }
  // Keeps only the keys in `sorted_keys`.
  static void retain(Slot& s, const std::vector<KeyId>& sorted_keys) {
    std::erase_if(s, [&](const auto& x) {
      return !std::binary_search(sorted_keys.begin(), sorted_keys.end(), x.first);
    });
  }

 private:
  IdTable index_;
  std::vector<std::int32_t> procs_;
  std::vector<Slot> slots_;
};

// Compares op `pos`'s observations of kind `kind` with the process's last
// ones, reports, and (if `advance`) records its own last ones.
void step(const Facts& f, OpPos pos, EventKind kind, bool advance, LastByProcess::Slot& last,
          const char* skip_name, const char* nonmonotonic_name,
          std::vector<std::pair<KeyId, std::uint32_t>>& scratch, Findings& out) {
  const Op& op = f.h.op(pos);
  auto events = f.h.events(op);
  group_by_key(f, events, kind, scratch);
  for (std::size_t i = 0; i < scratch.size();) {
    KeyId k = scratch[i].first;
    std::size_t j = i;
    while (j + 1 < scratch.size() && scratch[j + 1].first == k) ++j;
    Seen first = seen(f, events[scratch[i].second]);
    if (const Last* prev = LastByProcess::find(last, k)) {
      std::int64_t d = delta(prev->seen, first);
      const char* name = d > 1 ? skip_name : d < 1 ? nonmonotonic_name : nullptr;
      if (name) {
        nlohmann::json w = order_witness(f, k, prev->seen, first);
        w["ops"] = {f.index(prev->op), op.index};
        out.add(name, k, op.index, first.elem, std::move(w));
      }
    }
    if (advance) LastByProcess::put(last, k, Last{seen(f, events[scratch[j].second]), pos});
    i = j + 1;
  }
}

}  // namespace

void find_process_anomalies(const Facts& f, Findings& out) {
  LastByProcess polls, sends;
  std::vector<std::pair<KeyId, std::uint32_t>> scratch;
  std::vector<KeyId> keys;
  for (std::size_t p = 0; p < f.h.size(); ++p) {
    OpPos pos = static_cast<OpPos>(p);
    const Op& op = f.h.op(pos);
    if (op.type == OpType::invoke) continue;
    bool done = op.type == OpType::ok || op.type == OpType::info;
    switch (op.f) {
      case OpFn::assign:
      case OpFn::subscribe:
        if (!done) break;
        keys.clear();
        for (const Event& ev : f.h.events(op))
          if (ev.kind == EventKind::key) keys.push_back(ev.id);
        std::sort(keys.begin(), keys.end());
        LastByProcess::retain(polls.of(op.process), keys);
        LastByProcess::retain(sends.of(op.process), keys);
        break;
      case OpFn::poll:
        step(f, pos, EventKind::read, op.type == OpType::ok, polls.of(op.process), "poll-skip",
             "nonmonotonic-poll", scratch, out);
        break;
      case OpFn::send:
        if (done)
          step(f, pos, EventKind::send, true, sends.of(op.process), nullptr, "nonmonotonic-send",
               scratch, out);
        break;
      case OpFn::txn:
        step(f, pos, EventKind::read, op.type == OpType::ok, polls.of(op.process), "poll-skip",
             "nonmonotonic-poll", scratch, out);
        if (done)
          step(f, pos, EventKind::send, true, sends.of(op.process), nullptr, "nonmonotonic-send",
               scratch, out);
        break;
      case OpFn::other:
        break;
    }
  }
}

}  // namespace kafkasim::checker
