#include "harness/bug_names.h"

#include <algorithm>

namespace kafkasim::harness {

const std::vector<BugInfo>& known_bug_names() {
  static const std::vector<BugInfo> bugs = {
      {"hw-truncation", "KAFKA-1211, KIP-101",
       "a restarting follower truncates to its own high watermark instead of asking the leader for its epoch's end offset"},
      {"no-epoch-end-offset-check", "KIP-279, KAFKA-6361, KAFKA-7415",
       "OffsetsForLeaderEpoch does not say which epoch its end offset belongs to; quick leader changes truncate to the wrong point"},
      {"missed-epoch-no-truncate", "KAFKA-7164",
       "the become-follower truncation is skipped when the leader id did not change, even across missed epochs"},
      {"isr-join-unchecked", "KIP-841; TLA+ spec of Kafka 3.5 replication",
       "a follower rejoins the ISR on reaching the leader's possibly stale HW, without reaching the epoch start offset"},
      {"hw-ignores-min-isr", "KIP-966",
       "HW advances with an ISR below min.insync.replicas, and the last replica standing is re-elected after losing its page cache"},
      {"uncommitted-fetch", "KIP-320",
       "the consumer does not validate its position against the leader epoch, so it reads past a truncation"},
      {"no-dedup-window", "Jepsen Redpanda 21.10.1; redpanda#3038",
       "the broker remembers one sequence number per producer instead of the last 5 batches, so retried batches are appended again"},
      {"txn-late-produce", "KIP-890, KAFKA-14402; Jepsen Bufstream 0.1.0",
       "a leader appends a transaction's first batch without asking the coordinator (no KIP-890 verification), so a delayed produce of an aborted transaction is committed by the producer's next one"},
      {"txn-timeout-no-fence", "KAFKA-6119, KIP-588",
       "a timed-out transaction is aborted without bumping the producer epoch, so the paused producer writes on"},
      {"read-committed-ignores-lso", "KIP-98; Jepsen Redpanda",
       "a read_committed fetch returns records past the last stable offset and does not filter aborted transactions"},
      {"stale-generation-commit", "KIP-447",
       "the group coordinator accepts an offset commit from a member of an older generation"},
      {"vote-not-persisted", "KIP-595",
       "a KRaft voter grants a vote before storing it durably, so after a restart it votes again in the same epoch"},
  };
  return bugs;
}

const BugInfo* find_bug(std::string_view name) {
  const auto& bugs = known_bug_names();
  auto it = std::find_if(bugs.begin(), bugs.end(), [&](const BugInfo& b) { return b.name == name; });
  return it == bugs.end() ? nullptr : &*it;
}

}  // namespace kafkasim::harness
