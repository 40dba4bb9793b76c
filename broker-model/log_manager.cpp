#include "broker-model/log_manager.h"

#include <memory>

#include "broker-model/broker.h"
#include "broker-model/log_cleaner.h"
#include "broker-model/log_retention.h"

namespace kafkasim::kafka {
namespace {

// The topic's configuration, or the topic defaults the broker gives.
const Config& topic_config(Broker& broker, const std::string& topic, const Config& fallback) {
  for (const TopicSpec& t : broker.cluster().spec.topics) {
    if (t.name == topic) return t.config;
  }
  return fallback;
}

// cleanup.policy is "delete", "compact" or "compact,delete".
bool has_policy(const Config& c, const std::string& policy) {
  return c.get_string("cleanup.policy").find(policy) != std::string::npos;
}

void record(Broker& broker, const std::string& text) {
  sim::Simulation::current()->record(broker.node().id(), "broker-" + std::to_string(broker.id()) + " " + text);
}

void apply_retention(Broker& broker, const Config& fallback) {
  for (Partition* p : broker.local_partitions()) {
    const Config& c = topic_config(broker, p->tp().topic, fallback);
    Log& log = p->log();
    std::vector<std::optional<RetentionDeletion>> deletions;
    if (has_policy(c, "delete")) {
      const RetentionConfig rc{c.get_long("retention.ms"), c.get_long("retention.bytes")};
      deletions.push_back(delete_by_time(log, rc, broker.now_ms()));
      deletions.push_back(delete_by_size(log, rc));
    }
    deletions.push_back(delete_below_log_start(log));
    for (const auto& d : deletions) {
      if (d) sim::Simulation::current()->record(broker.node().id(), describe(log, *d) + " on broker-" + std::to_string(broker.id()));
    }
  }
}

void run_cleaner(Broker& broker, const Config& fallback, CleanerCheckpoints& checkpoints) {
  for (Partition* p : broker.local_partitions()) {
    const Config& c = topic_config(broker, p->tp().topic, fallback);
    if (!has_policy(c, "compact")) continue;
    CleanerConfig cc;
    cc.min_cleanable_dirty_ratio = c.get_double("min.cleanable.dirty.ratio");
    cc.min_compaction_lag_ms = c.get_long("min.compaction.lag.ms");
    cc.delete_retention_ms = c.get_long("delete.retention.ms");
    cc.segment_bytes = c.get_long("segment.bytes");
    Log& log = p->log();
    const int64_t now = broker.now_ms();
    const CleanableRange range = cleanable_range(log, checkpoints.first_dirty(log), cc, now);
    if (!range.needs_cleaning(cc, now)) continue;
    const CleanStats stats = clean_log(log, range, cc, now);
    checkpoints.set(log, range.first_uncleanable_offset);
    if (stats.segments_rewritten == 0) continue;
    record(broker, "log cleaner: cleaned " + p->tp().str() + " offsets [" + std::to_string(stats.start_offset) + ", " +
                       std::to_string(stats.end_offset) + "): " + std::to_string(stats.segments_rewritten) +
                       " segments rewritten, " + std::to_string(stats.records_removed) + " records removed (" +
                       std::to_string(stats.tombstones_removed) + " tombstones)");
  }
}

}  // namespace

void start_log_manager(Broker& broker) {
  const Config& broker_config = broker.cluster().spec.broker_config;
  auto fallback = std::make_shared<Config>(Config::defaults(Scope::topic, &broker_config));
  const sim::Duration retention_every = sim::milliseconds(broker_config.get_long("log.retention.check.interval.ms"));
  broker.node().spawn("log-retention", [&broker, fallback, retention_every] {
    for (;;) {
      broker.node().sleep_local(retention_every);
      apply_retention(broker, *fallback);
    }
  }, /*daemon=*/true);
  // Only a broker with compacted topics runs a cleaner: the fiber's timer
  // would otherwise change the schedule of every run for nothing.
  bool compacted = has_policy(*fallback, "compact");
  for (const TopicSpec& t : broker.cluster().spec.topics) compacted = compacted || has_policy(t.config, "compact");
  if (!broker_config.get_bool("log.cleaner.enable") || !compacted) return;
  const sim::Duration cleaner_every = sim::milliseconds(broker_config.get_long("log.cleaner.backoff.ms"));
  broker.node().spawn("log-cleaner", [&broker, fallback, cleaner_every] {
    CleanerCheckpoints checkpoints;
    for (;;) {
      broker.node().sleep_local(cleaner_every);
      run_cleaner(broker, *fallback, checkpoints);
    }
  }, /*daemon=*/true);
}

}  // namespace kafkasim::kafka
