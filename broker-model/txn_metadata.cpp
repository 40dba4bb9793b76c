#include "broker-model/txn_metadata.h"

#include <sstream>

namespace kafkasim::kafka {

const char* to_string(TxnState s) {
  switch (s) {
    case TxnState::kEmpty: return "Empty";
    case TxnState::kOngoing: return "Ongoing";
    case TxnState::kPrepareCommit: return "PrepareCommit";
    case TxnState::kPrepareAbort: return "PrepareAbort";
    case TxnState::kCompleteCommit: return "CompleteCommit";
    case TxnState::kCompleteAbort: return "CompleteAbort";
    case TxnState::kPrepareEpochFence: return "PrepareEpochFence";
  }
  return "?";
}

std::optional<TxnState> parse_txn_state(const std::string& s) {
  for (TxnState t : {TxnState::kEmpty, TxnState::kOngoing, TxnState::kPrepareCommit, TxnState::kPrepareAbort,
                     TxnState::kCompleteCommit, TxnState::kCompleteAbort, TxnState::kPrepareEpochFence}) {
    if (s == to_string(t)) return t;
  }
  return std::nullopt;
}

bool valid_transition(TxnState from, TxnState to) {
  using S = TxnState;
  switch (to) {
    case S::kEmpty: return from == S::kEmpty || from == S::kCompleteCommit || from == S::kCompleteAbort;
    case S::kOngoing:
      return from == S::kEmpty || from == S::kOngoing || from == S::kCompleteCommit || from == S::kCompleteAbort;
    case S::kPrepareCommit: return from == S::kOngoing;
    case S::kPrepareAbort: return from == S::kOngoing || from == S::kPrepareEpochFence;
    case S::kPrepareEpochFence: return from == S::kOngoing;
    case S::kCompleteCommit: return from == S::kPrepareCommit;
    case S::kCompleteAbort: return from == S::kPrepareAbort;
  }
  return false;
}

bool is_preparing(TxnState s) {
  return s == TxnState::kPrepareCommit || s == TxnState::kPrepareAbort || s == TxnState::kPrepareEpochFence;
}

std::string TxnMetadata::encode() const {
  std::string s = std::to_string(producer_id) + " " + std::to_string(producer_epoch) + " " +
                  std::to_string(timeout_ms) + " " + to_string(state) + " " + std::to_string(txn_start_ms) + " ";
  bool first = true;
  for (const TopicPartition& tp : partitions) {
    if (!first) s += ",";
    s += tp.str();
    first = false;
  }
  return s;
}

std::optional<TxnMetadata> TxnMetadata::decode(const std::string& transactional_id, const std::string& value) {
  std::istringstream in(value);
  TxnMetadata m;
  m.transactional_id = transactional_id;
  int32_t epoch = 0;
  std::string state;
  if (!(in >> m.producer_id >> epoch >> m.timeout_ms >> state >> m.txn_start_ms)) return std::nullopt;
  m.producer_epoch = static_cast<int16_t>(epoch);
  std::optional<TxnState> parsed = parse_txn_state(state);
  if (!parsed) return std::nullopt;
  m.state = *parsed;
  std::string list;
  in >> list;
  size_t start = 0;
  while (start < list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    const std::string item = list.substr(start, comma - start);
    const size_t slash = item.rfind('/');
    if (slash == std::string::npos || slash + 1 >= item.size()) return std::nullopt;
    try {
      m.partitions.insert(TopicPartition{item.substr(0, slash), std::stoi(item.substr(slash + 1))});
    } catch (const std::exception&) {
      return std::nullopt;
    }
    start = comma + 1;
  }
  return m;
}

int32_t transaction_state_partition(const std::string& transactional_id, int32_t partitions) {
  int32_t h = 0;
  for (unsigned char c : transactional_id) h = static_cast<int32_t>(static_cast<uint32_t>(h) * 31u + c);
  // Kafka's Utils.abs: Integer.MIN_VALUE maps to 0.
  const int32_t abs = h == INT32_MIN ? 0 : (h < 0 ? -h : h);
  return abs % partitions;
}

}  // namespace kafkasim::kafka
