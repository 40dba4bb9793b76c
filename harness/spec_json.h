// The scenario-file form of a workload's key block: only what differs
// from the defaults.
#pragma once

#include <nlohmann/json.hpp>

namespace kafkasim::harness {

// The keys of `all` whose values differ from those in `defaults`, in
// `all`'s order. REQUIRES: `defaults` has every key of `all`.
inline nlohmann::ordered_json non_default_keys(const nlohmann::json& all, const nlohmann::json& defaults) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [key, value] : all.items()) {
    if (value != defaults.at(key)) j[key] = value;
  }
  return j;
}

}  // namespace kafkasim::harness
