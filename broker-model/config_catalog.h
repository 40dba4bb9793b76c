// The Kafka configuration names kafkasim models, and the validated, typed
// settings of one scope (a broker, a topic, a producer, a consumer, a
// stream-processing job).
//
// Names, types, defaults and ranges are Kafka's own (Apache Kafka 3.x for
// broker and topic configs, librdkafka 2.x for client configs where it differs
// from the Java client; each such difference is noted in the catalog).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace kafkasim::kafka {

enum class Scope : unsigned { broker = 1, topic = 2, producer = 4, consumer = 8, streams = 16 };

constexpr unsigned bit(Scope s) { return static_cast<unsigned>(s); }
std::string_view to_string(Scope s);
// Every scope, in declaration order.
const std::vector<Scope>& all_scopes();

enum class ConfigType {
  integer,      // Java int: 32 bits
  long_,        // Java long: 64 bits
  double_,
  boolean,
  string,
  enumeration,  // one of `choices`
  list,         // ordered list, each element one of `choices` (empty choices: any)
};
std::string_view to_string(ConfigType t);

struct ConfigEntry {
  std::string name;
  unsigned scopes = 0;  // bitwise or of bit(Scope)
  ConfigType type = ConfigType::string;
  // Kafka's default in Kafka's string form; nullopt: no default (null).
  std::optional<std::string> default_value;
  std::optional<double> min;
  std::optional<double> max;
  std::string unit;  // "ms", "bytes", "messages", ... or empty
  std::string description;
  std::vector<std::string> choices;
  // Accepted input spellings and the canonical value each stands for.
  std::vector<std::pair<std::string, std::string>> value_aliases;
  // Values Kafka accepts that kafkasim does not model: rejected with a
  // message saying so.
  std::vector<std::string> unsupported_values;
  // Other names of the same setting (librdkafka aliases).
  std::vector<std::string> name_aliases;
  // Topic scope only: the broker config that supplies the topic's default
  // (Kafka's "server default property"); empty: the catalog default.
  std::string broker_default;

  bool in(Scope s) const { return (scopes & bit(s)) != 0; }
};

// The whole catalog, sorted by name.
const std::vector<ConfigEntry>& config_catalog();
// The entry with this name or alias, or nullptr.
const ConfigEntry* find_config(std::string_view name);

// Helpers for error messages, shared with every JSON reader of kafkasim.
//
// Appends an object member to a JSON path in SPEC §1's style:
// `parent.key`, or `parent["key"]` when key is not a plain identifier
// (config names contain dots). An empty parent gives `key`; a key longer
// than 100 bytes is shortened with "...".
std::string json_member_path(std::string_view parent, std::string_view key);
// A value as an error message shows it: "three" (quoted, shortened), 1.5,
// true, null, an object, an array.
std::string describe_json_value(const nlohmann::json& v);
// 14, -1, 0.5: integral values without a fraction.
std::string format_number(double v);
// The candidate closest to `word` by edit distance, if close enough to be
// a likely typo ("did you mean ...?").
std::optional<std::string> nearest_name(std::string_view word,
                                        const std::vector<std::string>& candidates);

// A configuration value that is not valid. path(): the JSON path of the
// offending value; message(): what is wrong, for a human.
class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string path, std::string message);
  const std::string& path() const { return path_; }
  const std::string& message() const { return message_; }

 private:
  std::string path_;
  std::string message_;
};

// The settings of one scope: every catalog name of that scope, with its
// given or default value. Immutable once resolved.
class Config {
 public:
  // null (no value), bool, int and long, double, string and enum, list.
  using Value = std::variant<std::monostate, bool, std::int64_t, double, std::string,
                             std::vector<std::string>>;

  // An empty Config of no scope: every getter throws. Use defaults().
  Config() = default;

  // Kafka's defaults for `scope`. For Scope::topic, `broker` (when given)
  // supplies the defaults Kafka takes from the broker's configuration.
  static Config defaults(Scope scope, const Config* broker = nullptr);

  // Validates and normalises `object` (a JSON object of name -> value, value
  // as its JSON type or Kafka's string form) and fills the defaults.
  // `json_path` is the object's path, used in errors. Throws ConfigError on
  // an unknown name (naming it and the scope), a name given twice (through
  // an alias), a wrong type, a value out of range, or an unsupported value.
  // Producer scope applies librdkafka's rules for enable.idempotence and
  // transactional.id (adjusting defaults, rejecting conflicting settings).
  static Config resolve(Scope scope, const nlohmann::json& object,
                        const std::string& json_path, const Config* broker = nullptr);

  std::optional<Scope> scope() const { return scope_; }

  // REQUIRES: `name` is a catalog name (or alias) of this scope, of the
  // getter's type (get_long also reads int). Otherwise throws
  // std::logic_error: asking for a wrong name is a programming error.
  std::int32_t get_int(std::string_view name) const;
  std::int64_t get_long(std::string_view name) const;
  double get_double(std::string_view name) const;
  bool get_bool(std::string_view name) const;
  // string, enum and list (joined with ',') values; "" when null.
  std::string get_string(std::string_view name) const;
  std::vector<std::string> get_list(std::string_view name) const;
  bool is_null(std::string_view name) const;
  // True when the scenario gave the value (not a default or an adjustment).
  bool is_explicit(std::string_view name) const;
  const Value& get(std::string_view name) const;

  // {name: value} of the settings that differ from Kafka's default.
  nlohmann::json non_default() const;
  // {name: value} of every setting, canonical names, defaults filled.
  nlohmann::json to_json() const;

  friend bool operator==(const Config& a, const Config& b);

 private:
  struct Setting {
    const ConfigEntry* entry = nullptr;
    Value value;
    bool is_explicit = false;
  };
  const Setting& setting(std::string_view name) const;
  void apply_producer_rules(const std::string& json_path);

  std::optional<Scope> scope_;
  std::map<std::string, Setting, std::less<>> settings_;
};

nlohmann::json to_json(const Config::Value& v);

}  // namespace kafkasim::kafka
