// The producer conformance probe (docs/real-clients.md, "Conformance"): one
// idempotent producer (acks=all) sends message A and waits for its report;
// then the cluster's next Produce request is answered with one injected
// error; the producer sends B, waits, then sends C and waits. The outcome
// is what became of B, and whether C, sent after the error, still got
// through (a sequence gap or a fatal error would stop it).
//
// probe_simulated_producer() runs it in the simulator against the model
// producer (broker-model/producer.h); real-clients/conformance.h runs the
// same probe with librdkafka against its mock cluster.
#pragma once

#include <string>

namespace kafkasim::harness {

struct ProbeOutcome {
  // "retried" (B acknowledged), "failed" (B's report is an error; the
  // producer goes on), "fatal" (the producer raised a fatal error).
  std::string batch;
  // B's op type in a history: ok, fail or info (delivery_outcome rules).
  std::string report;
  // C's op type: ok, unless the error left the producer unable to go on.
  std::string next;
  bool operator==(const ProbeOutcome&) const = default;
};

// `error`: a request_errors name (scenario schema). Deterministic.
ProbeOutcome probe_simulated_producer(const std::string& error);

}  // namespace kafkasim::harness
