#include <catch2/catch.hpp>

#include <set>

#include "broker-model/config_catalog.h"

using namespace kafkasim::kafka;
using nlohmann::json;

namespace {

Config resolve(Scope scope, const char* object) { return Config::resolve(scope, json::parse(object), "p"); }

// The ConfigError's "path: message", or "(no error)".
std::string error_of(Scope scope, const char* object) {
  try {
    resolve(scope, object);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("Every catalog entry is complete and its default is a valid value") {
  std::set<std::string> names;
  for (const auto& e : config_catalog()) {
    INFO(e.name);
    CHECK(names.insert(e.name).second);
    CHECK(e.scopes != 0);
    CHECK_FALSE(e.description.empty());
    if (e.type == ConfigType::enumeration || e.type == ConfigType::list) CHECK_FALSE(e.choices.empty());
    for (const auto& alias : e.name_aliases) CHECK(find_config(alias) == &e);
    if (!e.broker_default.empty()) {
      const ConfigEntry* b = find_config(e.broker_default);
      REQUIRE(b);
      CHECK(b->in(Scope::broker));
      CHECK(e.in(Scope::topic));
    }
  }
  for (Scope s : all_scopes()) CHECK_NOTHROW(Config::defaults(s));
}

TEST_CASE("The catalog holds the names the scenario format promises") {
  for (const char* name :
       {"broker.session.timeout.ms", "replica.lag.time.max.ms", "unclean.leader.election.enable",
        "min.insync.replicas", "log.flush.interval.messages", "transaction.state.log.min.isr",
        "controller.quorum.election.timeout.ms", "metadata.max.idle.interval.ms", "cleanup.policy",
        "min.cleanable.dirty.ratio", "max.message.bytes", "acks", "enable.idempotence",
        "delivery.timeout.ms", "batch.num.messages", "partitioner", "isolation.level",
        "auto.offset.reset", "partition.assignment.strategy", "enable.partition.eof",
        "processing.guarantee"}) {
    CHECK(find_config(name));
  }
  CHECK(find_config("min.insync.replicas")->in(Scope::broker));
  CHECK(find_config("min.insync.replicas")->in(Scope::topic));
  CHECK(find_config("processing.guarantee")->in(Scope::streams));
}

TEST_CASE("Client defaults are librdkafka's") {
  Config p = Config::defaults(Scope::producer);
  CHECK(p.get_int("acks") == -1);
  CHECK_FALSE(p.get_bool("enable.idempotence"));
  CHECK(p.get_int("max.in.flight.requests.per.connection") == 1000000);
  CHECK(p.get_int("delivery.timeout.ms") == 300000);
  CHECK(p.get_double("linger.ms") == 5);
  CHECK(p.get_int("batch.size") == 1000000);
  CHECK(p.is_null("transactional.id"));
  CHECK(p.get_string("partitioner") == "consistent_random");
  Config c = Config::defaults(Scope::consumer);
  CHECK(c.get_string("isolation.level") == "read_committed");
  CHECK(c.get_string("auto.offset.reset") == "latest");
  CHECK(c.get_list("partition.assignment.strategy") == std::vector<std::string>{"range", "roundrobin"});
  CHECK(c.get_string("partition.assignment.strategy") == "range,roundrobin");
  CHECK(c.get_int("session.timeout.ms") == 45000);
}

TEST_CASE("acks accepts all, -1, 0, 1 as strings or integers and normalises to an int") {
  for (const char* all : {R"({"acks": "all"})", R"({"acks": "-1"})", R"({"acks": -1})"}) {
    CHECK(resolve(Scope::producer, all).get_int("acks") == -1);
  }
  CHECK(resolve(Scope::producer, R"({"acks": "0"})").get_int("acks") == 0);
  CHECK(resolve(Scope::producer, R"({"acks": 1})").get_int("acks") == 1);
  CHECK(resolve(Scope::producer, R"({"request.required.acks": 1})").get_int("acks") == 1);
  CHECK(error_of(Scope::producer, R"({"acks": 2})") == "p.acks: expected an integer from -1 to 1 (\"all\" for -1), got 2");
  CHECK(error_of(Scope::producer, R"({"acks": "ALL"})").find("got \"ALL\"") != std::string::npos);
}

TEST_CASE("Values given in Kafka's string form are validated and normalised") {
  Config b = resolve(Scope::broker, R"({"replica.lag.time.max.ms": "10000", "log.cleaner.enable": "FALSE",
                                        "log.cleaner.min.cleanable.ratio": "0.25", "num.partitions": " 3 "})");
  CHECK(b.get_long("replica.lag.time.max.ms") == 10000);
  CHECK_FALSE(b.get_bool("log.cleaner.enable"));
  CHECK(b.get_double("log.cleaner.min.cleanable.ratio") == 0.25);
  CHECK(b.get_int("num.partitions") == 3);
  CHECK(error_of(Scope::broker, R"({"num.partitions": "3.0"})") ==
        "p[\"num.partitions\"]: expected an integer from 1 to 2147483647, got \"3.0\"");
  CHECK(error_of(Scope::broker, R"({"num.partitions": 1.5})").find("got 1.5") != std::string::npos);
  CHECK(error_of(Scope::broker, R"({"num.partitions": ""})").find("expected an integer") != std::string::npos);
  CHECK(error_of(Scope::broker, R"({"log.cleaner.min.cleanable.ratio": 1.5})") ==
        "p[\"log.cleaner.min.cleanable.ratio\"]: expected a number from 0 to 1, got 1.5");
  CHECK(error_of(Scope::broker, R"({"log.cleaner.min.cleanable.ratio": "nan"})").find("expected a number") !=
        std::string::npos);
  CHECK(error_of(Scope::broker, R"({"log.cleaner.enable": 1})") ==
        "p[\"log.cleaner.enable\"]: expected true or false, got 1");
  CHECK(error_of(Scope::broker, R"({"num.partitions": null})").find("got null") != std::string::npos);
  CHECK(resolve(Scope::producer, R"({"transactional.id": null})").is_null("transactional.id"));
}

TEST_CASE("Enum spellings librdkafka accepts are normalised") {
  auto reset = [](const char* v) {
    return Config::resolve(Scope::consumer, json{{"auto.offset.reset", v}}, "c").get_string("auto.offset.reset");
  };
  CHECK(reset("smallest") == "earliest");
  CHECK(reset("beginning") == "earliest");
  CHECK(reset("earliest") == "earliest");
  CHECK(reset("largest") == "latest");
  CHECK(reset("end") == "latest");
  CHECK(reset("error") == "error");
  CHECK(error_of(Scope::consumer, R"({"auto.offset.reset": "first"})").find("one of \"earliest\"") !=
        std::string::npos);
  CHECK(resolve(Scope::topic, R"({"cleanup.policy": "delete,compact"})").get_string("cleanup.policy") ==
        "compact,delete");
  CHECK(error_of(Scope::producer, R"({"compression.type": "zstd"})").find("does not model") != std::string::npos);
  CHECK(error_of(Scope::streams, R"({"processing.guarantee": "exactly_once"})").find("does not model") !=
        std::string::npos);
}

TEST_CASE("Lists are accepted as arrays or comma-separated strings") {
  auto strategy = [](const json& v) {
    return Config::resolve(Scope::consumer, json{{"partition.assignment.strategy", v}}, "c")
        .get_list("partition.assignment.strategy");
  };
  CHECK(strategy("roundrobin, range") == std::vector<std::string>{"roundrobin", "range"});
  CHECK(strategy(json::array({"cooperative-sticky"})) == std::vector<std::string>{"cooperative-sticky"});
  CHECK(error_of(Scope::consumer, R"({"partition.assignment.strategy": "range,range"})").find("listed twice") !=
        std::string::npos);
  CHECK(error_of(Scope::consumer, R"({"partition.assignment.strategy": ""})").find("expected a list") !=
        std::string::npos);
  CHECK(error_of(Scope::consumer, R"({"partition.assignment.strategy": ["sticky"]})").find("got \"sticky\"") !=
        std::string::npos);
}

TEST_CASE("A name alias reads and writes the canonical setting") {
  Config p = resolve(Scope::producer, R"({"message.timeout.ms": 1234, "queue.buffering.max.ms": 0.5})");
  CHECK(p.get_int("delivery.timeout.ms") == 1234);
  CHECK(p.get_int("message.timeout.ms") == 1234);
  CHECK(p.get_double("linger.ms") == 0.5);
  CHECK(p.to_json().contains("delivery.timeout.ms"));
  CHECK_FALSE(p.to_json().contains("message.timeout.ms"));
}

TEST_CASE("Unknown names and names of another scope are errors naming the scope") {
  CHECK(error_of(Scope::producer, R"({"ack": 1})") ==
        "p.ack: unknown producer configuration \"ack\"; did you mean \"acks\"?");
  CHECK(error_of(Scope::consumer, R"({"acks": 1})") ==
        "p.acks: \"acks\" is a producer configuration, not a consumer one");
  CHECK(error_of(Scope::topic, R"({"num.partitions": 1})") ==
        "p[\"num.partitions\"]: \"num.partitions\" is a broker configuration, not a topic one");
  CHECK(error_of(Scope::broker, R"({"zzzzzzzz": 1})").find("kafkasim supports: broker.heartbeat.interval.ms") !=
        std::string::npos);
  CHECK(error_of(Scope::broker, "[]") == "p: expected an object of Kafka configuration names, got an array");
}

TEST_CASE("Topic defaults come from the broker configuration where Kafka takes them from it") {
  Config broker = resolve(Scope::broker, R"({"log.retention.bytes": 100, "min.insync.replicas": 2,
                                             "unclean.leader.election.enable": true, "message.max.bytes": 5000})");
  Config topic = Config::resolve(Scope::topic, json::object(), "t", &broker);
  CHECK(topic.get_long("retention.bytes") == 100);
  CHECK(topic.get_int("min.insync.replicas") == 2);
  CHECK(topic.get_bool("unclean.leader.election.enable"));
  CHECK(topic.get_int("max.message.bytes") == 5000);
  CHECK(topic.get_long("retention.ms") == 604800000);  // log.retention.ms null: one week
  CHECK(topic.get_long("flush.ms") == 9223372036854775807);
  CHECK_FALSE(topic.is_explicit("min.insync.replicas"));
  Config overridden = Config::resolve(Scope::topic, json{{"min.insync.replicas", 3}}, "t", &broker);
  CHECK(overridden.get_int("min.insync.replicas") == 3);
  CHECK(overridden.is_explicit("min.insync.replicas"));
}

TEST_CASE("non_default lists exactly the settings that differ from Kafka's default") {
  CHECK(Config::defaults(Scope::broker).non_default().empty());
  Config b = resolve(Scope::broker, R"({"min.insync.replicas": 2, "num.partitions": 1})");
  CHECK(b.non_default() == json{{"min.insync.replicas", 2}});
  Config p = resolve(Scope::producer, R"({"acks": "all", "enable.idempotence": true})");
  CHECK(p.non_default() == json{{"enable.idempotence", true}, {"max.in.flight.requests.per.connection", 5}});
  Config c = resolve(Scope::consumer, R"({"auto.offset.reset": "smallest"})");
  CHECK(c.non_default() == json{{"auto.offset.reset", "earliest"}});
}

TEST_CASE("Idempotence and transactional.id follow librdkafka's rules") {
  Config t = resolve(Scope::producer, R"({"transactional.id": "tx-1", "transaction.timeout.ms": 10000})");
  CHECK(t.get_bool("enable.idempotence"));
  CHECK_FALSE(t.is_explicit("enable.idempotence"));
  CHECK(t.get_int("max.in.flight.requests.per.connection") == 5);
  CHECK(t.get_int("delivery.timeout.ms") == 10000);
  CHECK(error_of(Scope::producer, R"({"transactional.id": "x", "enable.idempotence": false})") ==
        "p[\"enable.idempotence\"]: must be true when transactional.id is set");
  CHECK(error_of(Scope::producer, R"({"transactional.id": "x", "delivery.timeout.ms": 70000})")
            .find("at most transaction.timeout.ms (60000)") != std::string::npos);
  CHECK(error_of(Scope::producer, R"({"enable.idempotence": true, "max.in.flight": 6})") ==
        "p[\"max.in.flight.requests.per.connection\"]: must be at most 5 when enable.idempotence is true");
  CHECK(error_of(Scope::producer, R"({"enable.idempotence": true, "retries": 0})") ==
        "p.retries: must be more than 0 when enable.idempotence is true");
  CHECK(error_of(Scope::producer, R"({"enable.idempotence": true, "max.in.flight": 2, "acks": -1})") ==
        "(no error)");
  CHECK(error_of(Scope::producer, R"({"acks": 0, "max.in.flight": 100})") == "(no error)");
}

TEST_CASE("to_json lists every setting of the scope and resolves back to an equal Config") {
  Config c = resolve(Scope::consumer, R"({"group.id": "g", "partition.assignment.strategy": ["roundrobin"]})");
  json j = c.to_json();
  std::size_t in_scope = 0;
  for (const auto& e : config_catalog()) in_scope += e.in(Scope::consumer);
  CHECK(j.size() == in_scope);
  CHECK(j["partition.assignment.strategy"] == "roundrobin");
  CHECK(Config::resolve(Scope::consumer, j, "c") == c);
  CHECK_FALSE(Config::defaults(Scope::consumer) == c);
}

TEST_CASE("Asking a Config for a name or type it does not have is a programming error") {
  Config p = Config::defaults(Scope::producer);
  CHECK_THROWS_AS(p.get_int("isolation.level"), std::logic_error);
  CHECK_THROWS_AS(p.get_int("no.such.name"), std::logic_error);
  CHECK_THROWS_AS(p.get_bool("acks"), std::logic_error);
  CHECK_THROWS_AS(p.get_int("linger.ms"), std::logic_error);
  CHECK_THROWS_AS(Config().get_int("acks"), std::logic_error);
  CHECK(p.get_long("acks") == -1);
}

TEST_CASE("Error message helpers format paths, values and suggestions") {
  CHECK(json_member_path("", "cluster") == "cluster");
  CHECK(json_member_path("cluster", "config") == "cluster.config");
  CHECK(json_member_path("cluster.config", "min.insync.replicas") == "cluster.config[\"min.insync.replicas\"]");
  CHECK(json_member_path("x", "a\"b") == "x[\"a\\\"b\"]");
  CHECK(describe_json_value(json("three")) == "\"three\"");
  CHECK(describe_json_value(json(std::string(100, 'a'))).size() == 62);
  CHECK(describe_json_value(json::object()) == "an object");
  CHECK(format_number(14) == "14");
  CHECK(format_number(0.5) == "0.5");
  CHECK(nearest_name("retires", {"retries", "acks"}) == std::optional<std::string>("retries"));
  CHECK_FALSE(nearest_name("zzzzzz", {"retries", "acks"}));
}
