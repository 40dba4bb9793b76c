#include "harness/json_schema.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "broker-model/config_catalog.h"

namespace kafkasim::harness {
namespace {

using nlohmann::json;
using kafka::describe_json_value;

const std::set<std::string>& known_keywords() {
  static const std::set<std::string> keywords = {
      "$schema", "$id", "$defs", "$comment", "title", "description", "default", "examples",
      "x-expected", "type", "properties", "required", "additionalProperties", "items", "enum",
      "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minItems",
      "maxItems", "uniqueItems", "minLength", "maxLength", "pattern", "oneOf", "anyOf", "$ref"};
  return keywords;
}

// <0, 0, >0 as a is less than, equal to, greater than b. REQUIRES: numbers.
int compare_numbers(const json& a, const json& b) {
  if (a.is_number_float() || b.is_number_float()) {
    long double x = a.get<long double>(), y = b.get<long double>();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  bool a_neg = !a.is_number_unsigned() && a.get<std::int64_t>() < 0;
  bool b_neg = !b.is_number_unsigned() && b.get<std::int64_t>() < 0;
  if (a_neg != b_neg) return a_neg ? -1 : 1;
  if (a_neg) {
    auto x = a.get<std::int64_t>(), y = b.get<std::int64_t>();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  auto x = a.get<std::uint64_t>(), y = b.get<std::uint64_t>();
  return x < y ? -1 : (x > y ? 1 : 0);
}

bool has_type(const json& instance, const std::string& type) {
  if (type == "object") return instance.is_object();
  if (type == "array") return instance.is_array();
  if (type == "string") return instance.is_string();
  if (type == "boolean") return instance.is_boolean();
  if (type == "null") return instance.is_null();
  if (type == "number") return instance.is_number();
  if (type == "integer") return instance.is_number_integer();
  return false;
}

std::string type_phrase(const std::string& type) {
  if (type == "integer") return "an integer";
  if (type == "object") return "an object";
  if (type == "array") return "an array";
  if (type == "boolean") return "true or false";
  if (type == "null") return "null";
  return "a " + type;
}

std::string join_values(const std::vector<json>& values) {
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ", ";
    out += describe_json_value(values[i]);
  }
  return out;
}

std::string numeric_bounds(const json& schema) {
  auto num = [](const json& v) { return v.dump(); };
  std::string lo, hi;
  if (schema.contains("minimum")) lo = "\u2265 " + num(schema["minimum"]);
  if (schema.contains("exclusiveMinimum")) lo = "> " + num(schema["exclusiveMinimum"]);
  if (schema.contains("maximum")) hi = "\u2264 " + num(schema["maximum"]);
  if (schema.contains("exclusiveMaximum")) hi = "< " + num(schema["exclusiveMaximum"]);
  if (schema.contains("minimum") && schema.contains("maximum")) {
    return " from " + num(schema["minimum"]) + " to " + num(schema["maximum"]);
  }
  if (!lo.empty() && !hi.empty()) return " " + lo + " and " + hi;
  return lo.empty() && hi.empty() ? "" : " " + lo + hi;
}

std::string plural(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

SchemaViolation violation(const std::string& path, std::string message, std::string keyword,
                          const json& value) {
  return SchemaViolation{path, std::move(message), std::move(keyword), {}, value};
}

}  // namespace

std::string json_index_path(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

JsonSchema::JsonSchema(json schema) : schema_(std::move(schema)) { check_keywords(schema_, "#"); }

void JsonSchema::check_keywords(const json& schema, const std::string& where) {
  if (schema.is_boolean()) return;
  if (!schema.is_object()) throw std::invalid_argument("schema " + where + " is not an object");
  for (const auto& [key, value] : schema.items()) {
    if (!known_keywords().count(key)) {
      throw std::invalid_argument("schema " + where + ": unsupported keyword \"" + key + "\"");
    }
  }
  auto sub = [&](const char* key) {
    if (schema.contains(key)) check_keywords(schema[key], where + "/" + key);
  };
  sub("items");
  sub("additionalProperties");
  for (const char* key : {"properties", "$defs"}) {
    if (!schema.contains(key)) continue;
    for (const auto& [name, s] : schema[key].items()) check_keywords(s, where + "/" + key + "/" + name);
  }
  for (const char* key : {"oneOf", "anyOf"}) {
    if (!schema.contains(key)) continue;
    for (std::size_t i = 0; i < schema[key].size(); ++i) {
      check_keywords(schema[key][i], where + "/" + key + "/" + std::to_string(i));
    }
  }
  if (schema.contains("type")) {
    const json& t = schema["type"];
    for (const auto& name : t.is_array() ? t : json::array({t})) {
      static const std::set<std::string> types = {"object", "array",  "string", "boolean",
                                                  "null",   "number", "integer"};
      if (!name.is_string() || !types.count(name.get<std::string>())) {
        throw std::invalid_argument("schema " + where + ": unknown type " + name.dump());
      }
    }
  }
  if (schema.contains("$ref")) resolve(schema["$ref"].get<std::string>());
  if (schema.contains("pattern")) {
    const auto& p = schema["pattern"].get_ref<const std::string&>();
    try {
      patterns_.emplace(p, std::regex(p, std::regex::ECMAScript));
    } catch (const std::regex_error& e) {
      throw std::invalid_argument("schema " + where + ": bad pattern " + p + ": " + e.what());
    }
  }
}

const json& JsonSchema::resolve(const std::string& ref) const {
  const std::string prefix = "#/$defs/";
  if (ref.rfind(prefix, 0) != 0 || !schema_.contains("$defs") ||
      !schema_["$defs"].contains(ref.substr(prefix.size()))) {
    throw std::invalid_argument("schema: $ref \"" + ref + "\" does not resolve (only #/$defs/NAME)");
  }
  return schema_["$defs"][ref.substr(prefix.size())];
}

std::vector<SchemaViolation> JsonSchema::validate(const json& instance) const {
  std::vector<SchemaViolation> all;
  check(schema_, instance, "", 0, all);
  // An alternative's complaint may repeat one its parent schema made.
  std::vector<SchemaViolation> out;
  for (auto& v : all) {
    bool repeated = std::any_of(out.begin(), out.end(), [&](const SchemaViolation& o) {
      return o.path == v.path && o.message == v.message;
    });
    if (!repeated) out.push_back(std::move(v));
  }
  return out;
}

std::string JsonSchema::expected(const json& schema) const {
  if (schema.is_boolean()) return schema.get<bool>() ? "anything" : "nothing";
  if (schema.contains("x-expected")) return schema["x-expected"].get<std::string>();
  if (schema.contains("$ref")) return expected(resolve(schema["$ref"].get<std::string>()));
  if (schema.contains("const")) return describe_json_value(schema["const"]);
  if (schema.contains("enum")) {
    return "one of " + join_values(schema["enum"].get<std::vector<json>>());
  }
  for (const char* key : {"oneOf", "anyOf"}) {
    if (!schema.contains(key)) continue;
    std::string out;
    for (const auto& alt : schema[key]) out += (out.empty() ? "" : " or ") + expected(alt);
    return out;
  }
  if (!schema.contains("type")) return "a value";
  std::vector<std::string> types = schema["type"].is_array()
                                       ? schema["type"].get<std::vector<std::string>>()
                                       : std::vector<std::string>{schema["type"].get<std::string>()};
  std::string out;
  for (const auto& t : types) {
    std::string phrase = type_phrase(t);
    if (t == "integer" || t == "number") phrase += numeric_bounds(schema);
    if (t == "string" && schema.value("minLength", 0) > 0) phrase = "a non-empty string";
    out += (out.empty() ? "" : " or ") + phrase;
  }
  return out;
}

void JsonSchema::check(const json& schema, const json& instance, const std::string& path,
                       std::size_t depth, std::vector<SchemaViolation>& out) const {
  if (schema.is_boolean()) {
    if (!schema.get<bool>()) out.push_back(violation(path, "no value is allowed here", "false", instance));
    return;
  }
  if (depth > kMaxDepth) {
    out.push_back(violation(path, "nested too deeply", "depth", instance));
    return;
  }
  if (schema.contains("$ref")) {
    check(resolve(schema["$ref"].get<std::string>()), instance, path, depth + 1, out);
  }
  if (!check_scalar(schema, instance, path, out)) return;
  if (instance.is_array()) check_array(schema, instance, path, depth, out);
  if (instance.is_object()) check_object(schema, instance, path, depth, out);
  if (schema.contains("anyOf")) check_alternatives(schema["anyOf"], instance, path, depth, false, out);
  if (schema.contains("oneOf")) check_alternatives(schema["oneOf"], instance, path, depth, true, out);
}

// type, const, enum, numeric and string keywords. Returns false when the
// type is wrong: the other keywords would only repeat the same complaint.
bool JsonSchema::check_scalar(const json& schema, const json& instance, const std::string& path,
                              std::vector<SchemaViolation>& out) const {
  auto expected_got = [&](const char* keyword) {
    out.push_back(violation(path, "expected " + expected(schema) + ", got " + describe_json_value(instance),
                            keyword, instance));
  };
  if (schema.contains("type")) {
    const json& t = schema["type"];
    bool ok = t.is_string() ? has_type(instance, t.get<std::string>())
                            : std::any_of(t.begin(), t.end(), [&](const json& x) {
                                return has_type(instance, x.get<std::string>());
                              });
    if (!ok) {
      expected_got("type");
      return false;
    }
  }
  if (schema.contains("const") && instance != schema["const"]) {
    expected_got("const");
    out.back().allowed = {schema["const"]};
  }
  if (schema.contains("enum")) {
    const json& values = schema["enum"];
    if (std::find(values.begin(), values.end(), instance) == values.end()) {
      expected_got("enum");
      out.back().allowed = values.get<std::vector<json>>();
      if (instance.is_string()) {
        std::vector<std::string> names;
        for (const auto& v : values) {
          if (v.is_string()) names.push_back(v.get<std::string>());
        }
        if (auto near = kafka::nearest_name(instance.get<std::string>(), names)) {
          out.back().message += "; did you mean \"" + *near + "\"?";
        }
      }
    }
  }
  if (instance.is_number()) {
    auto bound = [&](const char* keyword, auto fails) {
      if (schema.contains(keyword) && fails(compare_numbers(instance, schema[keyword]))) {
        expected_got(keyword);
      }
    };
    bound("minimum", [](int c) { return c < 0; });
    bound("maximum", [](int c) { return c > 0; });
    bound("exclusiveMinimum", [](int c) { return c <= 0; });
    bound("exclusiveMaximum", [](int c) { return c >= 0; });
  }
  if (instance.is_string()) {
    const auto& s = instance.get_ref<const std::string&>();
    if (schema.contains("minLength") && s.size() < schema["minLength"].get<std::size_t>()) {
      expected_got("minLength");
    }
    if (schema.contains("maxLength") && s.size() > schema["maxLength"].get<std::size_t>()) {
      out.push_back(violation(path, "expected at most " + plural(schema["maxLength"].get<std::size_t>(), "character") +
                                        ", got " + std::to_string(s.size()), "maxLength", instance));
    }
    if (schema.contains("pattern") &&
        !std::regex_search(s, patterns_.at(schema["pattern"].get<std::string>()))) {
      expected_got("pattern");
    }
  }
  return true;
}

void JsonSchema::check_array(const json& schema, const json& instance, const std::string& path,
                             std::size_t depth, std::vector<SchemaViolation>& out) const {
  std::size_t n = instance.size();
  if (schema.contains("minItems") && n < schema["minItems"].get<std::size_t>()) {
    out.push_back(violation(path, "expected at least " + plural(schema["minItems"].get<std::size_t>(), "item") +
                                      ", got " + std::to_string(n), "minItems", instance));
  }
  if (schema.contains("maxItems") && n > schema["maxItems"].get<std::size_t>()) {
    out.push_back(violation(path, "expected at most " + plural(schema["maxItems"].get<std::size_t>(), "item") +
                                      ", got " + std::to_string(n), "maxItems", instance));
  }
  for (std::size_t i = 0; i < n; ++i) {
    std::string item_path = json_index_path(path, i);
    if (schema.contains("items")) check(schema["items"], instance[i], item_path, depth + 1, out);
    if (schema.value("uniqueItems", false) &&
        std::find(instance.begin(), instance.begin() + static_cast<std::ptrdiff_t>(i), instance[i]) !=
            instance.begin() + static_cast<std::ptrdiff_t>(i)) {
      out.push_back(violation(item_path, describe_json_value(instance[i]) + " is listed twice", "uniqueItems", instance[i]));
    }
  }
}

void JsonSchema::check_object(const json& schema, const json& instance, const std::string& path,
                              std::size_t depth, std::vector<SchemaViolation>& out) const {
  if (schema.contains("required")) {
    for (const auto& key : schema["required"]) {
      if (!instance.contains(key.get<std::string>())) {
        out.push_back(violation(path, "missing required key " + describe_json_value(key), "required", instance));
      }
    }
  }
  const json* properties = schema.contains("properties") ? &schema["properties"] : nullptr;
  const json* additional = schema.contains("additionalProperties") ? &schema["additionalProperties"] : nullptr;
  for (const auto& [key, value] : instance.items()) {
    std::string member = kafka::json_member_path(path, key);
    if (properties && properties->contains(key)) {
      check((*properties)[key], value, member, depth + 1, out);
    } else if (additional && additional->is_boolean() && !additional->get<bool>()) {
      std::vector<std::string> known;
      if (properties) {
        for (const auto& [name, s] : properties->items()) known.push_back(name);
      }
      std::string message = "unknown key";
      if (auto near = kafka::nearest_name(key, known)) {
        message += "; did you mean \"" + *near + "\"?";
      } else if (!known.empty()) {
        std::string list;
        for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
        message += " (expected one of: " + list + ")";
      }
      out.push_back(violation(member, message, "additionalProperties", value));
    } else if (additional) {
      check(*additional, value, member, depth + 1, out);
    }
  }
}

// oneOf/anyOf. When no alternative matches, reports the violations of the
// alternative the instance most likely meant: alternatives whose const or
// enum on a member (a discriminator such as a fault's "kind") rejects the
// instance are passed over; of the rest, the one with the fewest violations.
void JsonSchema::check_alternatives(const json& alternatives, const json& instance,
                                    const std::string& path, std::size_t depth, bool exactly_one,
                                    std::vector<SchemaViolation>& out) const {
  std::vector<std::vector<SchemaViolation>> results;
  std::size_t matches = 0;
  for (const auto& alt : alternatives) {
    results.emplace_back();
    check(alt, instance, path, depth + 1, results.back());
    matches += results.back().empty();
  }
  if (matches == 1 || (matches > 1 && !exactly_one)) return;
  if (matches > 1) {
    out.push_back(violation(path, "matches more than one alternative of the schema", "oneOf", instance));
    return;
  }
  auto discriminated = [&](const std::vector<SchemaViolation>& vs) {
    return std::any_of(vs.begin(), vs.end(), [&](const SchemaViolation& v) {
      return (v.keyword == "const" || v.keyword == "enum") && v.path != path;
    });
  };
  auto all_at_root = [&](const std::vector<SchemaViolation>& vs) {
    return std::all_of(vs.begin(), vs.end(), [&](const SchemaViolation& v) { return v.path == path; });
  };
  const std::vector<SchemaViolation>* best = nullptr;
  bool all_here = true;
  for (const auto& r : results) {
    all_here = all_here && all_at_root(r);
    if (discriminated(r)) continue;
    if (!best || r.size() < best->size()) best = &r;
  }
  if (all_here) {
    out.push_back(violation(path, "expected " + expected(json{{exactly_one ? "oneOf" : "anyOf", alternatives}}) +
                                      ", got " + describe_json_value(instance), exactly_one ? "oneOf" : "anyOf", instance));
    return;
  }
  if (best) {
    out.insert(out.end(), best->begin(), best->end());
    return;
  }
  // Every alternative was rejected by its discriminator: list what the
  // discriminator allows, at its path.
  std::vector<json> allowed;
  const SchemaViolation* first = nullptr;
  for (const auto& r : results) {
    for (const auto& v : r) {
      if ((v.keyword != "const" && v.keyword != "enum") || v.path == path) continue;
      if (!first) first = &v;
      if (v.path != first->path) continue;
      for (const auto& a : v.allowed) {
        if (std::find(allowed.begin(), allowed.end(), a) == allowed.end()) allowed.push_back(a);
      }
    }
  }
  out.push_back(SchemaViolation{first->path,
                                "expected one of " + join_values(allowed) + ", got " +
                                    describe_json_value(first->value),
                                "enum", allowed, first->value});
}

}  // namespace kafkasim::harness
