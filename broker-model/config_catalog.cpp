#include "broker-model/config_catalog.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <set>

namespace kafkasim::kafka {
namespace {

constexpr unsigned B = bit(Scope::broker);
constexpr unsigned T = bit(Scope::topic);
constexpr unsigned P = bit(Scope::producer);
constexpr unsigned C = bit(Scope::consumer);
constexpr unsigned S = bit(Scope::streams);

using CT = ConfigType;

// The tables below name only the members each entry sets; GCC 12 warns about
// the members that designated initializers leave at their defaults.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
constexpr double kInt32Max = 2147483647;
const std::string kLongMax = "9223372036854775807";

std::vector<ConfigEntry> broker_entries() {
  return {
      {.name = "broker.session.timeout.ms", .scopes = B, .type = CT::integer,
       .default_value = "9000", .min = 1, .unit = "ms",
       .description = "KRaft: the controller fences a broker that has not heartbeated for this long (KIP-631)"},
      {.name = "broker.heartbeat.interval.ms", .scopes = B, .type = CT::integer,
       .default_value = "2000", .min = 1, .unit = "ms",
       .description = "KRaft: interval between a broker's heartbeats to the controller (KIP-631)"},
      {.name = "replica.lag.time.max.ms", .scopes = B, .type = CT::long_,
       .default_value = "30000", .min = 0, .unit = "ms",
       .description = "a follower not caught up to the leader's LEO for this long leaves the ISR (KIP-537 default)"},
      {.name = "replica.fetch.wait.max.ms", .scopes = B, .type = CT::integer,
       .default_value = "500", .min = 0, .unit = "ms",
       .description = "longest a follower's fetch waits at the leader for new data"},
      {.name = "replica.fetch.max.bytes", .scopes = B, .type = CT::integer,
       .default_value = "1048576", .min = 0, .unit = "bytes",
       .description = "bytes a follower asks for per partition in one fetch"},
      {.name = "unclean.leader.election.enable", .scopes = B | T, .type = CT::boolean,
       .default_value = "false", .description = "elect a leader from outside the ISR when no ISR member is alive (may lose data)",
       .broker_default = "unclean.leader.election.enable"},
      {.name = "min.insync.replicas", .scopes = B | T, .type = CT::integer,
       .default_value = "1", .min = 1, .unit = "replicas",
       .description = "an acks=all produce fails with NOT_ENOUGH_REPLICAS when the ISR is smaller than this",
       .broker_default = "min.insync.replicas"},
      {.name = "default.replication.factor", .scopes = B, .type = CT::integer,
       .default_value = "1", .min = 1, .unit = "replicas",
       .description = "replication factor of a topic created without one"},
      {.name = "num.partitions", .scopes = B, .type = CT::integer,
       .default_value = "1", .min = 1, .unit = "partitions",
       .description = "partition count of a topic created without one"},
      {.name = "log.segment.bytes", .scopes = B, .type = CT::integer,
       .default_value = "1073741824", .min = 14, .unit = "bytes",
       .description = "size at which a log segment is rolled"},
      {.name = "log.flush.interval.messages", .scopes = B, .type = CT::long_,
       .default_value = kLongMax, .min = 1, .unit = "messages",
       .description = "fsync a partition's log after this many messages (default: never; Kafka relies on replication)"},
      // Kafka's default is null: log.flush.scheduler.interval.ms (Long.MAX_VALUE) applies.
      {.name = "log.flush.interval.ms", .scopes = B, .type = CT::long_,
       .default_value = std::nullopt, .min = 0, .unit = "ms",
       .description = "fsync a partition's log when its oldest unflushed message is this old (null: never)"},
      // Kafka's default is null: log.retention.hours (168, one week) applies.
      {.name = "log.retention.ms", .scopes = B, .type = CT::long_,
       .default_value = std::nullopt, .min = -1, .unit = "ms",
       .description = "delete segments older than this (-1: no limit; null: one week)"},
      {.name = "log.retention.bytes", .scopes = B, .type = CT::long_,
       .default_value = "-1", .min = -1, .unit = "bytes",
       .description = "delete old segments when a partition grows beyond this (-1: no limit)"},
      {.name = "log.cleanup.policy", .scopes = B, .type = CT::enumeration,
       .default_value = "delete", .description = "default cleanup.policy of topics",
       .choices = {"delete", "compact", "compact,delete"},
       .value_aliases = {{"delete,compact", "compact,delete"}}},
      {.name = "log.cleaner.enable", .scopes = B, .type = CT::boolean,
       .default_value = "true", .description = "run the log cleaner (needed for compacted topics)"},
      {.name = "log.cleaner.min.compaction.lag.ms", .scopes = B, .type = CT::long_,
       .default_value = "0", .min = 0, .unit = "ms",
       .description = "default min.compaction.lag.ms of topics"},
      {.name = "log.cleaner.delete.retention.ms", .scopes = B, .type = CT::long_,
       .default_value = "86400000", .min = 0, .unit = "ms",
       .description = "default delete.retention.ms of topics"},
      {.name = "log.cleaner.min.cleanable.ratio", .scopes = B, .type = CT::double_,
       .default_value = "0.5", .min = 0, .max = 1,
       .description = "default min.cleanable.dirty.ratio of topics"},
      {.name = "log.cleaner.backoff.ms", .scopes = B, .type = CT::long_,
       .default_value = "15000", .min = 0, .unit = "ms",
       .description = "how long the log cleaner sleeps between passes over the compacted logs"},
      {.name = "log.retention.check.interval.ms", .scopes = B, .type = CT::long_,
       .default_value = "300000", .min = 1, .unit = "ms",
       .description = "how often the log manager deletes segments past retention.ms, retention.bytes or the log start offset"},
      {.name = "message.max.bytes", .scopes = B, .type = CT::integer,
       .default_value = "1048588", .min = 0, .unit = "bytes",
       .description = "largest record batch the broker accepts; default max.message.bytes of topics"},
      {.name = "offsets.topic.replication.factor", .scopes = B, .type = CT::integer,
       .default_value = "3", .min = 1, .max = 32767, .unit = "replicas",
       .description = "replication factor of __consumer_offsets (its creation waits for this many brokers)"},
      {.name = "offsets.topic.num.partitions", .scopes = B, .type = CT::integer,
       .default_value = "50", .min = 1, .unit = "partitions",
       .description = "partition count of __consumer_offsets"},
      {.name = "transaction.state.log.replication.factor", .scopes = B, .type = CT::integer,
       .default_value = "3", .min = 1, .max = 32767, .unit = "replicas",
       .description = "replication factor of __transaction_state (its creation waits for this many brokers)"},
      {.name = "transaction.state.log.min.isr", .scopes = B, .type = CT::integer,
       .default_value = "2", .min = 1, .unit = "replicas",
       .description = "min.insync.replicas of __transaction_state"},
      {.name = "transaction.state.log.num.partitions", .scopes = B, .type = CT::integer,
       .default_value = "50", .min = 1, .unit = "partitions",
       .description = "partition count of __transaction_state"},
      {.name = "transaction.max.timeout.ms", .scopes = B, .type = CT::integer,
       .default_value = "900000", .min = 1, .unit = "ms",
       .description = "largest transaction.timeout.ms a producer may ask for (KIP-98)"},
      {.name = "transaction.abort.timed.out.transaction.cleanup.interval.ms", .scopes = B, .type = CT::integer,
       .default_value = "10000", .min = 1, .unit = "ms",
       .description = "how often the transaction coordinator looks for transactions past their timeout to abort"},
      {.name = "group.initial.rebalance.delay.ms", .scopes = B, .type = CT::integer,
       .default_value = "3000", .min = 0, .unit = "ms",
       .description = "how long the coordinator waits for more members before the first rebalance of an empty group (KIP-134)"},
      {.name = "group.min.session.timeout.ms", .scopes = B, .type = CT::integer,
       .default_value = "6000", .min = 0, .unit = "ms",
       .description = "smallest session.timeout.ms a consumer may ask for"},
      {.name = "group.max.session.timeout.ms", .scopes = B, .type = CT::integer,
       .default_value = "1800000", .min = 0, .unit = "ms",
       .description = "largest session.timeout.ms a consumer may ask for"},
      {.name = "controller.quorum.election.timeout.ms", .scopes = B, .type = CT::integer,
       .default_value = "1000", .min = 1, .unit = "ms",
       .description = "KRaft: a voter that hears from no leader for this long starts an election (KIP-595)"},
      {.name = "controller.quorum.fetch.timeout.ms", .scopes = B, .type = CT::integer,
       .default_value = "2000", .min = 1, .unit = "ms",
       .description = "KRaft: a follower that cannot fetch from the leader for this long becomes a candidate (KIP-595)"},
      {.name = "metadata.max.idle.interval.ms", .scopes = B, .type = CT::integer,
       .default_value = "500", .min = 0, .unit = "ms",
       .description = "KRaft: the active controller appends a no-op record after this much idle time (KIP-835)"},
      {.name = "metadata.log.max.record.bytes.between.snapshots", .scopes = B, .type = CT::integer,
       .default_value = "20971520", .min = 1, .unit = "bytes",
       .description = "KRaft: a voter writes a metadata snapshot and deletes the log below it once this many bytes of records were committed since the last (KIP-630)"},
  };
}

std::vector<ConfigEntry> topic_entries() {
  return {
      {.name = "cleanup.policy", .scopes = T, .type = CT::enumeration,
       .default_value = "delete", .description = "delete old segments, compact by key, or both",
       .choices = {"delete", "compact", "compact,delete"},
       .value_aliases = {{"delete,compact", "compact,delete"}},
       .broker_default = "log.cleanup.policy"},
      {.name = "retention.ms", .scopes = T, .type = CT::long_,
       .default_value = "604800000", .min = -1, .unit = "ms",
       .description = "delete segments older than this (-1: no limit)", .broker_default = "log.retention.ms"},
      {.name = "retention.bytes", .scopes = T, .type = CT::long_,
       .default_value = "-1", .min = -1, .unit = "bytes",
       .description = "delete old segments when a partition grows beyond this (-1: no limit)",
       .broker_default = "log.retention.bytes"},
      {.name = "segment.bytes", .scopes = T, .type = CT::integer,
       .default_value = "1073741824", .min = 14, .unit = "bytes",
       .description = "size at which a log segment is rolled", .broker_default = "log.segment.bytes"},
      {.name = "flush.messages", .scopes = T, .type = CT::long_,
       .default_value = kLongMax, .min = 1, .unit = "messages",
       .description = "fsync the log after this many messages (default: never)",
       .broker_default = "log.flush.interval.messages"},
      {.name = "flush.ms", .scopes = T, .type = CT::long_,
       .default_value = kLongMax, .min = 0, .unit = "ms",
       .description = "fsync the log when its oldest unflushed message is this old (default: never)",
       .broker_default = "log.flush.interval.ms"},
      {.name = "min.compaction.lag.ms", .scopes = T, .type = CT::long_,
       .default_value = "0", .min = 0, .unit = "ms",
       .description = "a record stays uncompacted for at least this long",
       .broker_default = "log.cleaner.min.compaction.lag.ms"},
      {.name = "delete.retention.ms", .scopes = T, .type = CT::long_,
       .default_value = "86400000", .min = 0, .unit = "ms",
       .description = "how long tombstones of a compacted topic are kept",
       .broker_default = "log.cleaner.delete.retention.ms"},
      {.name = "min.cleanable.dirty.ratio", .scopes = T, .type = CT::double_,
       .default_value = "0.5", .min = 0, .max = 1,
       .description = "the cleaner compacts a log once this fraction of it is uncompacted",
       .broker_default = "log.cleaner.min.cleanable.ratio"},
      {.name = "max.message.bytes", .scopes = T, .type = CT::integer,
       .default_value = "1048588", .min = 0, .unit = "bytes",
       .description = "largest record batch the topic accepts", .broker_default = "message.max.bytes"},
  };
}

// librdkafka's names and defaults; differences from the Java client noted.
std::vector<ConfigEntry> producer_entries() {
  return {
      // Java: "all" since Kafka 3.0 as well; librdkafka accepts up to 1000, brokers only -1/0/1.
      {.name = "acks", .scopes = P, .type = CT::integer, .default_value = "-1", .min = -1, .max = 1,
       .description = "replicas that must have a record before the leader answers: 0, 1, or -1 = all (the ISR)",
       .value_aliases = {{"all", "-1"}}, .name_aliases = {"request.required.acks"}},
      // Java: true since Kafka 3.0; librdkafka: false.
      {.name = "enable.idempotence", .scopes = P, .type = CT::boolean, .default_value = "false",
       .description = "producer ids and sequence numbers make retries safe (KIP-98)"},
      // Java: 5; librdkafka: 1000000 (5 at most with idempotence).
      {.name = "max.in.flight.requests.per.connection", .scopes = P, .type = CT::integer,
       .default_value = "1000000", .min = 1, .max = 1000000, .unit = "requests",
       .description = "unanswered produce requests allowed per broker connection",
       .name_aliases = {"max.in.flight"}},
      {.name = "retries", .scopes = P, .type = CT::integer, .default_value = "2147483647", .min = 0,
       .max = kInt32Max, .description = "times a failed produce is retried",
       .name_aliases = {"message.send.max.retries"}},
      {.name = "retry.backoff.ms", .scopes = P, .type = CT::integer, .default_value = "100", .min = 1,
       .max = 300000, .unit = "ms", .description = "wait before retrying a failed request"},
      {.name = "request.timeout.ms", .scopes = P, .type = CT::integer, .default_value = "30000",
       .min = 1, .max = 900000, .unit = "ms", .description = "a produce request unanswered for this long fails and is retried"},
      // Java: delivery.timeout.ms = 120000; librdkafka: message.timeout.ms = 300000 (0: infinite).
      {.name = "delivery.timeout.ms", .scopes = P, .type = CT::integer, .default_value = "300000",
       .min = 0, .max = kInt32Max, .unit = "ms",
       .description = "a record not acknowledged within this long fails (0: never), retries included",
       .name_aliases = {"message.timeout.ms"}},
      // Java: 0 (5 since Kafka 4.0); librdkafka: 5, a float.
      {.name = "linger.ms", .scopes = P, .type = CT::double_, .default_value = "5", .min = 0,
       .max = 900000, .unit = "ms", .description = "wait this long for more records before sending a batch",
       .name_aliases = {"queue.buffering.max.ms"}},
      // Java: 16384; librdkafka: 1000000.
      {.name = "batch.size", .scopes = P, .type = CT::integer, .default_value = "1000000", .min = 1,
       .max = kInt32Max, .unit = "bytes", .description = "largest batch, in bytes"},
      // librdkafka only.
      {.name = "batch.num.messages", .scopes = P, .type = CT::integer, .default_value = "10000",
       .min = 1, .max = 1000000, .unit = "messages", .description = "largest batch, in records"},
      {.name = "transactional.id", .scopes = P, .type = CT::string, .default_value = std::nullopt,
       .description = "enables transactions; identifies the producer across restarts and fences zombies (KIP-98)"},
      {.name = "transaction.timeout.ms", .scopes = P, .type = CT::integer, .default_value = "60000",
       .min = 1000, .max = kInt32Max, .unit = "ms",
       .description = "the coordinator aborts a transaction left open for this long"},
      {.name = "compression.type", .scopes = P, .type = CT::enumeration, .default_value = "none",
       .description = "batch compression codec", .choices = {"none"},
       .unsupported_values = {"gzip", "snappy", "lz4", "zstd"}, .name_aliases = {"compression.codec"}},
      // Java: murmur2 hash with sticky batching for null keys (KIP-480, KIP-794).
      {.name = "partitioner", .scopes = P, .type = CT::enumeration, .default_value = "consistent_random",
       .description = "how a record's key picks its partition when the producer does not choose one",
       .choices = {"random", "consistent", "consistent_random", "murmur2", "murmur2_random", "fnv1a",
                   "fnv1a_random"}},
  };
}

// librdkafka's names and defaults; differences from the Java client noted.
std::vector<ConfigEntry> consumer_entries() {
  return {
      {.name = "group.id", .scopes = C, .type = CT::string, .default_value = std::nullopt,
       .description = "consumer group; required to subscribe or commit offsets"},
      // Java: read_uncommitted; librdkafka: read_committed.
      {.name = "isolation.level", .scopes = C, .type = CT::enumeration, .default_value = "read_committed",
       .description = "read_committed: stop at the last stable offset and skip aborted transactions (KIP-98)",
       .choices = {"read_committed", "read_uncommitted"}},
      {.name = "enable.auto.commit", .scopes = C, .type = CT::boolean, .default_value = "true",
       .description = "commit consumed offsets periodically in the background"},
      {.name = "auto.commit.interval.ms", .scopes = C, .type = CT::integer, .default_value = "5000",
       .min = 0, .max = 86400000, .unit = "ms", .description = "interval between automatic offset commits"},
      // librdkafka's default is spelled "largest".
      {.name = "auto.offset.reset", .scopes = C, .type = CT::enumeration, .default_value = "latest",
       .description = "where to start without a committed offset or when out of range",
       .choices = {"earliest", "latest", "error"},
       .value_aliases = {{"smallest", "earliest"}, {"beginning", "earliest"}, {"largest", "latest"},
                         {"end", "latest"}}},
      // Java: 45000 since Kafka 3.0 (KIP-735) as well.
      {.name = "session.timeout.ms", .scopes = C, .type = CT::integer, .default_value = "45000",
       .min = 1, .max = 3600000, .unit = "ms",
       .description = "the coordinator removes a member that has not heartbeated for this long"},
      {.name = "heartbeat.interval.ms", .scopes = C, .type = CT::integer, .default_value = "3000",
       .min = 1, .max = 3600000, .unit = "ms", .description = "interval between heartbeats to the group coordinator"},
      {.name = "max.poll.interval.ms", .scopes = C, .type = CT::integer, .default_value = "300000",
       .min = 1, .max = 86400000, .unit = "ms",
       .description = "a member that does not poll for this long leaves the group (KIP-62)"},
      // Java: 52428800 as well.
      {.name = "fetch.max.bytes", .scopes = C, .type = CT::integer, .default_value = "52428800",
       .min = 0, .max = 2147483135, .unit = "bytes", .description = "most data one fetch response returns"},
      // Java: fetch.max.wait.ms.
      {.name = "fetch.wait.max.ms", .scopes = C, .type = CT::integer, .default_value = "500", .min = 0,
       .max = 300000, .unit = "ms", .description = "longest the broker holds a fetch waiting for data"},
      // Java: [range, cooperative-sticky] since Kafka 3.0.
      {.name = "partition.assignment.strategy", .scopes = C, .type = CT::list,
       .default_value = "range,roundrobin",
       .description = "assignors in order of preference; cooperative and eager ones must not be mixed (KIP-429)",
       .choices = {"range", "roundrobin", "cooperative-sticky"}},
      // librdkafka only.
      {.name = "enable.partition.eof", .scopes = C, .type = CT::boolean, .default_value = "false",
       .description = "report reaching the end of a partition to the application"},
  };
}

std::vector<ConfigEntry> streams_entries() {
  return {
      {.name = "processing.guarantee", .scopes = S, .type = CT::enumeration,
       .default_value = "at_least_once",
       .description = "exactly_once_v2: transactions commit input offsets with the output (KIP-447, KIP-732)",
       .choices = {"at_least_once", "exactly_once_v2"},
       .unsupported_values = {"exactly_once", "exactly_once_beta"}},
  };
}

#pragma GCC diagnostic pop

std::vector<ConfigEntry> build_catalog() {
  std::vector<ConfigEntry> all;
  for (auto part : {broker_entries(), topic_entries(), producer_entries(), consumer_entries(),
                    streams_entries()}) {
    for (auto& e : part) all.push_back(std::move(e));
  }
  std::sort(all.begin(), all.end(),
            [](const ConfigEntry& a, const ConfigEntry& b) { return a.name < b.name; });
  return all;
}

}  // namespace

const std::vector<ConfigEntry>& config_catalog() {
  static const std::vector<ConfigEntry> catalog = build_catalog();
  return catalog;
}

const ConfigEntry* find_config(std::string_view name) {
  for (const auto& e : config_catalog()) {
    if (e.name == name) return &e;
    if (std::find(e.name_aliases.begin(), e.name_aliases.end(), name) != e.name_aliases.end()) {
      return &e;
    }
  }
  return nullptr;
}

std::string_view to_string(Scope s) {
  switch (s) {
    case Scope::broker: return "broker";
    case Scope::topic: return "topic";
    case Scope::producer: return "producer";
    case Scope::consumer: return "consumer";
    case Scope::streams: return "streams";
  }
  return "?";
}

const std::vector<Scope>& all_scopes() {
  static const std::vector<Scope> scopes = {Scope::broker, Scope::topic, Scope::producer,
                                            Scope::consumer, Scope::streams};
  return scopes;
}

std::string_view to_string(ConfigType t) {
  switch (t) {
    case ConfigType::integer: return "int";
    case ConfigType::long_: return "long";
    case ConfigType::double_: return "double";
    case ConfigType::boolean: return "boolean";
    case ConfigType::string: return "string";
    case ConfigType::enumeration: return "enum";
    case ConfigType::list: return "list";
  }
  return "?";
}

std::optional<std::string> nearest_name(std::string_view word,
                                        const std::vector<std::string>& candidates) {
  // Optimal string alignment distance: Levenshtein plus adjacent transpositions.
  auto distance = [](std::string_view a, std::string_view b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
      for (std::size_t j = 1; j <= b.size(); ++j) {
        d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
          d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.size()][b.size()];
  };
  std::optional<std::string> best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 4) + 1;
  for (const auto& c : candidates) {
    // The distance is at least the difference in length: skip hopeless (and huge) words.
    std::size_t length_gap = word.size() > c.size() ? word.size() - c.size() : c.size() - word.size();
    if (length_gap >= best_distance) continue;
    std::size_t d = distance(word, c);
    if (d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

std::string json_member_path(std::string_view parent, std::string_view key) {
  bool plain = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
  std::string shortened;
  if (key.size() > 100) {
    shortened = std::string(key.substr(0, 97)) + "...";
    key = shortened;
  }
  std::string out(parent);
  if (plain) {
    if (!out.empty()) out += '.';
    out += key;
  } else {
    out += '[';
    out += nlohmann::json(std::string(key)).dump(-1, ' ', false,
                                                  nlohmann::json::error_handler_t::replace);
    out += ']';
  }
  return out;
}

std::string describe_json_value(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::string: {
      const auto& s = v.get_ref<const std::string&>();
      nlohmann::json shown = s.size() > 60 ? s.substr(0, 57) + "..." : s;
      return shown.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    default: return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
}

std::string format_number(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e18) return std::to_string(static_cast<std::int64_t>(v));
  nlohmann::json j = v;
  return j.dump();
}

ConfigError::ConfigError(std::string path, std::string message)
    : std::runtime_error(path.empty() ? message : path + ": " + message),
      path_(std::move(path)),
      message_(std::move(message)) {}

// ---------------------------------------------------------------------------
// Values: JSON or Kafka's string form -> canonical Value.
namespace {

struct Parsed {
  Config::Value value;
  std::string error;  // empty: ok
};

std::pair<double, double> bounds(const ConfigEntry& e) {
  double lo = e.min.value_or(-std::numeric_limits<double>::infinity());
  double hi = e.max.value_or(std::numeric_limits<double>::infinity());
  if (e.type == ConfigType::integer) {
    lo = std::max(lo, -2147483648.0);
    hi = std::min(hi, kInt32Max);
  }
  return {lo, hi};
}

std::string quoted_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& c : items) {
    if (!out.empty()) out += ", ";
    out += '"' + c + '"';
  }
  return out;
}

std::string range_text(double lo, double hi) {
  bool has_lo = std::isfinite(lo), has_hi = std::isfinite(hi);
  if (has_lo && has_hi) return " from " + format_number(lo) + " to " + format_number(hi);
  if (has_lo) return " \u2265 " + format_number(lo);
  if (has_hi) return " \u2264 " + format_number(hi);
  return "";
}

// "an integer from 1 to 100", "true or false", "one of \"a\", \"b\"".
std::string expected_text(const ConfigEntry& e) {
  auto [lo, hi] = bounds(e);
  std::string out;
  switch (e.type) {
    case ConfigType::integer:
    case ConfigType::long_: out = "an integer" + range_text(lo, hi); break;
    case ConfigType::double_: out = "a number" + range_text(lo, hi); break;
    case ConfigType::boolean: out = "true or false"; break;
    case ConfigType::string: out = "a string"; break;
    case ConfigType::enumeration: out = "one of " + quoted_list(e.choices); break;
    case ConfigType::list:
      out = "a list of " + quoted_list(e.choices) + " (an array or a comma-separated string)";
      break;
  }
  for (const auto& [alias, canonical] : e.value_aliases) {
    out += " (\"" + alias + "\" for " + canonical + ")";
  }
  return out;
}

std::string trim(std::string_view s) {
  auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  auto last = s.find_last_not_of(" \t");
  return std::string(s.substr(first, last - first + 1));
}

std::string canonical_spelling(const ConfigEntry& e, const std::string& s) {
  for (const auto& [alias, canonical] : e.value_aliases) {
    if (s == alias) return canonical;
  }
  return s;
}

Parsed fail(const ConfigEntry& e, const nlohmann::json& given) {
  return {{}, "expected " + expected_text(e) + ", got " + describe_json_value(given)};
}

Parsed parse_integer(const ConfigEntry& e, const nlohmann::json& j) {
  std::int64_t v = 0;
  if (j.is_number_integer() && !j.is_number_unsigned()) {
    v = j.get<std::int64_t>();
  } else if (j.is_number_unsigned()) {
    auto u = j.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return fail(e, j);
    v = static_cast<std::int64_t>(u);
  } else if (j.is_string()) {
    std::string s = canonical_spelling(e, trim(j.get_ref<const std::string&>()));
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return fail(e, j);
  } else {
    return fail(e, j);
  }
  auto [lo, hi] = bounds(e);
  // Exact for every bound in the catalog (|bound| < 2^53 or Long.MAX_VALUE).
  if (static_cast<double>(v) < lo || static_cast<double>(v) > hi) return fail(e, j);
  return {v, ""};
}

Parsed parse_double(const ConfigEntry& e, const nlohmann::json& j) {
  double v = 0;
  if (j.is_number()) {
    v = j.get<double>();
  } else if (j.is_string()) {
    std::string s = trim(j.get_ref<const std::string&>());
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return fail(e, j);
  } else {
    return fail(e, j);
  }
  auto [lo, hi] = bounds(e);
  if (!std::isfinite(v) || v < lo || v > hi) return fail(e, j);
  return {v, ""};
}

Parsed parse_boolean(const ConfigEntry& e, const nlohmann::json& j) {
  if (j.is_boolean()) return {j.get<bool>(), ""};
  if (j.is_string()) {
    std::string s = trim(j.get_ref<const std::string&>());
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (s == "true") return {true, ""};
    if (s == "false") return {false, ""};
  }
  return fail(e, j);
}

// One enum value or list element, already trimmed.
std::string choice_error(const ConfigEntry& e, const std::string& s, const nlohmann::json& given) {
  if (std::find(e.unsupported_values.begin(), e.unsupported_values.end(), s) !=
      e.unsupported_values.end()) {
    return "\"" + s + "\" is a valid Kafka value that kafkasim does not model; supported: " +
           quoted_list(e.choices);
  }
  if (e.choices.empty() ||
      std::find(e.choices.begin(), e.choices.end(), s) != e.choices.end()) {
    return "";
  }
  return fail(e, given).error;
}

Parsed parse_enumeration(const ConfigEntry& e, const nlohmann::json& j) {
  if (!j.is_string()) return fail(e, j);
  std::string s = canonical_spelling(e, trim(j.get_ref<const std::string&>()));
  if (auto err = choice_error(e, s, j); !err.empty()) return {{}, err};
  return {s, ""};
}

Parsed parse_list(const ConfigEntry& e, const nlohmann::json& j) {
  std::vector<std::string> items;
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    std::size_t start = 0;
    while (start <= s.size()) {
      std::size_t comma = std::min(s.find(',', start), s.size());
      items.push_back(trim(std::string_view(s).substr(start, comma - start)));
      start = comma + 1;
    }
  } else if (j.is_array()) {
    for (const auto& item : j) {
      if (!item.is_string()) return fail(e, j);
      items.push_back(trim(item.get_ref<const std::string&>()));
    }
  } else {
    return fail(e, j);
  }
  if (items.empty() || (items.size() == 1 && items[0].empty())) return fail(e, j);
  std::set<std::string> seen;
  for (auto& item : items) {
    item = canonical_spelling(e, item);
    if (auto err = choice_error(e, item, nlohmann::json(item)); !err.empty()) return {{}, err};
    if (!seen.insert(item).second) return {{}, "\"" + item + "\" is listed twice"};
  }
  return {items, ""};
}

Parsed parse_value(const ConfigEntry& e, const nlohmann::json& j) {
  if (j.is_null()) {
    if (!e.default_value) return {std::monostate{}, ""};
    return fail(e, j);
  }
  switch (e.type) {
    case ConfigType::integer:
    case ConfigType::long_: return parse_integer(e, j);
    case ConfigType::double_: return parse_double(e, j);
    case ConfigType::boolean: return parse_boolean(e, j);
    case ConfigType::string:
      if (!j.is_string()) return fail(e, j);
      return {j.get<std::string>(), ""};
    case ConfigType::enumeration: return parse_enumeration(e, j);
    case ConfigType::list: return parse_list(e, j);
  }
  return fail(e, j);
}

// Rules that are not about one value alone.
std::string check_entry_rules(const ConfigEntry& e, const Config::Value& v) {
  // KIP-429: cooperative and eager assignors cannot be mixed.
  if (e.name == "partition.assignment.strategy") {
    const auto& items = std::get<std::vector<std::string>>(v);
    bool cooperative = std::find(items.begin(), items.end(), "cooperative-sticky") != items.end();
    if (cooperative && items.size() > 1) {
      return "cooperative-sticky cannot be mixed with eager assignors (range, roundrobin)";
    }
  }
  return "";
}

Config::Value default_of(const ConfigEntry& e) {
  if (!e.default_value) return std::monostate{};
  Parsed p = parse_value(e, nlohmann::json(*e.default_value));
  if (!p.error.empty()) throw std::logic_error("config catalog: bad default of " + e.name + ": " + p.error);
  return p.value;
}

std::string unknown_name_message(Scope scope, const std::string& name) {
  std::string where(to_string(scope));
  if (const ConfigEntry* other = find_config(name)) {
    std::string scopes;
    for (Scope s : all_scopes()) {
      if (!other->in(s)) continue;
      if (!scopes.empty()) scopes += "/";
      scopes += to_string(s);
    }
    return "\"" + name + "\" is a " + scopes + " configuration, not a " + where + " one";
  }
  std::vector<std::string> names;
  for (const auto& e : config_catalog()) {
    if (e.in(scope)) names.push_back(e.name);
  }
  std::string msg = "unknown " + where + " configuration " + describe_json_value(nlohmann::json(name));
  if (auto near = nearest_name(name, names)) return msg + "; did you mean \"" + *near + "\"?";
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  return msg + "; kafkasim supports: " + list;
}

}  // namespace

nlohmann::json to_json(const Config::Value& v) {
  return std::visit(
      [](const auto& x) -> nlohmann::json {
        using X = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<X, std::monostate>) {
          return nullptr;
        } else if constexpr (std::is_same_v<X, std::vector<std::string>>) {
          std::string joined;
          for (const auto& s : x) joined += (joined.empty() ? "" : ",") + s;
          return joined;
        } else {
          return x;
        }
      },
      v);
}

// ---------------------------------------------------------------------------
// Config.

Config Config::defaults(Scope scope, const Config* broker) {
  Config c;
  c.scope_ = scope;
  for (const auto& e : config_catalog()) {
    if (!e.in(scope)) continue;
    Value v = default_of(e);
    if (scope == Scope::topic && broker && !e.broker_default.empty()) {
      const Value& inherited = broker->get(e.broker_default);
      if (!std::holds_alternative<std::monostate>(inherited)) v = inherited;
    }
    c.settings_.emplace(e.name, Setting{&e, std::move(v), false});
  }
  return c;
}

Config Config::resolve(Scope scope, const nlohmann::json& object, const std::string& json_path,
                       const Config* broker) {
  if (!object.is_object() && !object.is_null()) {
    throw ConfigError(json_path, "expected an object of Kafka configuration names, got " +
                                     describe_json_value(object));
  }
  Config c = defaults(scope, broker);
  std::map<std::string, std::string> given_as;  // canonical name -> name used
  for (const auto& [key, value] : object.items()) {
    std::string path = json_member_path(json_path, key);
    const ConfigEntry* e = find_config(key);
    if (!e || !e->in(scope)) throw ConfigError(path, unknown_name_message(scope, key));
    if (auto [it, fresh] = given_as.emplace(e->name, key); !fresh) {
      throw ConfigError(path, "\"" + key + "\" and \"" + it->second +
                                  "\" are the same setting; give only one");
    }
    Parsed p = parse_value(*e, value);
    if (p.error.empty()) p.error = check_entry_rules(*e, p.value);
    if (!p.error.empty()) throw ConfigError(path, p.error);
    c.settings_[e->name] = Setting{e, std::move(p.value), true};
  }
  if (scope == Scope::producer) c.apply_producer_rules(json_path);
  return c;
}

// librdkafka (rd_kafka_conf_finalize): transactional.id implies
// enable.idempotence; idempotence adjusts acks, max.in.flight and retries
// unless the user set them, and rejects user settings that conflict (KIP-98).
void Config::apply_producer_rules(const std::string& json_path) {
  auto conflict = [&](const char* name, const std::string& why) {
    throw ConfigError(json_member_path(json_path, name), why);
  };
  auto set = [&](const char* name, Value v) { settings_.at(name).value = std::move(v); };
  bool transactional = !is_null("transactional.id");
  if (transactional) {
    if (is_explicit("enable.idempotence") && !get_bool("enable.idempotence")) {
      conflict("enable.idempotence", "must be true when transactional.id is set");
    }
    set("enable.idempotence", true);
    std::int64_t txn_timeout = get_long("transaction.timeout.ms");
    if (!is_explicit("delivery.timeout.ms")) {
      set("delivery.timeout.ms", txn_timeout);
    } else if (get_long("delivery.timeout.ms") > txn_timeout) {
      conflict("delivery.timeout.ms", "must be at most transaction.timeout.ms (" +
                                          std::to_string(txn_timeout) + ") when transactional.id is set");
    }
  }
  if (!get_bool("enable.idempotence")) return;
  if (get_long("acks") != -1) {
    conflict("acks", "must be all (-1) when enable.idempotence is true");
  }
  if (!is_explicit("max.in.flight.requests.per.connection")) {
    set("max.in.flight.requests.per.connection", std::int64_t{5});
  } else if (get_long("max.in.flight.requests.per.connection") > 5) {
    conflict("max.in.flight.requests.per.connection", "must be at most 5 when enable.idempotence is true");
  }
  if (get_long("retries") == 0) conflict("retries", "must be more than 0 when enable.idempotence is true");
}

const Config::Setting& Config::setting(std::string_view name) const {
  const ConfigEntry* e = find_config(name);
  auto it = e ? settings_.find(e->name) : settings_.end();
  if (it == settings_.end()) {
    throw std::logic_error("Config: \"" + std::string(name) + "\" is not a " +
                           (scope_ ? std::string(to_string(*scope_)) : "resolved") + " configuration");
  }
  return it->second;
}

const Config::Value& Config::get(std::string_view name) const { return setting(name).value; }

namespace {
template <typename T>
const T& typed(const Config::Value& v, std::string_view name, const char* type) {
  if (const T* p = std::get_if<T>(&v)) return *p;
  throw std::logic_error("Config: \"" + std::string(name) + "\" is not a " + type + " (or is null)");
}
}  // namespace

std::int32_t Config::get_int(std::string_view name) const {
  const Setting& s = setting(name);
  if (s.entry->type != ConfigType::integer) {
    throw std::logic_error("Config: \"" + std::string(name) + "\" is not an int");
  }
  return static_cast<std::int32_t>(typed<std::int64_t>(s.value, name, "int"));
}

std::int64_t Config::get_long(std::string_view name) const {
  return typed<std::int64_t>(get(name), name, "int or long");
}

double Config::get_double(std::string_view name) const {
  return typed<double>(get(name), name, "double");
}

bool Config::get_bool(std::string_view name) const { return typed<bool>(get(name), name, "boolean"); }

std::string Config::get_string(std::string_view name) const {
  const Value& v = get(name);
  if (std::holds_alternative<std::monostate>(v)) return "";
  if (std::holds_alternative<std::vector<std::string>>(v)) return kafka::to_json(v).get<std::string>();
  return typed<std::string>(v, name, "string");
}

std::vector<std::string> Config::get_list(std::string_view name) const {
  return typed<std::vector<std::string>>(get(name), name, "list");
}

bool Config::is_null(std::string_view name) const {
  return std::holds_alternative<std::monostate>(get(name));
}

bool Config::is_explicit(std::string_view name) const { return setting(name).is_explicit; }

nlohmann::json Config::non_default() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, s] : settings_) {
    if (s.value != default_of(*s.entry)) out[name] = kafka::to_json(s.value);
  }
  return out;
}

nlohmann::json Config::to_json() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, s] : settings_) out[name] = kafka::to_json(s.value);
  return out;
}

bool operator==(const Config& a, const Config& b) {
  if (a.scope_ != b.scope_ || a.settings_.size() != b.settings_.size()) return false;
  return std::equal(a.settings_.begin(), a.settings_.end(), b.settings_.begin(),
                    [](const auto& x, const auto& y) { return x.first == y.first && x.second.value == y.second.value; });
}

}  // namespace kafkasim::kafka
