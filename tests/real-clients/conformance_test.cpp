#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "real-clients/conformance.h"

using namespace kafkasim::real;

TEST_CASE("the conformance table in docs/real-clients.md is what librdkafka and the simulator do") {
  const std::string table = conformance_markdown(conformance_table());
  std::ifstream in(std::string(KAFKASIM_SOURCE_DIR) + "/docs/real-clients.md");
  std::stringstream doc;
  doc << in.rdbuf();
  INFO("the table now:\n" << table);
  REQUIRE(doc.str().find(table) != std::string::npos);
}
