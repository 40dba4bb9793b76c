#include "broker-model/controller_quorum_invariants.h"

#include <algorithm>

#include "sim/random.h"

namespace kafkasim::kafka {
namespace {
std::string voter_name(int32_t id) { return "controller-" + std::to_string(id); }
}  // namespace

uint64_t QuorumInvariants::fingerprint(const RaftEntry& entry) {
  return sim::fnv1a64(entry.record.to_json().dump());
}

void QuorumInvariants::violate(const std::string& name, sim::SimTime t, std::string detail) {
  violations_.push_back(InvariantViolation{name, t, std::move(detail)});
}

void QuorumInvariants::on_election_state(sim::SimTime t, int32_t voter, const ElectionState& state, bool loaded) {
  auto [it, first] = epoch_of_voter_.emplace(voter, state.epoch);
  if (!first) {
    if (state.epoch < it->second) {
      violate("monotonic-epoch", t, voter_name(voter) + (loaded ? " restarted with" : " wrote") + " epoch " +
                                        std::to_string(state.epoch) + " after epoch " + std::to_string(it->second));
    }
    it->second = std::max(it->second, state.epoch);
  }
  if (state.leader == kNoVoter) return;
  auto [leader, inserted] = leader_of_epoch_.emplace(state.epoch, state.leader);
  if (!inserted && leader->second != state.leader) {
    violate("single-leader-per-epoch", t, "quorum epoch " + std::to_string(state.epoch) + " has leaders " +
                                              voter_name(leader->second) + " and " + voter_name(state.leader) +
                                              " (election state of " + voter_name(voter) + ")");
  }
}

void QuorumInvariants::on_append(sim::SimTime, int32_t voter, int64_t offset, const RaftEntry& entry) {
  Mirror& m = logs_[voter];
  if (offset != m.start + static_cast<int64_t>(m.entries.size())) return;  // not contiguous: reset follows
  m.entries.emplace_back(entry.epoch, fingerprint(entry));
}

void QuorumInvariants::on_truncate(sim::SimTime t, int32_t voter, int64_t end) {
  Mirror& m = logs_[voter];
  if (end < m.start + static_cast<int64_t>(m.entries.size())) {
    m.entries.resize(static_cast<size_t>(std::max<int64_t>(end - m.start, 0)));
  }
  check_majority(t);
}

void QuorumInvariants::on_log_reset(sim::SimTime t, int32_t voter, const RaftLog& log) {
  Mirror& m = logs_[voter];
  m.start = log.start_offset();
  m.entries.clear();
  for (int64_t o = log.start_offset(); o < log.end_offset(); ++o) {
    m.entries.emplace_back(log.at(o).epoch, fingerprint(log.at(o)));
  }
  check_majority(t);
}

void QuorumInvariants::on_high_watermark(sim::SimTime t, int32_t voter, uint64_t incarnation, int64_t hw,
                                         const RaftLog& log) {
  auto [mark, first] = hw_of_voter_.emplace(voter, std::make_pair(incarnation, int64_t{0}));
  if (mark->second.first != incarnation) mark->second = {incarnation, 0};
  if (hw < mark->second.second) {
    violate("quorum-hw-monotonic", t, voter_name(voter) + " moved its high watermark back from " +
                                          std::to_string(mark->second.second) + " to " + std::to_string(hw));
  }
  const int64_t from = std::max(mark->second.second, log.start_offset());
  mark->second.second = std::max(mark->second.second, hw);
  for (int64_t o = from; o < std::min(hw, log.end_offset()); ++o) {
    const Fingerprint fp{log.at(o).epoch, fingerprint(log.at(o))};
    auto [c, inserted] = committed_.emplace(o, fp);
    if (!inserted && c->second != fp) {
      violate("committed-metadata-consistent", t, voter_name(voter) + " committed a different entry at offset " +
                                                      std::to_string(o) + " (epoch " + std::to_string(fp.first) +
                                                      ") than was committed there (epoch " +
                                                      std::to_string(c->second.first) + ")");
      break;
    }
  }
  if (hw > quorum_hw_) {
    quorum_hw_ = hw;
    check_majority(t);
  }
}

void QuorumInvariants::check_majority(sim::SimTime t) {
  if (quorum_hw_ == 0) return;
  const int64_t last = quorum_hw_ - 1;
  auto committed = committed_.find(last);
  if (committed == committed_.end()) return;
  int holders = 0;
  for (const auto& [voter, m] : logs_) {
    if (m.start > last) {
      ++holders;  // in its snapshot, which holds only committed entries
    } else if (last < m.start + static_cast<int64_t>(m.entries.size()) &&
               m.entries[static_cast<size_t>(last - m.start)] == committed->second) {
      ++holders;
    }
  }
  if (holders < voters_ / 2 + 1) {
    violate("committed-on-majority", t, "only " + std::to_string(holders) + " of " + std::to_string(voters_) +
                                            " voters hold the committed entry at offset " + std::to_string(last));
  }
}

}  // namespace kafkasim::kafka
