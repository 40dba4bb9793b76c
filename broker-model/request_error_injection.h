// Request-error injection: the cluster's next requests of an API are
// answered with given errors, in turn, instead of being handled -- the
// simulator's counterpart of librdkafka's rd_kafka_mock_push_request_errors
// (scenario key request_errors; docs/real-clients.md). One queue per API
// for the whole cluster: whichever broker handles the next request takes
// the next error. Nothing of the request is applied. TRANSPORT stands for
// librdkafka's RD_KAFKA_RESP_ERR__TRANSPORT: the broker closes the
// connection instead of answering.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker-model/protocol.h"
#include "broker-model/types.h"

namespace kafkasim::kafka {

struct InjectedError {
  Errc error = Errc::kNone;
  bool disconnect = false;  // TRANSPORT
  bool operator==(const InjectedError&) const = default;
};

// The injected error named `name` (Kafka's error names, plus TRANSPORT),
// or nullopt.
std::optional<InjectedError> parse_injected_error(std::string_view name);

class RequestErrorInjection {
 public:
  void push(ApiKey api, const std::vector<InjectedError>& errors);
  // Takes the next error for `api`, if any.
  std::optional<InjectedError> next(ApiKey api);
  void clear(ApiKey api);

 private:
  std::map<ApiKey, std::deque<InjectedError>> pending_;
};

}  // namespace kafkasim::kafka
