#include "broker-model/protocol.h"

namespace kafkasim::kafka {

const char* api_name(ApiKey api) {
  switch (api) {
    case ApiKey::kProduce: return "Produce";
    case ApiKey::kFetch: return "Fetch";
    case ApiKey::kMetadata: return "Metadata";
    case ApiKey::kListOffsets: return "ListOffsets";
    case ApiKey::kOffsetsForLeaderEpoch: return "OffsetsForLeaderEpoch";
    case ApiKey::kInitProducerId: return "InitProducerId";
    case ApiKey::kBrokerRegistration: return "BrokerRegistration";
    case ApiKey::kBrokerHeartbeat: return "BrokerHeartbeat";
    case ApiKey::kAlterPartition: return "AlterPartition";
    case ApiKey::kFetchMetadata: return "FetchMetadata";
    case ApiKey::kVote: return "Vote";
    case ApiKey::kBeginQuorumEpoch: return "BeginQuorumEpoch";
    case ApiKey::kQuorumFetch: return "Fetch(__cluster_metadata)";
    case ApiKey::kFetchSnapshot: return "FetchSnapshot";
    case ApiKey::kFindCoordinator: return "FindCoordinator";
    case ApiKey::kJoinGroup: return "JoinGroup";
    case ApiKey::kSyncGroup: return "SyncGroup";
    case ApiKey::kHeartbeat: return "Heartbeat";
    case ApiKey::kLeaveGroup: return "LeaveGroup";
    case ApiKey::kOffsetCommit: return "OffsetCommit";
    case ApiKey::kOffsetFetch: return "OffsetFetch";
    case ApiKey::kAddPartitionsToTxn: return "AddPartitionsToTxn";
    case ApiKey::kEndTxn: return "EndTxn";
    case ApiKey::kWriteTxnMarkers: return "WriteTxnMarkers";
    case ApiKey::kAddOffsetsToTxn: return "AddOffsetsToTxn";
    case ApiKey::kTxnOffsetCommit: return "TxnOffsetCommit";
  }
  return "?";
}

std::string ProduceRequest::describe() const {
  // Appended piece by piece: GCC 12 warns (-Wrestrict, a false positive)
  // on "literal" + std::string temporaries here.
  std::string s = "Produce acks=";
  s.append(std::to_string(acks));
  for (const auto& p : partitions) {
    s.append(" ").append(p.tp.str()).append("x").append(std::to_string(p.batch.records.size()));
    if (p.batch.producer_id >= 0) {
      s.append("(pid ").append(std::to_string(p.batch.producer_id));
      s.append(" seq ").append(std::to_string(p.batch.base_sequence)).append(")");
    }
  }
  return s;
}

}  // namespace kafkasim::kafka
