#include "harness/scenario_target.h"

#include <charconv>

namespace kafkasim::harness {
namespace {

// A decimal number of at most 9 digits (no sign, no leading '+').
std::optional<int> parse_number(std::string_view s) {
  if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// "TOPIC/P" of leader:/follower: targets.
std::optional<std::pair<std::string, int>> parse_topic_partition(std::string_view s) {
  auto slash = s.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  auto p = parse_number(s.substr(slash + 1));
  if (!p) return std::nullopt;
  return std::make_pair(std::string(s.substr(0, slash)), *p);
}

}  // namespace

std::optional<Target> parse_target(std::string_view text, std::string* error) {
  auto fail = [&](std::string why) -> std::optional<Target> {
    if (error) *error = std::move(why);
    return std::nullopt;
  };
  if (text == "controller-leader") return ControllerLeaderTarget{};
  if (text == "random-broker") return RandomBrokerTarget{};
  if (text == "leader-crashed") return LeaderCrashedTarget{};
  for (auto [prefix, is_broker] : {std::pair{std::string_view("broker-"), true},
                                   std::pair{std::string_view("controller-"), false}}) {
    if (!starts_with(text, prefix)) continue;
    auto n = parse_number(text.substr(prefix.size()));
    if (!n || *n < 1) return fail(std::string(prefix) + "N needs a number N \u2265 1");
    if (is_broker) return BrokerTarget{*n};
    return ControllerTarget{*n};
  }
  for (auto [prefix, is_leader] : {std::pair{std::string_view("leader:"), true},
                                   std::pair{std::string_view("follower:"), false}}) {
    if (!starts_with(text, prefix)) continue;
    auto tp = parse_topic_partition(text.substr(prefix.size()));
    if (!tp) return fail(std::string(prefix) + "TOPIC/P needs a topic and a partition number");
    if (is_leader) return LeaderTarget{tp->first, tp->second};
    return FollowerTarget{tp->first, tp->second};
  }
  if (starts_with(text, "coordinator:group/") && text.size() > 18) {
    return GroupCoordinatorTarget{std::string(text.substr(18))};
  }
  if (starts_with(text, "coordinator:txn/") && text.size() > 16) {
    return TxnCoordinatorTarget{std::string(text.substr(16))};
  }
  if (starts_with(text, "client:") && text.size() > 7) return ClientTarget{std::string(text.substr(7))};
  return fail("unknown target");
}

std::string to_string(const Target& t) {
  struct Visitor {
    std::string operator()(const BrokerTarget& x) const { return "broker-" + std::to_string(x.id); }
    std::string operator()(const ControllerTarget& x) const {
      return "controller-" + std::to_string(x.id);
    }
    std::string operator()(const LeaderTarget& x) const {
      return "leader:" + x.topic + "/" + std::to_string(x.partition);
    }
    std::string operator()(const FollowerTarget& x) const {
      return "follower:" + x.topic + "/" + std::to_string(x.partition);
    }
    std::string operator()(const ControllerLeaderTarget&) const { return "controller-leader"; }
    std::string operator()(const GroupCoordinatorTarget& x) const {
      return "coordinator:group/" + x.group_id;
    }
    std::string operator()(const TxnCoordinatorTarget& x) const {
      return "coordinator:txn/" + x.transactional_id;
    }
    std::string operator()(const RandomBrokerTarget&) const { return "random-broker"; }
    std::string operator()(const LeaderCrashedTarget&) const { return "leader-crashed"; }
    std::string operator()(const ClientTarget& x) const { return "client:" + x.name; }
  };
  return std::visit(Visitor{}, t);
}

}  // namespace kafkasim::harness
