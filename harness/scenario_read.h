// The steps of parse_scenario after JSON syntax and schema validation.
// REQUIRES for both: `doc` satisfies scenarios/scenario.schema.json (so
// every key has its schema type and range). Both throw ScenarioError.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "harness/scenario.h"

namespace kafkasim::harness {

// Builds the Scenario, filling defaults, resolving Kafka configurations
// through the catalog, parsing targets, and checking what one key or one
// object can tell alone (min <= max, exactly one of isolate/groups, ...).
Scenario read_scenario(const nlohmann::json& doc, const std::string& file);

// Checks references across the scenario: targets against brokers,
// controllers, topics, partitions and clients; workload keys against
// topics; workload needs against the cluster configuration; bug names.
void check_references(const Scenario& s, const std::string& file);

}  // namespace kafkasim::harness
