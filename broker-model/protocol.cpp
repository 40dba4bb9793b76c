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
  }
  return "?";
}

std::string ProduceRequest::describe() const {
  std::string s = "Produce acks=" + std::to_string(acks);
  for (const auto& p : partitions) {
    s += " " + p.tp.str() + "x" + std::to_string(p.batch.records.size());
    if (p.batch.producer_id >= 0) {
      s += "(pid " + std::to_string(p.batch.producer_id) + " seq " + std::to_string(p.batch.base_sequence) + ")";
    }
  }
  return s;
}

}  // namespace kafkasim::kafka
