// Order anomalies: whether reads and sends follow each key's version order.
// Positions, not offsets, are compared, so offset gaps (transaction markers,
// aborted records) are not skips. For two observations a then b of one key,
// delta is b's position minus a's, or 1 (in order) if either is unknown.
//
// Within one op (Jepsen's int-poll-skip+nonmonotonic-cases and
// int-send-skip+nonmonotonic-cases), consecutive reads (sends) of a key:
//   int-poll-skip          delta > 1: the op skipped values in between;
//   int-nonmonotonic-poll  delta < 1: it went backwards or repeated a value;
//   int-send-skip          delta > 1: other values came between (normal in
//                          Kafka, where producers interleave);
//   int-nonmonotonic-send  delta < 1.
// Keys in the op's rebalance-log are exempt from the poll checks.
//
// Across a process's ops (Jepsen's poll-skip+nonmonotonic-cases and
// nonmonotonic-send-cases), the last value one op observed for a key then
// the first value the process's next op observed for it:
//   poll-skip          delta > 1;
//   nonmonotonic-poll  delta < 1;
//   nonmonotonic-send  delta < 1, over sends of ok and info ops.
// Polls of any completed type are checked, but only ok polls move the
// process's position. An ok or info assign/subscribe forgets the keys it
// does not list. A key a poll returned no records for is not read by it.
#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "checker/analysis.h"

namespace kafkasim::checker {

namespace {

// One observation of a value (a read or a send): the value, its position in
// the key's version order (-1 if unknown), and where it is in the history
// (op and event), for its offset.
struct Seen {
  ElemId elem;
  std::int32_t pos;
  OpPos op;
  std::uint32_t event;  // index among the op's events

  std::int64_t offset(const Facts& f) const { return f.h.events(f.h.op(op))[event].offset(); }
};

Seen seen(const Facts& f, const Event& ev, OpPos op, std::uint32_t i) {
  std::int32_t p = f.vo.multi(ev.id) ? f.vo.position(ev.id, ev.offset()) : f.vo.first_pos(ev.id);
  return Seen{ev.id, p, op, i};
}

std::int64_t delta(const Seen& a, const Seen& b) {
  if (a.pos < 0 || b.pos < 0) return 1;
  return static_cast<std::int64_t>(b.pos) - a.pos;
}

nlohmann::json witness(const Facts& f, KeyId k, const Seen& a, const Seen& b) {
  nlohmann::json w = {{"key", f.key_json(k)},
                      {"values", {f.value_json(a.elem), f.value_json(b.elem)}},
                      {"offsets", {Facts::offset_json(a.offset(f)), Facts::offset_json(b.offset(f))}},
                      {"delta", delta(a, b)}};
  if (delta(a, b) > 1) w["skipped"] = f.values_between(k, a.pos, b.pos);
  return w;
}

// Per process, per key, the last observation: a flat sorted map per process.
class LastByProcess {
 public:
  using Slot = std::vector<std::pair<KeyId, Seen>>;

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

  static const Seen* find(const Slot& s, KeyId k) {
    auto it = std::lower_bound(s.begin(), s.end(), k, [](const auto& x, KeyId y) { return x.first < y; });
    return it != s.end() && it->first == k ? &it->second : nullptr;
  }
  static void put(Slot& s, KeyId k, const Seen& v) {
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

struct Names {
  const char* int_skip;
  const char* int_nonmonotonic;
  const char* skip;  // nullptr: not reported
  const char* nonmonotonic;
};
constexpr Names kPolls{"int-poll-skip", "int-nonmonotonic-poll", "poll-skip", "nonmonotonic-poll"};
constexpr Names kSends{"int-send-skip", "int-nonmonotonic-send", nullptr, "nonmonotonic-send"};

class OrderPass {
 public:
  OrderPass(const Facts& f, Findings& out) : f_(f), out_(out) {}

  void run() {
    for (std::size_t p = 0; p < f_.h.size(); ++p) {
      OpPos pos = static_cast<OpPos>(p);
      const Op& op = f_.h.op(pos);
      if (op.type == OpType::invoke) continue;
      bool done = op.type == OpType::ok || op.type == OpType::info;
      if (op.f == OpFn::assign || op.f == OpFn::subscribe) {
        if (done) forget_unlisted(op);
        continue;
      }
      if (op.f == OpFn::poll || op.f == OpFn::txn) {
        rebalanced_.clear();
        for (const Event& ev : f_.h.events(op))
          if (ev.kind == EventKind::rebalanced) rebalanced_.push_back(ev.id);
        observe(pos, EventKind::read, kPolls, &polls_, op.type == OpType::ok);
      }
      if (op.f == OpFn::send || op.f == OpFn::txn)
        observe(pos, EventKind::send, kSends, done ? &sends_ : nullptr, true);
    }
  }

 private:
  void forget_unlisted(const Op& op) {
    keys_.clear();
    for (const Event& ev : f_.h.events(op))
      if (ev.kind == EventKind::key) keys_.push_back(ev.id);
    std::sort(keys_.begin(), keys_.end());
    LastByProcess::retain(polls_.of(op.process), keys_);
    LastByProcess::retain(sends_.of(op.process), keys_);
  }

  void report(const char* name, KeyId k, const Seen& a, const Seen& b, nlohmann::json ops,
              const char* ops_field, std::int64_t index) {
    nlohmann::json w = witness(f_, k, a, b);
    w[ops_field] = std::move(ops);
    out_.add(name, k, index, b.elem, std::move(w));
  }

  // Checks op `pos`'s observations of `kind` within the op (each key's in
  // op order: Jepsen's op-reads / op-writes) and, if `across` is given,
  // against the process's previous ones (recording its own last ones if
  // `advance`).
  void observe(OpPos pos, EventKind kind, const Names& names, LastByProcess* across, bool advance) {
    const Op& op = f_.h.op(pos);
    runs_.clear();
    EventRange events = f_.h.events(op);
    for (std::uint32_t i = 0; i < events.size(); ++i) {
      Event ev = events[i];
      if (ev.kind != kind) continue;
      KeyId k = f_.h.elem_key(ev.id);
      Seen cur = seen(f_, ev, pos, i);
      auto run = std::find_if(runs_.rbegin(), runs_.rend(), [&](const Run& r) { return r.key == k; });
      if (run == runs_.rend()) {
        runs_.push_back(Run{k, cur, cur});
        continue;
      }
      std::int64_t d = delta(run->last, cur);
      bool exempt = kind == EventKind::read &&
                    std::find(rebalanced_.begin(), rebalanced_.end(), k) != rebalanced_.end();
      if (d != 1 && !exempt)
        report(d > 1 ? names.int_skip : names.int_nonmonotonic, k, run->last, cur, op.index, "op", op.index);
      run->last = cur;
    }
    if (!across) return;
    LastByProcess::Slot& last = across->of(op.process);
    for (const Run& run : runs_) {
      if (const Seen* before = LastByProcess::find(last, run.key)) {
        std::int64_t d = delta(*before, run.first);
        const char* name = d > 1 ? names.skip : d < 1 ? names.nonmonotonic : nullptr;
        if (name) report(name, run.key, *before, run.first, {f_.index(before->op), op.index}, "ops", op.index);
      }
      if (advance) LastByProcess::put(last, run.key, run.last);
    }
  }

  // A key's first and last observation in one op.
  struct Run {
    KeyId key;
    Seen first, last;
  };

  const Facts& f_;
  Findings& out_;
  LastByProcess polls_, sends_;
  std::vector<Run> runs_;
  std::vector<KeyId> rebalanced_, keys_;
};

}  // namespace

void find_order_anomalies(const Facts& f, Findings& out) { OrderPass(f, out).run(); }

}  // namespace kafkasim::checker
