// FindCoordinator (KIP-98 gave it a key type): which broker coordinates a
// consumer group (the leader of its __consumer_offsets partition) or a
// transactional id (the leader of its __transaction_state partition).
#pragma once

#include <cstdint>
#include <string>

#include "broker-model/protocol.h"
#include "broker-model/types.h"

namespace kafkasim::kafka {

struct FindCoordinatorRequest : RequestOf<ApiKey::kFindCoordinator> {
  enum class KeyType : uint8_t { kGroup, kTransaction };
  KeyType key_type = KeyType::kGroup;
  std::string key;  // the group.id or the transactional.id
};

struct FindCoordinatorResponse : ResponseOf<ApiKey::kFindCoordinator> {
  Errc error = Errc::kNone;
  int32_t node_id = -1;  // the coordinator's broker id
  int32_t node = -1;     // its simulated node (host:port), when the broker knows it
};

}  // namespace kafkasim::kafka
