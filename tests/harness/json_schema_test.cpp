#include <catch2/catch.hpp>

#include "harness/json_schema.h"

using kafkasim::harness::JsonSchema;
using kafkasim::harness::SchemaViolation;
using nlohmann::json;

namespace {

// The first violation as "path: message", or "" when valid.
std::string first_error(const JsonSchema& schema, const json& instance) {
  auto v = schema.validate(instance);
  if (v.empty()) return "";
  return v.front().path + ": " + v.front().message;
}

const JsonSchema& sample() {
  static const JsonSchema schema(json::parse(R"({
    "type": "object",
    "required": ["name", "topics"],
    "additionalProperties": false,
    "properties": {
      "name": {"type": "string", "minLength": 1, "maxLength": 8, "pattern": "^[a-z]+$"},
      "seed": {"type": "integer", "minimum": 0, "maximum": 18446744073709551615},
      "rate": {"type": "number", "exclusiveMinimum": 0, "maximum": 10},
      "mode": {"enum": ["fast", "slow"]},
      "tags": {"type": "array", "minItems": 1, "maxItems": 2, "uniqueItems": true,
               "items": {"type": "string"}},
      "config": {"type": "object", "additionalProperties": {"type": ["string", "integer"]}},
      "topics": {"type": "array", "items": {"$ref": "#/$defs/topic"}},
      "size": {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "object"}]},
      "fault": {"oneOf": [
        {"type": "object", "required": ["kind", "target"], "additionalProperties": false,
         "properties": {"kind": {"const": "crash"}, "target": {"type": "string"}}},
        {"type": "object", "required": ["kind"], "additionalProperties": false,
         "properties": {"kind": {"const": "heal"}}}
      ]}
    },
    "$defs": {
      "topic": {"type": "object", "required": ["name"], "additionalProperties": false,
                "properties": {"name": {"type": "string"},
                               "partitions": {"type": "integer", "minimum": 1, "maximum": 100}}}
    }
  })"));
  return schema;
}

json with(const char* extra) {
  json base = {{"name", "abc"}, {"topics", json::array()}};
  base.update(json::parse(extra));
  return base;
}

}  // namespace

TEST_CASE("A valid document has no violations") {
  CHECK(sample().validate(with(R"({"seed": 18446744073709551615, "rate": 0.5, "mode": "fast",
      "tags": ["a", "b"], "config": {"x.y": 1}, "topics": [{"name": "t", "partitions": 3}],
      "size": {}, "fault": {"kind": "heal"}})")).empty());
}

TEST_CASE("Type errors name the path and say what was expected in words") {
  CHECK(first_error(sample(), with(R"({"topics": [{"name": "t", "partitions": "three"}]})")) ==
        "topics[0].partitions: expected an integer from 1 to 100, got \"three\"");
  CHECK(first_error(sample(), with(R"({"seed": "1"})")) ==
        "seed: expected an integer from 0 to 18446744073709551615, got \"1\"");
  CHECK(first_error(sample(), json::array()) == ": expected an object, got an array");
  CHECK(first_error(sample(), with(R"({"config": {"a.b": true}})")) ==
        "config[\"a.b\"]: expected a string or an integer, got true");
}

TEST_CASE("A number with a fraction or exponent is not an integer") {
  CHECK(first_error(sample(), with(R"({"seed": 1.5})")).find("got 1.5") != std::string::npos);
  CHECK_FALSE(first_error(sample(), with(R"({"seed": 1e3})")).empty());
}

TEST_CASE("Numeric bounds compare exactly across signed, unsigned and float values") {
  CHECK(first_error(sample(), with(R"({"seed": -1})")) ==
        "seed: expected an integer from 0 to 18446744073709551615, got -1");
  CHECK(first_error(sample(), with(R"({"rate": 0})")) == "rate: expected a number > 0 and \u2264 10, got 0");
  CHECK(first_error(sample(), with(R"({"rate": 10.000001})")).find("rate:") == 0);
  CHECK(first_error(sample(), with(R"({"rate": 10})")).empty());
  CHECK(first_error(sample(), with(R"({"topics": [{"name": "t", "partitions": 0}]})")) ==
        "topics[0].partitions: expected an integer from 1 to 100, got 0");
}

TEST_CASE("Missing and unknown keys are reported, unknown ones with a suggestion") {
  CHECK(first_error(sample(), json::parse(R"({"name": "a"})")) == ": missing required key \"topics\"");
  CHECK(first_error(sample(), with(R"({"sede": 1})")) == "sede: unknown key; did you mean \"seed\"?");
  CHECK(first_error(sample(), with(R"({"topics": [{"name": "t", "zzzzzz": 1}]})")) ==
        "topics[0].zzzzzz: unknown key (expected one of: name, partitions)");
}

TEST_CASE("Strings are checked for length and pattern") {
  CHECK(first_error(sample(), with(R"({"name": ""})")) == "name: expected a non-empty string, got \"\"");
  CHECK(first_error(sample(), with(R"({"name": "abcdefghij"})")) ==
        "name: expected at most 8 characters, got 10");
  CHECK(first_error(sample(), with(R"({"name": "ABC"})")) == "name: expected a non-empty string, got \"ABC\"");
}

TEST_CASE("Arrays are checked for size, uniqueness and items") {
  CHECK(first_error(sample(), with(R"({"tags": []})")) == "tags: expected at least 1 item, got 0");
  CHECK(first_error(sample(), with(R"({"tags": ["a", "b", "c"]})")) == "tags: expected at most 2 items, got 3");
  CHECK(first_error(sample(), with(R"({"tags": ["a", "a"]})")) == "tags[1]: \"a\" is listed twice");
  CHECK(first_error(sample(), with(R"({"tags": [1]})")) == "tags[0]: expected a string, got 1");
}

TEST_CASE("Enums and consts list the allowed values") {
  CHECK(first_error(sample(), with(R"({"mode": "medium"})")) ==
        "mode: expected one of \"fast\", \"slow\", got \"medium\"");
}

TEST_CASE("oneOf reports the alternative the document meant, picked by its discriminator") {
  CHECK(first_error(sample(), with(R"({"fault": {"kind": "crash"}})")) ==
        "fault: missing required key \"target\"");
  CHECK(first_error(sample(), with(R"({"fault": {"kind": "heal", "target": "x"}})")) ==
        "fault.target: unknown key (expected one of: kind)");
  CHECK(first_error(sample(), with(R"({"fault": {"kind": "explode"}})")) ==
        "fault.kind: expected one of \"crash\", \"heal\", got \"explode\"");
  CHECK(first_error(sample(), with(R"({"fault": {"kind": "heal"}})")).empty());
}

TEST_CASE("anyOf over types says every accepted form") {
  CHECK(first_error(sample(), with(R"({"size": "big"})")) ==
        "size: expected an integer \u2265 1 or an object, got \"big\"");
  CHECK(first_error(sample(), with(R"({"size": 3})")).empty());
}

TEST_CASE("A schema outside the supported subset is refused when loaded") {
  CHECK_THROWS_AS(JsonSchema(json::parse(R"({"type": "object", "patternProperties": {}})")),
                  std::invalid_argument);
  CHECK_THROWS_AS(JsonSchema(json::parse(R"({"$ref": "#/$defs/missing"})")), std::invalid_argument);
  CHECK_THROWS_AS(JsonSchema(json::parse(R"({"$ref": "other.json#/x"})")), std::invalid_argument);
  CHECK_THROWS_AS(JsonSchema(json::parse(R"({"pattern": "("})")), std::invalid_argument);
  CHECK_THROWS_AS(JsonSchema(json::parse(R"({"type": "intger"})")), std::invalid_argument);
  CHECK_THROWS_AS(JsonSchema(json::parse(R"({"type": ["string", 1]})")), std::invalid_argument);
  CHECK_THROWS_AS(JsonSchema(json::parse(R"({"properties": {"a": {"minimun": 1}}})")),
                  std::invalid_argument);
}

TEST_CASE("x-expected replaces the generated description of a value") {
  JsonSchema schema(json::parse(R"({"type": "string", "pattern": "^broker-[0-9]+$",
                                    "x-expected": "a broker such as broker-1"})"));
  CHECK(first_error(schema, "node-1") == ": expected a broker such as broker-1, got \"node-1\"");
}

TEST_CASE("Instances nested deeper than the limit are reported, not recursed into") {
  JsonSchema schema(json::parse(R"({"$defs": {"n": {"type": "array", "items": {"$ref": "#/$defs/n"}}},
                                    "$ref": "#/$defs/n"})"));
  json deep = json::array();
  for (int i = 0; i < 300; ++i) deep = json::array({deep});
  auto v = schema.validate(deep);
  REQUIRE_FALSE(v.empty());
  CHECK(v.front().message == "nested too deeply");
}
