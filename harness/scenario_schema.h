// scenarios/scenario.schema.json, embedded into the binary at build time
// (the generated scenario_schema_text.cpp, see CMakeLists.txt).
#pragma once

#include <string_view>

#include "harness/json_schema.h"

namespace kafkasim::harness {

// The schema file's text, as it was when kafkasim was built.
std::string_view scenario_schema_text();
// The parsed schema, built on first use.
const JsonSchema& scenario_schema();

}  // namespace kafkasim::harness
