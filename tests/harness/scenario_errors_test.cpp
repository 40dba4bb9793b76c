#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "harness/scenario.h"

using namespace kafkasim::harness;
using nlohmann::json;

namespace {

const char* kBase = R"({
  "name": "bad", "duration_ms": 60000,
  "cluster": {"brokers": 3},
  "topics": [{"name": "orders", "partitions": 3, "replication_factor": 3}],
  "workload": {"kind": "queue", "producers": 2, "consumers": 2}
})";

// kBase with an RFC 7386 merge patch applied (null removes a key).
std::string patched(const char* patch) {
  json doc = json::parse(kBase);
  doc.merge_patch(json::parse(patch));
  return doc.dump();
}

// ScenarioError's what(), or "(no error)". Any other exception escapes
// and fails the test: loading must never fail any other way.
std::string error_of(const std::string& text) {
  try {
    parse_scenario(text, "bad.json");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "(no error)";
}

struct Case {
  const char* what;
  std::string text;
  std::string prefix;    // what() starts with this: file and JSON path
  std::string fragment;  // and contains this
};

void check_cases(const std::vector<Case>& cases) {
  for (const auto& c : cases) {
    std::string message = error_of(c.text);
    INFO(c.what << "\n  error: " << message);
    CHECK(message.rfind(c.prefix, 0) == 0);
    CHECK(message.find(c.fragment) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("The base of the malformed cases is itself valid") { CHECK(error_of(kBase) == "(no error)"); }

TEST_CASE("Text that is not a JSON object is rejected with its place") {
  check_cases({
      {"empty file", "", "bad.json: ", "the file is empty"},
      {"only whitespace", " \n\t\n", "bad.json: ", "the file is empty"},
      {"trailing comma", "{\"name\": \"x\",}", "bad.json:1:", "invalid JSON"},
      {"unclosed object", "{\n  \"name\": \"x\"\n", "bad.json:3:", "invalid JSON"},
      {"bare word", "hello", "bad.json:1:", "invalid JSON"},
      {"comment", "// c\n{}", "bad.json:1:", "invalid JSON"},
      {"NUL byte", std::string("{\"name\": \"a\0b\"}", 15), "bad.json:1:", "invalid JSON"},
      {"array root", "[1, 2]", "bad.json: ", "expected an object, got an array"},
      {"string root", "\"scenario\"", "bad.json: ", "expected an object, got \"scenario\""},
      {"number root", "42", "bad.json: ", "expected an object, got 42"},
      {"null root", "null", "bad.json: ", "expected an object, got null"},
      {"invalid UTF-8 byte", "{\"name\": \"caf\xe9\"}", "bad.json:1:14: ", "invalid UTF-8"},
      {"overlong UTF-8", "{\n\"description\": \"\xc0\xaf\"}", "bad.json:2:17: ", "invalid UTF-8"},
      {"UTF-16 surrogate in UTF-8", "{\"name\": \"\xed\xa0\x80\"}", "bad.json:1:", "invalid UTF-8"},
      {"truncated UTF-8", "{\"name\": \"\xe2\x82", "bad.json:1:", "invalid UTF-8"},
      {"duplicate key", patched("{}").insert(1, "\"name\": \"dup\", "), "bad.json: name: ", "appears twice"},
      {"duplicate nested key", "{\"topics\": [{\"name\": \"a\"}, {\"name\": \"b\", \"name\": \"c\"}]}",
       "bad.json: topics[1].name: ", "appears twice"},
      {"number too large for a double", patched("{}").insert(1, "\"seed\": 1e400, "), "bad.json:1:10: ",
       "number overflow"},
  });
}

TEST_CASE("Deep nesting is rejected before the recursive parser sees it") {
  std::string deep(100000, '[');
  CHECK(error_of(deep) == "bad.json:1:65: nested more than 64 levels deep");
  std::string deep_objects;
  for (int i = 0; i < 100000; ++i) deep_objects += "{\"a\":";
  CHECK(error_of(deep_objects).rfind("bad.json:1:", 0) == 0);
  // Brackets inside strings are text, not nesting.
  std::string description = "\"description\": \"" + std::string(9000, '[') + "\\\"{{{\", ";
  CHECK(error_of(patched("{}").insert(1, description)) == "(no error)");
}

TEST_CASE("Wrong types, signs and sizes name the offending key") {
  check_cases({
      {"missing name", patched(R"({"name": null})"), "bad.json: ", "missing required key \"name\""},
      {"partitions as a word", patched(R"({"topics": [{"name": "orders", "partitions": "three"}]})"),
       "bad.json: topics[0].partitions: ", "expected an integer from 1 to 10000, got \"three\""},
      {"zero brokers", patched(R"({"cluster": {"brokers": 0}})"), "bad.json: cluster.brokers: ",
       "got 0"},
      {"negative partitions", patched(R"({"topics": [{"name": "orders", "partitions": -3}]})"),
       "bad.json: topics[0].partitions: ", "got -3"},
      {"zero replication factor", patched(R"({"topics": [{"name": "orders", "replication_factor": 0}]})"),
       "bad.json: topics[0].replication_factor: ", "got 0"},
      {"negative duration", patched(R"({"duration_ms": -1})"), "bad.json: duration_ms: ", "got -1"},
      {"fractional partitions", patched(R"({"topics": [{"name": "orders", "partitions": 1.5}]})"),
       "bad.json: topics[0].partitions: ", "got 1.5"},
      {"boolean as a string", patched(R"({"workload": {"txn": "yes"}})"), "bad.json: workload.txn: ",
       "expected true or false, got \"yes\""},
      {"topics not an array", patched(R"({"topics": {"name": "orders"}})"), "bad.json: topics: ",
       "expected an array"},
      {"no topics", patched(R"({"topics": []})"), "bad.json: topics: ", "at least 1 item"},
      {"illegal topic name", patched(R"({"topics": [{"name": "my topic"}]})"), "bad.json: topics[0].name: ",
       "Kafka topic name"},
      {"internal topic name", patched(R"({"topics": [{"name": "__consumer_offsets"}]})"),
       "bad.json: topics[0].name: ", "reserved"},
      {"duplicate topic", patched(R"({"topics": [{"name": "a"}, {"name": "a"}]})"),
       "bad.json: topics[1].name: ", "already the name of topics[0]"},
      {"scenario name with a slash", patched(R"({"name": "a/b"})"), "bad.json: name: ", "got \"a/b\""},
  });
}

TEST_CASE("Absurdly large numbers are rejected, not wrapped or truncated") {
  check_cases({
      {"a million brokers", patched(R"({"cluster": {"brokers": 1000000}})"), "bad.json: cluster.brokers: ",
       "from 1 to 100"},
      {"huge partition count", patched(R"({"topics": [{"name": "orders", "partitions": 99999999}]})"),
       "bad.json: topics[0].partitions: ", "from 1 to 10000"},
      {"duration over a day", patched(R"({"duration_ms": 86400001})"), "bad.json: duration_ms: ",
       "from 1 to 86400000"},
      {"duration beyond int64", patched(R"({"duration_ms": 99999999999999999999})"),
       "bad.json: duration_ms: ", "expected an integer"},
      {"seed beyond uint64", patched(R"({"seed": 18446744073709551616})"), "bad.json: seed: ",
       "expected an integer"},
      {"rate over a million", patched(R"({"workload": {"rate_per_s": 1e9}})"), "bad.json: workload.rate_per_s: ",
       "1000000"},
      {"config int beyond int32", patched(R"({"cluster": {"config": {"num.partitions": 3000000000}}})"),
       "bad.json: cluster.config[\"num.partitions\"]: ", "from 1 to 2147483647"},
      {"config long beyond int64", patched(R"({"topics": [{"name": "t", "config": {"retention.ms": "99999999999999999999"}}]})"),
       "bad.json: topics[0].config[\"retention.ms\"]: ", "expected an integer"},
  });
}

TEST_CASE("Unknown keys are errors at every depth") {
  check_cases({
      {"top level typo", patched(R"({"duraton_ms": 1})"), "bad.json: duraton_ms: ",
       "did you mean \"duration_ms\"?"},
      {"in cluster", patched(R"({"cluster": {"brokers": 3, "zookeeper": true}})"),
       "bad.json: cluster.zookeeper: ", "unknown key"},
      {"in a topic", patched(R"({"topics": [{"name": "orders", "partitons": 3}]})"),
       "bad.json: topics[0].partitons: ", "did you mean \"partitions\"?"},
      {"in the network range", patched(R"({"network": {"latency_ms": {"min": 1, "max": 2, "avg": 1}}})"),
       "bad.json: network.latency_ms.avg: ", "unknown key"},
      {"in a fault", patched(R"({"faults": [{"at_ms": 1, "kind": "crash", "target": "broker-1", "isolate": "broker-2"}]})"),
       "bad.json: faults[0].isolate: ", "unknown key"},
      {"in the nemesis", patched(R"({"nemesis": {"kinds": ["crash"], "interval_ms": {"min": 1, "max": 2},
                                                 "duration_ms": {"min": 1, "max": 2}, "rate": 1}})"),
       "bad.json: nemesis.rate: ", "unknown key"},
      {"in expect", patched(R"({"expect": {"vaild": true}})"), "bad.json: expect.vaild: ",
       "did you mean \"valid\"?"},
      {"a huge unknown key", patched(("{\"" + std::string(1000000, 'k') + "\": 1}").c_str()),
       "bad.json: " + std::string(97, 'k') + "...: ", "unknown key"},
  });
}

TEST_CASE("Unknown fault kinds and bad targets are rejected") {
  auto fault = [](const std::string& f) { return patched(("{\"faults\": [" + f + "]}").c_str()); };
  check_cases({
      {"unknown kind", fault(R"({"at_ms": 1, "kind": "explode", "target": "broker-1"})"),
       "bad.json: faults[0].kind: ", "expected one of \"crash\", \"power-loss\""},
      {"missing kind", fault(R"({"at_ms": 1, "target": "broker-1"})"), "bad.json: faults[0]: ",
       "missing required key \"kind\""},
      {"crash without target", fault(R"({"at_ms": 1, "kind": "crash"})"), "bad.json: faults[0]: ",
       "missing required key \"target\""},
      {"unknown target form", fault(R"({"at_ms": 1, "kind": "crash", "target": "node-1"})"),
       "bad.json: faults[0].target: ", "expected a target"},
      {"broker beyond the cluster", fault(R"({"at_ms": 1, "kind": "crash", "target": "broker-4"})"),
       "bad.json: faults[0].target: ", "broker-4 does not exist: the cluster has 3 brokers"},
      {"broker zero", fault(R"({"at_ms": 1, "kind": "crash", "target": "broker-0"})"),
       "bad.json: faults[0].target: ", "N \u2265 1"},
      {"controller beyond the quorum", fault(R"({"at_ms": 1, "kind": "pause", "target": "controller-2"})"),
       "bad.json: faults[0].target: ", "controller-2 does not exist"},
      {"leader of an unknown topic", fault(R"({"at_ms": 1, "kind": "crash", "target": "leader:nope/0"})"),
       "bad.json: faults[0].target: ", "no topic named \"nope\""},
      {"leader of a missing partition", fault(R"({"at_ms": 1, "kind": "crash", "target": "leader:orders/3"})"),
       "bad.json: faults[0].target: ", "orders has 3 partitions (0 to 2)"},
      {"unknown client", fault(R"({"at_ms": 1, "kind": "pause", "target": "client:producer-9"})"),
       "bad.json: faults[0].target: ", "no client named \"producer-9\""},
      {"leader-crashed before any crash", fault(R"({"at_ms": 1, "kind": "restart", "target": "leader-crashed"})"),
       "bad.json: faults[0].target: ", "no earlier fault crashes one"},
      {"partition without isolate or groups", fault(R"({"at_ms": 1, "kind": "partition"})"),
       "bad.json: faults[0]: ", "needs one of \"isolate\" or \"groups\""},
      {"partition with both", fault(R"({"at_ms": 1, "kind": "partition", "isolate": "broker-1",
                                        "groups": [["broker-1"], ["broker-2"]]})"),
       "bad.json: faults[0]: ", "only one of"},
      {"node in two groups", fault(R"({"at_ms": 1, "kind": "partition", "groups": [["broker-1"], ["broker-1"]]})"),
       "bad.json: faults[0].groups[1][0]: ", "in more than one group"},
      {"group member beyond the cluster", fault(R"({"at_ms": 1, "kind": "partition", "groups": [["broker-1"], ["broker-7"]]})"),
       "bad.json: faults[0].groups[1][0]: ", "does not exist"},
      {"clock skew without amount", fault(R"({"at_ms": 1, "kind": "clock-skew", "target": "broker-1"})"),
       "bad.json: faults[0]: ", "offset_ms"},
      {"fault after the end", fault(R"({"at_ms": 60001, "kind": "crash", "target": "broker-1"})"),
       "bad.json: faults[0].at_ms: ", "after the end of the fault phase (duration_ms 60000)"},
      {"torn on a crash", fault(R"({"at_ms": 1, "kind": "crash", "target": "broker-1", "torn": true})"),
       "bad.json: faults[0].torn: ", "unknown key"},
      {"nemesis drawing heal", patched(R"({"nemesis": {"kinds": ["heal"], "interval_ms": {"min": 1, "max": 2},
                                                       "duration_ms": {"min": 1, "max": 2}}})"),
       "bad.json: nemesis.kinds[0]: ", "expected one of"},
      {"nemesis range upside down", patched(R"({"nemesis": {"kinds": ["crash"], "interval_ms": {"min": 9, "max": 2},
                                                            "duration_ms": {"min": 1, "max": 2}}})"),
       "bad.json: nemesis.interval_ms: ", "min 9 is more than max 2"},
      {"latency range upside down", patched(R"({"network": {"latency_ms": {"min": 10, "max": 5}}})"),
       "bad.json: network.latency_ms: ", "min 10 is more than max 5"},
  });
}

TEST_CASE("Unknown or bad Kafka configurations are rejected by name") {
  check_cases({
      {"unknown broker config", patched(R"({"cluster": {"config": {"foo.bar": 1}}})"),
       "bad.json: cluster.config[\"foo.bar\"]: ", "unknown broker configuration \"foo.bar\""},
      {"misspelt topic config", patched(R"({"topics": [{"name": "t", "config": {"min.insync.replica": 2}}]})"),
       "bad.json: topics[0].config[\"min.insync.replica\"]: ", "did you mean \"min.insync.replicas\"?"},
      {"consumer config on the producer", patched(R"({"workload": {"producer": {"isolation.level": "read_committed"}}})"),
       "bad.json: workload.producer[\"isolation.level\"]: ", "is a consumer configuration, not a producer one"},
      {"acks out of range", patched(R"({"workload": {"producer": {"acks": "2"}}})"),
       "bad.json: workload.producer.acks: ", "expected an integer from -1 to 1"},
      {"boolean config as yes", patched(R"({"cluster": {"config": {"unclean.leader.election.enable": "yes"}}})"),
       "bad.json: cluster.config[\"unclean.leader.election.enable\"]: ", "expected true or false, got \"yes\""},
      {"unsupported compression", patched(R"({"workload": {"producer": {"compression.type": "gzip"}}})"),
       "bad.json: workload.producer[\"compression.type\"]: ", "kafkasim does not model"},
      {"idempotence with acks=1", patched(R"({"workload": {"producer": {"enable.idempotence": true, "acks": 1}}})"),
       "bad.json: workload.producer.acks: ", "must be all (-1) when enable.idempotence is true"},
      {"alias and name together", patched(R"({"workload": {"producer": {"delivery.timeout.ms": 1000, "message.timeout.ms": 2000}}})"),
       "bad.json: workload.producer[\"message.timeout.ms\"]: ", "same setting"},
      {"config value an object", patched(R"({"cluster": {"config": {"num.partitions": {"n": 1}}}})"),
       "bad.json: cluster.config[\"num.partitions\"]: ", "expected a Kafka configuration value"},
      {"config not an object", patched(R"({"cluster": {"config": ["num.partitions"]}})"),
       "bad.json: cluster.config: ", "expected an object"},
      {"mixed assignors", patched(R"({"workload": {"consumer": {"partition.assignment.strategy": "range,cooperative-sticky"}}})"),
       "bad.json: workload.consumer[\"partition.assignment.strategy\"]: ", "cannot be mixed"},
  });
}

TEST_CASE("References between keys are checked against the cluster and topics") {
  check_cases({
      {"replication factor above the brokers", patched(R"({"topics": [{"name": "orders", "replication_factor": 4}]})"),
       "bad.json: topics[0].replication_factor: ", "4 is more than the 3 brokers"},
      {"default replication factor above the brokers",
       patched(R"({"cluster": {"config": {"default.replication.factor": 5}}, "topics": [{"name": "t"}]})"),
       "bad.json: topics[0]: ", "defaults to cluster.config[\"default.replication.factor\"], 5"},
      {"workload key not a topic", patched(R"({"workload": {"keys": ["orders", "payments"]}})"),
       "bad.json: workload.keys[1]: ", "no topic named \"payments\""},
      {"ride-sharing without its topics", patched(R"({"workload": {"kind": "ride-sharing"}})"), "bad.json: topics: ",
       "a ride-sharing workload needs a topic named \"ride-requests\""},
      {"word-count without its topics", patched(R"({"workload": {"kind": "word-count"}})"), "bad.json: topics: ",
       "a word-count workload needs a topic named \"sentences\""},
      {"unknown workload kind", patched(R"({"workload": {"kind": "batch"}})"), "bad.json: workload.kind: ",
       "expected one of \"queue\""},
      {"queue without consumers", patched(R"({"workload": {"consumers": 0}})"), "bad.json: workload.consumers: ",
       "at least 1 consumer"},
      {"groups on a one-broker cluster",
       patched(R"({"cluster": {"brokers": 1}, "topics": [{"name": "t"}], "workload": {"subscribe": true}})"),
       "bad.json: cluster: ", "offsets.topic.replication.factor is 3 but the cluster has 1 broker"},
      {"transaction timeout above the broker maximum",
       patched(R"({"workload": {"txn": true, "producer": {"transaction.timeout.ms": 1000000}}})"),
       "bad.json: workload.producer[\"transaction.timeout.ms\"]: ", "transaction.max.timeout.ms"},
      {"session timeout outside the group bounds",
       patched(R"({"workload": {"subscribe": true, "consumer": {"session.timeout.ms": 1000}}})"),
       "bad.json: workload.consumer[\"session.timeout.ms\"]: ", "group.min/max.session.timeout.ms"},
      {"unknown bug", patched(R"({"bugs": ["hw-truncaton"]})"), "bad.json: bugs[0]: ",
       "did you mean \"hw-truncation\"?"},
      {"bug listed twice", patched(R"({"bugs": ["hw-truncation", "hw-truncation"]})"), "bad.json: bugs[1]: ",
       "listed twice"},
      {"unknown anomaly", patched(R"({"expect": {"anomalies": ["lost-writes"]}})"),
       "bad.json: expect.anomalies[0]: ", "did you mean \"lost-write\"?"},
      {"unknown allowed anomaly", patched(R"({"expect": {"valid": true, "allow": ["G2"]}})"),
       "bad.json: expect.allow[0]: ", "expected one of"},
      {"valid and anomalies together", patched(R"({"expect": {"valid": false, "anomalies": ["duplicate"]}})"),
       "bad.json: expect: ", "either \"valid\" or \"anomalies\""},
  });
}

namespace {

// xorshift64: a fixed generator, so every run tries the same inputs.
struct Rng {
  std::uint64_t state;
  std::uint64_t next() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

const char* kRich = R"({
  "name": "rich", "seed": 7, "duration_ms": 60000,
  "cluster": {"brokers": 3, "controllers": 3, "config": {"min.insync.replicas": 2, "log.retention.ms": null}},
  "network": {"latency_ms": {"min": 1, "max": 5}},
  "topics": [{"name": "orders", "partitions": 3, "replication_factor": 3,
              "config": {"cleanup.policy": "compact,delete", "min.cleanable.dirty.ratio": "0.3"}}],
  "workload": {"kind": "queue", "producers": 2, "consumers": 2, "rate_per_s": 50.5, "subscribe": true,
               "keys": ["orders"], "producer": {"acks": "all", "transactional.id": "tx"},
               "consumer": {"group.id": "g", "partition.assignment.strategy": ["range"]}},
  "faults": [{"at_ms": 1, "kind": "crash", "target": "leader:orders/0", "duration_ms": 5},
             {"at_ms": 2, "kind": "partition", "groups": [["broker-1"], ["broker-2", "client:consumer-1"]]},
             {"at_ms": 3, "kind": "clock-skew", "target": "controller-2", "drift_ppm": 50.5}],
  "nemesis": {"kinds": ["clog"], "interval_ms": {"min": 1, "max": 2}, "duration_ms": {"min": 1, "max": 2},
              "targets": ["clients"]},
  "bugs": ["no-dedup-window"],
  "expect": {"anomalies": ["duplicate"], "allow": ["G0"]}
})";

// Every value of `j`, by pointer, for replacing one at random.
void collect_values(json& j, std::vector<json*>& out) {
  out.push_back(&j);
  if (j.is_structured()) {
    for (auto& child : j) collect_values(child, out);
  }
}

void expect_only_scenario_errors(const std::string& text) {
  try {
    parse_scenario(text, "fuzz.json");
  } catch (const ScenarioError& e) {
    if (std::string(e.what()).rfind("fuzz.json", 0) != 0) FAIL("error without the file name: " << e.what());
  } catch (const std::exception& e) {
    FAIL("not a ScenarioError: " << e.what() << "\ninput: " << text);
  }
}

}  // namespace

TEST_CASE("The rich fuzzing base is valid") { CHECK(error_of(kRich) == "(no error)"); }

TEST_CASE("Random byte corruptions of a scenario fail only with a ScenarioError") {
  const std::string base = kRich;
  static const char kAlphabet[] = "{}[]\",:0123456789-+.eE truefalsn\\\x00\xff\xc3\xa9\xed\xa0";
  const std::string alphabet(kAlphabet, sizeof kAlphabet - 1);
  Rng rng{0x9E3779B97F4A7C15ull};
  for (int round = 0; round < 3000; ++round) {
    std::string text = base;
    for (std::size_t edits = 1 + rng.below(4); edits > 0; --edits) {
      std::size_t at = rng.below(text.size());
      char c = alphabet[rng.below(alphabet.size())];
      switch (rng.below(4)) {
        case 0: text.erase(at, 1 + rng.below(8)); break;
        case 1: text.insert(at, 1, c); break;
        case 2: text[at] = c; break;
        default: text.insert(at, text.substr(rng.below(text.size()), rng.below(40))); break;
      }
    }
    expect_only_scenario_errors(text);
  }
}

TEST_CASE("Random values in place of valid ones fail only with a ScenarioError") {
  const std::vector<json> replacements = {
      nullptr, true, 0, -1, 1, 2, 3, 1.5, -0.0, 1e300, 18446744073709551615ull, -9223372036854775807LL - 1,
      "", "three", "all", "broker-1", "leader:orders/9", "crash", "queue", "1e3", "-1", "true",
      json::array(), json::array({1, "a"}), json::array({json::array({"broker-9"})}), json::object(),
      json{{"min", 5}, {"max", 1}}, json{{"x", 1}}};
  Rng rng{42};
  const json base = json::parse(kRich);
  for (int round = 0; round < 3000; ++round) {
    json doc = base;
    std::vector<json*> values;
    collect_values(doc, values);
    *values[rng.below(values.size())] = replacements[rng.below(replacements.size())];
    expect_only_scenario_errors(doc.dump());
  }
}
