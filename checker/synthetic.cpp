#include "checker/synthetic.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace kafkasim::checker {

namespace {

struct Slot {
  std::int64_t value;
  bool visible;  // false: a transaction marker, an aborted or a lost record
};

enum class Kind { assign, send, poll, txn, crash };

struct Mop {
  bool send;
  KeyId key;
  std::int64_t value;
};

struct Read {
  KeyId key;
  std::int64_t offset;
  std::int64_t value;
};

// What one micro-op returned at completion.
struct MopResult {
  std::int64_t offset = kUnknownOffset;  // sends
  std::vector<Read> reads;               // polls, grouped by key
};

struct Thread {
  std::int32_t process = 0;
  bool pending = false;
  Kind kind = Kind::poll;
  OpFn f = OpFn::poll;
  std::vector<Mop> mops;
  std::vector<KeyId> assign_keys;
  std::vector<std::pair<KeyId, std::int64_t>> next;  // assigned key -> next offset, by key
};

enum class Outcome { ok, fail, info };

class Generator {
 public:
  explicit Generator(const SyntheticOptions& o) : o_(o), rng_(o.seed), logs_(o.keys) {
    for (std::size_t k = 0; k < o.keys; ++k)
      keys_.push_back(out_.history.intern_key("queue/" + std::to_string(k)));
    threads_.resize(o.threads);
    for (std::size_t t = 0; t < o.threads; ++t) threads_[t].process = static_cast<std::int32_t>(t);
    fault_pending_ = o.fault != Fault::none;
  }

  Synthetic run() {
    while (emitted_ < o_.ops) {
      Thread& t = threads_[rng_.below(threads_.size())];
      if (t.pending) {
        complete(t);
      } else {
        invoke(t);
      }
    }
    for (Thread& t : threads_)
      if (t.pending) complete(t);
    final_reads();
    return std::move(out_);
  }

 private:
  History& h() { return out_.history; }

  void end(Thread& t) {
    time_ += 1 + static_cast<std::int64_t>(rng_.below(1000));
    h().end_op(std::nullopt, time_, t.process);
    ++emitted_;
  }

  void crash(Thread& t) {
    t.process += static_cast<std::int32_t>(threads_.size());
    t.next.clear();
  }

  KeyId random_key() { return keys_[rng_.below(keys_.size())]; }

  void invoke(Thread& t) {
    t.mops.clear();
    t.assign_keys.clear();
    std::uint64_t r = rng_.below(100);
    if (r < 1) {
      t.kind = Kind::crash;
      t.f = OpFn::other;
    } else if (r < 6 || (t.next.empty() && r < 70)) {
      t.kind = Kind::assign;
      t.f = OpFn::assign;
      for (KeyId k : keys_)
        if (rng_.chance(50)) t.assign_keys.push_back(k);
      if (t.assign_keys.empty()) t.assign_keys.push_back(random_key());
    } else if (!o_.txn) {
      bool send = rng_.chance(50);
      t.kind = send ? Kind::send : Kind::poll;
      t.f = send ? OpFn::send : OpFn::poll;
      t.mops.push_back(Mop{send, send ? random_key() : kNone, send ? next_value_++ : 0});
    } else {
      std::size_t n = 1 + rng_.below(4);
      bool sends = false, polls = false;
      for (std::size_t i = 0; i < n; ++i) {
        bool send = rng_.chance(50);
        (send ? sends : polls) = true;
        t.mops.push_back(Mop{send, send ? random_key() : kNone, send ? next_value_++ : 0});
      }
      t.kind = Kind::txn;
      t.f = sends && polls ? OpFn::txn : sends ? OpFn::send : OpFn::poll;
    }

    h().begin_op(OpType::invoke, t.f);
    if (t.kind == Kind::assign) {
      for (KeyId k : t.assign_keys) h().key(k);
    } else {
      for (const Mop& m : t.mops) {
        if (m.send) {
          h().send(m.key, ValueRef::integer(m.value));
        } else {
          h().poll();
        }
      }
    }
    t.pending = true;
    end(t);
  }

  Outcome draw_outcome(const Thread& t) {
    std::uint64_t r = rng_.below(100);
    if (t.kind == Kind::poll) return r < 96 ? Outcome::ok : r < 98 ? Outcome::fail : Outcome::info;
    return r < 90 ? Outcome::ok : r < 94 ? Outcome::fail : Outcome::info;
  }

  bool fault_due() const { return fault_pending_ && emitted_ >= o_.ops / 3; }

  void injected(std::string detail) {
    fault_pending_ = false;
    out_.injected = true;
    out_.detail = std::move(detail);
  }

  // Appends a record to key k; returns its offset.
  std::int64_t append(KeyId k, std::int64_t value, bool visible) {
    auto& log = logs_[k];
    if (!o_.txn && rng_.chance(3)) log.push_back(Slot{-1, false});  // another producer's marker
    log.push_back(Slot{value, visible});
    return static_cast<std::int64_t>(log.size()) - 1;
  }

  // One poll by thread t: up to `batch` visible records of each assigned key.
  void poll(Thread& t, std::size_t batch, std::vector<Read>& reads) {
    for (auto& [k, next] : t.next) {
      const auto& log = logs_[k];
      std::size_t got = 0;
      while (got < batch && next < static_cast<std::int64_t>(log.size())) {
        const Slot& s = log[static_cast<std::size_t>(next)];
        if (s.visible) {
          reads.push_back(Read{k, next, s.value});
          ++got;
        }
        ++next;
      }
    }
  }

  void complete(Thread& t) {
    t.pending = false;
    if (t.kind == Kind::crash) {
      h().begin_op(OpType::info, OpFn::other);
      end(t);
      crash(t);
      return;
    }
    if (t.kind == Kind::assign) {
      std::vector<std::pair<KeyId, std::int64_t>> next;
      for (KeyId k : t.assign_keys) {
        auto it = std::find_if(t.next.begin(), t.next.end(), [&](const auto& x) { return x.first == k; });
        next.emplace_back(k, it == t.next.end() ? 0 : it->second);
      }
      std::sort(next.begin(), next.end());
      t.next = std::move(next);
      h().begin_op(OpType::ok, t.f);
      for (KeyId k : t.assign_keys) h().key(k);
      end(t);
      return;
    }

    Outcome outcome = draw_outcome(t);
    bool has_sends = std::any_of(t.mops.begin(), t.mops.end(), [](const Mop& m) { return m.send; });
    // A due fault takes the next op it can corrupt.
    if (fault_due() && o_.fault == Fault::swapped_pair) outcome = Outcome::ok;
    if (fault_due() && has_sends)
      outcome = o_.fault == Fault::failed_read ? Outcome::fail : Outcome::ok;
    // Whether the sends take effect (become visible), and whether the
    // client learns their offsets.
    bool effective = outcome == Outcome::ok || (outcome == Outcome::info && rng_.chance(50));
    if (fault_due() && has_sends && o_.fault == Fault::failed_read && outcome == Outcome::fail) {
      effective = true;
      injected("failed send made visible");
    }

    results_.resize(t.mops.size());
    for (MopResult& r : results_) {
      r.offset = kUnknownOffset;
      r.reads.clear();
    }
    if (outcome == Outcome::ok) {
      std::size_t batch_max = t.kind == Kind::txn ? 5 : 8;
      for (std::size_t i = 0; i < t.mops.size(); ++i)
        if (!t.mops[i].send) poll(t, rng_.below(batch_max + 1), results_[i].reads);
    }
    if (has_sends) {
      bool txn = t.kind == Kind::txn;
      std::vector<KeyId> touched;
      for (std::size_t i = 0; i < t.mops.size(); ++i) {
        const Mop& m = t.mops[i];
        if (!m.send) continue;
        if (!effective && !txn) continue;  // a failed plain send never reached the log
        results_[i].offset = send_effect(m, effective, outcome == Outcome::ok);
        if (std::find(touched.begin(), touched.end(), m.key) == touched.end()) touched.push_back(m.key);
      }
      if (txn)
        for (KeyId k : touched) logs_[k].push_back(Slot{-1, false});  // commit/abort marker
    }
    if (outcome == Outcome::ok && fault_due() && o_.fault == Fault::swapped_pair) swap_pair();

    OpType type = outcome == Outcome::ok ? OpType::ok : outcome == Outcome::fail ? OpType::fail : OpType::info;
    h().begin_op(type, t.f);
    for (std::size_t i = 0; i < t.mops.size(); ++i) {
      const Mop& m = t.mops[i];
      if (m.send) {
        h().send(m.key, ValueRef::integer(m.value), outcome == Outcome::ok ? results_[i].offset : kUnknownOffset);
      } else {
        h().poll();
        for (const Read& r : results_[i].reads) h().read(r.key, r.offset, ValueRef::integer(r.value));
      }
    }
    end(t);
    if (outcome == Outcome::info || (outcome == Outcome::fail && t.kind == Kind::txn)) crash(t);
  }

  // Appends one send; returns the offset the client is told (if ok).
  std::int64_t send_effect(const Mop& m, bool effective, bool ok) {
    if (ok && fault_due()) {
      switch (o_.fault) {
        case Fault::lost_write:
          injected("value " + std::to_string(m.value) + " acknowledged, never visible");
          return append(m.key, m.value, false);
        case Fault::duplicate: {
          std::int64_t o = append(m.key, m.value, true);
          logs_[m.key].push_back(Slot{m.value, true});
          injected("value " + std::to_string(m.value) + " appended twice");
          return o;
        }
        case Fault::wrong_offset: {
          std::int64_t o = append(m.key, m.value, true);
          for (std::int64_t p = o - 1; p >= 0; --p) {
            if (!logs_[m.key][static_cast<std::size_t>(p)].visible) continue;
            injected("value " + std::to_string(m.value) + " acknowledged at offset " + std::to_string(p));
            return p;
          }
          return o;
        }
        default:
          break;
      }
    }
    return append(m.key, m.value, effective);
  }

  // Swaps the first two records of one key in one poll result.
  void swap_pair() {
    for (MopResult& r : results_) {
      for (std::size_t i = 0; i + 1 < r.reads.size(); ++i) {
        if (r.reads[i].key != r.reads[i + 1].key) continue;
        std::swap(r.reads[i], r.reads[i + 1]);
        injected("records at offsets " + std::to_string(r.reads[i + 1].offset) + " and " +
                 std::to_string(r.reads[i].offset) + " swapped");
        return;
      }
    }
  }

  // A fresh consumer assigns every key and polls until it has read all.
  void final_reads() {
    Thread t;
    std::int32_t max_process = 0;
    for (const Thread& x : threads_) max_process = std::max(max_process, x.process);
    t.process = max_process + 1;
    t.kind = Kind::assign;
    t.f = OpFn::assign;
    t.assign_keys = keys_;
    h().begin_op(OpType::invoke, OpFn::assign);
    for (KeyId k : keys_) h().key(k);
    end(t);
    t.pending = true;
    complete(t);
    std::vector<Read> reads;
    for (;;) {
      bool behind = false;
      for (const auto& [k, next] : t.next) behind = behind || next < static_cast<std::int64_t>(logs_[k].size());
      if (!behind) return;
      h().begin_op(OpType::invoke, OpFn::poll);
      h().poll();
      end(t);
      reads.clear();
      poll(t, 1000, reads);
      if (fault_pending_ && o_.fault == Fault::swapped_pair && reads.size() >= 2 &&
          reads[0].key == reads[1].key) {
        std::swap(reads[0], reads[1]);
        injected("final read swapped");
      }
      h().begin_op(OpType::ok, OpFn::poll);
      h().poll();
      for (const Read& r : reads) h().read(r.key, r.offset, ValueRef::integer(r.value));
      end(t);
    }
  }

  const SyntheticOptions& o_;
  SplitMix64 rng_;
  Synthetic out_;
  std::vector<std::vector<Slot>> logs_;
  std::vector<KeyId> keys_;
  std::vector<Thread> threads_;
  std::vector<MopResult> results_;
  std::size_t emitted_ = 0;
  std::int64_t time_ = 0;
  std::int64_t next_value_ = 1;
  bool fault_pending_ = false;
};

}  // namespace

Synthetic synthetic_history(const SyntheticOptions& opts) {
  SyntheticOptions o = opts;
  o.keys = std::max<std::size_t>(o.keys, 1);
  o.threads = std::max<std::size_t>(o.threads, 1);
  return Generator(o).run();
}

}  // namespace kafkasim::checker
