#include "broker-model/request_error_injection.h"

namespace kafkasim::kafka {

std::optional<InjectedError> parse_injected_error(std::string_view name) {
  if (name == "TRANSPORT") return InjectedError{Errc::kNetworkException, true};
  static constexpr Errc kNamed[] = {
      Errc::kNotLeaderOrFollower,      Errc::kLeaderNotAvailable,       Errc::kRequestTimedOut,
      Errc::kOutOfOrderSequenceNumber, Errc::kUnknownProducerId,        Errc::kInvalidProducerEpoch,
      Errc::kMessageTooLarge,          Errc::kCorruptMessage,           Errc::kTopicAuthorizationFailed,
      Errc::kUnknownTopicOrPartition,  Errc::kNotEnoughReplicas,        Errc::kNotEnoughReplicasAfterAppend,
  };
  for (Errc e : kNamed) {
    if (name == errc_name(e)) return InjectedError{e, false};
  }
  return std::nullopt;
}

void RequestErrorInjection::push(ApiKey api, const std::vector<InjectedError>& errors) {
  auto& q = pending_[api];
  q.insert(q.end(), errors.begin(), errors.end());
}

std::optional<InjectedError> RequestErrorInjection::next(ApiKey api) {
  auto it = pending_.find(api);
  if (it == pending_.end() || it->second.empty()) return std::nullopt;
  InjectedError e = it->second.front();
  it->second.pop_front();
  return e;
}

void RequestErrorInjection::clear(ApiKey api) { pending_.erase(api); }

}  // namespace kafkasim::kafka
