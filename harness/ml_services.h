// The consume-transform-produce loop of the ml-pipeline services
// (harness/ml_services.cpp) under the scenario's processing.guarantee.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "broker-model/consumer.h"
#include "harness/ml_workload.h"

namespace kafkasim::harness::ml {

using Shared = MlWorkload::Shared;

struct Output {
  kafka::TopicPartition tp;
  std::string key;
  std::string value;
};

using Transform = std::function<std::vector<Output>(const std::vector<kafka::ConsumedRecord>&)>;
// Called before every poll; false: do not poll yet (the service is not ready).
using Ready = std::function<bool()>;

// Runs the service on node `n`: joins `group_id`, subscribed to `input`,
// and produces transform's outputs. `state` is kept alive with the
// incarnation. Returns at once; the loop runs in a fiber of the node.
void run_service(const std::shared_ptr<Shared>& shared, sim::Node& n, const std::string& group_id,
                 const std::string& input, std::shared_ptr<void> state, Transform transform, Ready ready);

}  // namespace kafkasim::harness::ml
