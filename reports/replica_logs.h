// The replicas of one partition as the trace shows them at a moment:
// which offsets each broker held, in which leader epoch, its log start, LEO
// and the last high watermark it reported. Rebuilt from the facts of
// trace_facts.h: a leader append adds a run in its epoch; a follower's
// replication copies the runs its leader held then; truncation, retention
// and a log opened after a crash cut them.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "reports/trace_facts.h"

namespace kafkasim::reports {

// Offsets first..last, all in one leader epoch (-1: not known from the trace).
struct LogRun {
  std::int64_t first = 0;
  std::int64_t last = 0;
  int epoch = -1;
};

struct ReplicaLog {
  int broker = 0;
  std::vector<LogRun> runs;   // ascending, contiguous unless the trace missed appends
  std::int64_t log_start = 0;
  std::int64_t leo = 0;
  std::int64_t hw = -1;       // last HW the trace shows for this replica
  bool leader = false;        // led the partition at that moment
  int leader_epoch = -1;      // the epoch it last led or followed in

  // The epoch of the record at `offset`, -1 when unknown, -2 when absent.
  int epoch_at(std::int64_t offset) const;
};

// The replicas of `tp` after the facts with event index < `before_event`.
std::map<int, ReplicaLog> replica_logs(const std::vector<Fact>& facts, const std::string& tp,
                                       std::size_t before_event);

// Values appended as leader, by (epoch, offset), for `tp` in facts with
// event index < `before_event`.
std::map<std::pair<int, std::int64_t>, std::string> appended_values(const std::vector<Fact>& facts,
                                                                     const std::string& tp,
                                                                     std::size_t before_event);

}  // namespace kafkasim::reports
