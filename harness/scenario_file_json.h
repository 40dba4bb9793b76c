// A scenario as a person would write its file: keys in the order of
// docs/scenario-format.md, configuration only where it differs from
// Kafka's defaults, no nemesis key when it has none. minimal.json is
// written this way, and a run's parameters record the same objects.
#pragma once

#include <nlohmann/json.hpp>

#include "harness/scenario.h"

namespace kafkasim::harness {

// parse_scenario of its dump() gives a Scenario equal to `s`, provided every
// configuration setting means the same given explicitly (minimal.json
// checks this and falls back to the canonical Scenario::to_json()).
nlohmann::ordered_json scenario_file_json(const Scenario& s);

}  // namespace kafkasim::harness
