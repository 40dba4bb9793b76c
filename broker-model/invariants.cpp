#include "broker-model/invariants.h"

#include <algorithm>

#include "broker-model/log.h"
#include "sim/random.h"

namespace kafkasim::kafka {
namespace {
std::string broker_name(int32_t id) { return "broker-" + std::to_string(id); }
}  // namespace

InvariantMonitor::BatchPrint InvariantMonitor::fingerprint(const RecordBatch& batch) {
  BatchPrint p;
  p.compacted = batch.compacted;
  p.header = sim::fnv1a64(std::to_string(batch.base_offset) + ":" + std::to_string(batch.last_offset()) + ":" +
                          std::to_string(batch.producer_id) + ":" + std::to_string(batch.base_sequence) + ":" +
                          std::to_string(batch.partition_leader_epoch));
  uint64_t h = 0;
  for (const Record& r : batch.records) {
    h ^= sim::fnv1a64(r.key) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h ^= sim::fnv1a64(r.value) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  }
  p.records = h;
  return p;
}

void InvariantMonitor::violate(const std::string& name, sim::SimTime t, std::string detail) {
  violations_.push_back(InvariantViolation{name, t, std::move(detail)});
  seen_.insert(name);
}

void InvariantMonitor::exempt(const TopicPartition& tp, std::string why) { exempt_.emplace(tp, std::move(why)); }

void InvariantMonitor::on_partition_change(sim::SimTime t, const PartitionState& state, bool unclean) {
  isr_[state.tp] = state.isr;
  if (unclean) {
    exempt(state.tp, "unclean leader election of " + broker_name(state.leader) + " in epoch " +
                         std::to_string(state.leader_epoch));
  }
  if (state.leader != kNoLeader && !state.in_isr(state.leader)) {
    violate("leader-in-isr", t, state.tp.str() + ": leader " + broker_name(state.leader) + " of epoch " +
                                    std::to_string(state.leader_epoch) + " is not in its ISR");
  }
  if (state.leader == kNoLeader) return;
  auto [it, inserted] = leader_of_epoch_.emplace(std::make_pair(state.tp, state.leader_epoch), state.leader);
  if (!inserted && it->second != state.leader) {
    violate("single-leader-per-epoch", t, state.tp.str() + ": epoch " + std::to_string(state.leader_epoch) +
                                              " has leaders " + broker_name(it->second) + " and " +
                                              broker_name(state.leader));
  }
}

void InvariantMonitor::on_become_leader(sim::SimTime t, const TopicPartition& tp, int32_t broker, int32_t epoch,
                                        const Log& log) {
  auto [it, inserted] = leader_of_epoch_.emplace(std::make_pair(tp, epoch), broker);
  if (!inserted && it->second != broker) {
    violate("single-leader-per-epoch", t, tp.str() + ": epoch " + std::to_string(epoch) + " has leaders " +
                                              broker_name(it->second) + " and " + broker_name(broker));
  }
  if (!in_scope(tp)) return;
  auto acked = acked_.find(tp);
  if (acked == acked_.end()) return;
  const auto batches = log.read(log.log_start_offset(), INT64_MAX, log.log_end_offset());
  std::map<int64_t, BatchPrint> held;
  for (const BatchPtr& b : batches) held.emplace(b->base_offset, fingerprint(*b));
  for (const auto& [offset, fp] : acked->second) {
    if (offset < log.log_start_offset()) continue;
    auto h = held.find(offset);
    if (h == held.end() || !same_batch(h->second, fp)) {
      violate("acked-write-on-leader", t, tp.str() + ": " + broker_name(broker) + " became leader in epoch " +
                                              std::to_string(epoch) + " without the batch acknowledged at offset " +
                                              std::to_string(offset) + " with acks=all");
      return;
    }
  }
}

void InvariantMonitor::on_high_watermark(sim::SimTime t, const TopicPartition& tp, int32_t broker,
                                         uint64_t incarnation, int32_t epoch, int64_t hw, const Log& log) {
  const auto key = std::make_pair(tp, broker);
  auto mark = leader_hw_.find(key);
  if (mark != leader_hw_.end() && mark->second.incarnation == incarnation && mark->second.epoch == epoch &&
      hw < mark->second.hw) {
    violate("hw-monotonic", t, tp.str() + ": leader " + broker_name(broker) + " moved its HW back from " +
                                   std::to_string(mark->second.hw) + " to " + std::to_string(hw));
  }
  leader_hw_[key] = HwMark{incarnation, epoch, hw};
  Committed& c = committed_[tp];
  if (hw <= c.true_hw) return;
  for (const BatchPtr& b : log.read(c.true_hw, INT64_MAX, hw)) {
    const BatchPrint fp = fingerprint(*b);
    auto [it, inserted] = c.batches.emplace(b->base_offset, fp);
    if (!inserted && !same_batch(it->second, fp) && in_scope(tp)) {
      violate("committed-data-consistent", t, tp.str() + ": " + broker_name(broker) + " committed a different batch at offset " +
                                                  std::to_string(b->base_offset) + " than was committed there before");
    }
  }
  c.true_hw = hw;
}

void InvariantMonitor::on_append(sim::SimTime t, const TopicPartition& tp, int32_t broker, const RecordBatch& batch) {
  if (!in_scope(tp)) return;
  auto isr = isr_.find(tp);
  if (isr == isr_.end() || std::find(isr->second.begin(), isr->second.end(), broker) == isr->second.end()) return;
  auto c = committed_.find(tp);
  if (c == committed_.end() || batch.base_offset >= c->second.true_hw) return;
  auto it = c->second.batches.find(batch.base_offset);
  if (it == c->second.batches.end() || !same_batch(it->second, fingerprint(batch))) {
    violate("committed-data-consistent", t, tp.str() + ": " + broker_name(broker) + " stored a batch at offset " +
                                                std::to_string(batch.base_offset) +
                                                " that differs from the one committed there (true HW " +
                                                std::to_string(c->second.true_hw) + ")");
  }
}

void InvariantMonitor::on_acked_all(const TopicPartition& tp, const RecordBatch& batch) {
  acked_[tp][batch.base_offset] = fingerprint(batch);
}

void InvariantMonitor::on_log_recovered(sim::SimTime, const TopicPartition& tp, int32_t broker, const Log& log) {
  auto c = committed_.find(tp);
  if (c == committed_.end() || !in_scope(tp)) return;
  const int64_t upto = std::min(c->second.true_hw, log.log_end_offset());
  std::map<int64_t, BatchPrint> held;
  for (const BatchPtr& b : log.read(log.log_start_offset(), INT64_MAX, upto)) held.emplace(b->base_offset, fingerprint(*b));
  bool missing = log.log_end_offset() < c->second.true_hw;
  for (const auto& [offset, fp] : c->second.batches) {
    if (offset >= upto || offset < log.log_start_offset()) continue;
    auto h = held.find(offset);
    if (h == held.end() || !same_batch(h->second, fp)) missing = true;
  }
  if (missing) {
    exempt(tp, broker_name(broker) + " restarted without records below the high watermark " +
                   std::to_string(c->second.true_hw) + " (lost with its page cache)");
  }
}

}  // namespace kafkasim::kafka
