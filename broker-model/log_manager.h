// A broker's periodic log tasks (Kafka's LogManager and its LogCleaner
// thread), run as daemon fibers of the broker's node, on every local
// replica, leader or follower, independently of the other brokers:
//   - retention (log_retention.h) every log.retention.check.interval.ms;
//   - the log cleaner (log_cleaner.h) every log.cleaner.backoff.ms, when
//     log.cleaner.enable and some topic is compacted: each log of a topic whose cleanup.policy includes
//     `compact` and that needs cleaning is cleaned in one pass. (Kafka's
//     cleaner thread takes the filthiest log first and takes time per log;
//     the model's pass takes no simulated time, so the order is immaterial.)
// Each deletion and each cleaning pass that changed something is recorded
// in the trace.
#pragma once

namespace kafkasim::kafka {

class Broker;

// REQUIRES: called from Broker::start(), once per incarnation.
void start_log_manager(Broker& broker);

}  // namespace kafkasim::kafka
