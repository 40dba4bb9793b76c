#include "harness/scenario_schema.h"

namespace kafkasim::harness {

const JsonSchema& scenario_schema() {
  static const JsonSchema schema(nlohmann::json::parse(scenario_schema_text()));
  return schema;
}

}  // namespace kafkasim::harness
