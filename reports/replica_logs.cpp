#include "reports/replica_logs.h"

#include <algorithm>

namespace kafkasim::reports {
namespace {

void cut_from(ReplicaLog& r, std::int64_t offset) {
  while (!r.runs.empty() && r.runs.back().first >= offset) r.runs.pop_back();
  if (!r.runs.empty() && r.runs.back().last >= offset) r.runs.back().last = offset - 1;
}

void cut_below(ReplicaLog& r, std::int64_t offset) {
  while (!r.runs.empty() && r.runs.front().last < offset) r.runs.erase(r.runs.begin());
  if (!r.runs.empty() && r.runs.front().first < offset) r.runs.front().first = offset;
}

void push(ReplicaLog& r, LogRun run) {
  cut_from(r, run.first);
  if (!r.runs.empty() && r.runs.back().epoch == run.epoch && r.runs.back().last + 1 == run.first) {
    r.runs.back().last = run.last;
  } else {
    r.runs.push_back(run);
  }
}

}  // namespace

int ReplicaLog::epoch_at(std::int64_t offset) const {
  if (offset < log_start || offset >= leo) return -2;
  for (const LogRun& run : runs) {
    if (run.first <= offset && offset <= run.last) return run.epoch;
  }
  return -1;
}

std::map<int, ReplicaLog> replica_logs(const std::vector<Fact>& facts, const std::string& tp,
                                       std::size_t before_event) {
  std::map<int, ReplicaLog> logs;
  auto at = [&](int broker) -> ReplicaLog& {
    ReplicaLog& r = logs[broker];
    r.broker = broker;
    return r;
  };
  for (const Fact& f : facts) {
    if (f.event >= before_event) break;
    if (f.tp != tp) continue;
    switch (f.kind) {
      case Fact::Kind::kOpened: {
        ReplicaLog& r = at(f.broker);
        r.leader = false;
        r.log_start = f.log_start;
        cut_from(r, f.leo);
        cut_below(r, f.log_start);
        const std::int64_t known_end = r.runs.empty() ? f.log_start : r.runs.back().last + 1;
        if (known_end < f.leo) r.runs.push_back(LogRun{known_end, f.leo - 1, -1});
        r.leo = f.leo;
        r.hw = f.hw;
        break;
      }
      case Fact::Kind::kBecameLeader: {
        for (auto& [id, other] : logs) other.leader = false;
        ReplicaLog& r = at(f.broker);
        r.leader = true;
        r.leader_epoch = f.epoch;
        if (f.hw >= 0) r.hw = f.hw;
        break;
      }
      case Fact::Kind::kFollows: {
        ReplicaLog& r = at(f.broker);
        r.leader = false;
        r.leader_epoch = f.epoch;
        break;
      }
      case Fact::Kind::kLeaderAppend: {
        ReplicaLog& r = at(f.broker);
        push(r, LogRun{f.first, f.last, f.epoch});
        r.leo = f.last + 1;
        if (f.hw >= 0) r.hw = f.hw;
        break;
      }
      case Fact::Kind::kReplicated: {
        // Copy what the leader held at these offsets then.
        const ReplicaLog* leader = logs.count(f.peer) ? &logs[f.peer] : nullptr;
        ReplicaLog& r = at(f.broker);
        std::int64_t next = f.first;
        if (leader != nullptr) {
          for (const LogRun& run : leader->runs) {
            if (run.last < next || run.first > f.last) continue;
            const std::int64_t a = std::max(next, run.first);
            if (a > next) push(r, LogRun{next, a - 1, -1});
            const std::int64_t b = std::min(f.last, run.last);
            push(r, LogRun{a, b, run.epoch});
            next = b + 1;
          }
        }
        if (next <= f.last) push(r, LogRun{next, f.last, -1});
        r.leo = f.last + 1;
        if (f.hw >= 0) r.hw = f.hw;
        break;
      }
      case Fact::Kind::kTruncated: {
        ReplicaLog& r = at(f.broker);
        cut_from(r, f.leo);
        r.leo = f.leo;
        if (r.hw > r.leo) r.hw = r.leo;
        break;
      }
      case Fact::Kind::kRetention: {
        // The text names no broker: it is the replica of the node that
        // recorded it, or every replica when no broker recorded it.
        for (auto& [id, r] : logs) {
          if (f.broker != 0 && id != f.broker) continue;
          r.log_start = std::max(r.log_start, f.last + 1);
          cut_below(r, r.log_start);
        }
        break;
      }
      default: break;
    }
  }
  return logs;
}

std::map<std::pair<int, std::int64_t>, std::string> appended_values(const std::vector<Fact>& facts,
                                                                     const std::string& tp,
                                                                     std::size_t before_event) {
  std::map<std::pair<int, std::int64_t>, std::string> values;
  for (const Fact& f : facts) {
    if (f.event >= before_event) break;
    if (f.kind != Fact::Kind::kLeaderAppend || f.tp != tp) continue;
    for (std::size_t i = 0; i < f.values.size(); ++i) {
      values[{f.epoch, f.first + static_cast<std::int64_t>(i)}] = f.values[i];
    }
  }
  return values;
}

}  // namespace kafkasim::reports
