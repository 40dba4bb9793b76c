// A validator for the subset of JSON Schema (draft 2020-12) that kafkasim's
// own schemas use, with errors a human can act on:
//   topics[0].partitions: expected an integer ≥ 1, got "three"
//
// Supported keywords: type, properties, required, additionalProperties
// (boolean or schema), items, enum, const, minimum, maximum,
// exclusiveMinimum, exclusiveMaximum, minItems, maxItems, uniqueItems,
// minLength, maxLength, pattern (ECMAScript, unanchored as the spec says),
// oneOf, anyOf, and $ref to "#/$defs/NAME". Annotations ($schema, $id,
// $defs, $comment, title, description, default, examples) are ignored, and
// "x-expected" gives the phrase an error uses for the expected value.
//
// Deliberate differences from the spec: a JSON number with a fraction part
// or exponent (1.0, 1e3) is not an "integer"; "type" is a string or an
// array of strings.
#pragma once

#include <cstddef>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kafkasim::harness {

struct SchemaViolation {
  std::string path;     // SPEC §1 style, "" for the root
  std::string message;  // "expected an integer ≥ 1, got \"three\""
  std::string keyword;  // the schema keyword that failed
  // const/enum failures: the values the schema allows there.
  std::vector<nlohmann::json> allowed;
  nlohmann::json value;  // the offending value
};

class JsonSchema {
 public:
  // Throws std::invalid_argument when `schema` uses a keyword outside the
  // subset, a $ref that does not resolve, or a pattern that does not
  // compile: a schema edit must never be silently ignored.
  explicit JsonSchema(nlohmann::json schema);

  // Every violation, in document order (for an object, required keys first,
  // then members by name). Empty: `instance` is valid. Instances nested
  // deeper than kMaxDepth are reported, not recursed into.
  std::vector<SchemaViolation> validate(const nlohmann::json& instance) const;

  const nlohmann::json& document() const { return schema_; }
  // The schema `ref` ("#/$defs/NAME") points to. REQUIRES: it resolves.
  const nlohmann::json& resolve(const std::string& ref) const;

  static constexpr std::size_t kMaxDepth = 128;

 private:
  void check_keywords(const nlohmann::json& schema, const std::string& where);
  void check(const nlohmann::json& schema, const nlohmann::json& instance, const std::string& path,
             std::size_t depth, std::vector<SchemaViolation>& out) const;
  bool check_scalar(const nlohmann::json& schema, const nlohmann::json& instance,
                    const std::string& path, std::vector<SchemaViolation>& out) const;
  void check_array(const nlohmann::json& schema, const nlohmann::json& instance,
                   const std::string& path, std::size_t depth,
                   std::vector<SchemaViolation>& out) const;
  void check_object(const nlohmann::json& schema, const nlohmann::json& instance,
                    const std::string& path, std::size_t depth,
                    std::vector<SchemaViolation>& out) const;
  void check_alternatives(const nlohmann::json& alternatives, const nlohmann::json& instance,
                          const std::string& path, std::size_t depth, bool exactly_one,
                          std::vector<SchemaViolation>& out) const;
  // "an integer from 1 to 100", "one of \"a\", \"b\"", "an object".
  std::string expected(const nlohmann::json& schema) const;

  nlohmann::json schema_;
  std::map<std::string, std::regex> patterns_;
};

// `path[index]`.
std::string json_index_path(const std::string& path, std::size_t index);

}  // namespace kafkasim::harness
