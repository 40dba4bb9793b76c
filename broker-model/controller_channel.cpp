#include "broker-model/controller_channel.h"

#include <algorithm>

namespace kafkasim::kafka {
namespace {
constexpr sim::Duration kBackoff = sim::milliseconds(100);
}  // namespace

ControllerChannel::ControllerChannel(sim::Node& self, std::vector<int32_t> controllers)
    : self_(self), controllers_(std::move(controllers)), current_(controllers_.front()) {}

RpcClient& ControllerChannel::connection(int32_t node) {
  auto& conn = connections_[node];
  if (!conn) conn = std::make_unique<RpcClient>(self_, node, kControllerPort);
  return *conn;
}

void ControllerChannel::moved(int32_t node, int32_t hint) {
  if (current_ != node) return;  // another fiber moved already
  if (hint >= 0 && hint != node) {
    current_ = hint;
    self_.sleep_local(kBackoff / 5);
    return;
  }
  // No leader known there: try the next voter, after a pause so that an
  // election in progress is not flooded.
  auto it = std::find(controllers_.begin(), controllers_.end(), node);
  current_ = it == controllers_.end() || std::next(it) == controllers_.end() ? controllers_.front() : *std::next(it);
  self_.sleep_local(kBackoff);
}

}  // namespace kafkasim::kafka
