// The conformance table (docs/real-clients.md): for each injected produce
// error, the probe of harness/produce_error_probe.h run with librdkafka
// against its mock cluster and with the simulator's model producer.
// tests/real-clients/conformance_test.cpp keeps the documented table true.
#pragma once

#include <string>
#include <vector>

#include "harness/produce_error_probe.h"

namespace kafkasim::real {

// The errors of the table, in its order.
const std::vector<std::string>& conformance_errors();

// The probe with librdkafka (idempotent, acks=all) on a one-broker mock
// cluster. "fatal" when rd_kafka_fatal_error() is set after B's report.
harness::ProbeOutcome probe_librdkafka(const std::string& error);

struct ConformanceRow {
  std::string error;
  harness::ProbeOutcome librdkafka;
  harness::ProbeOutcome simulator;
  bool agree() const { return librdkafka == simulator; }
};

std::vector<ConformanceRow> conformance_table();
// The table in Markdown, as docs/real-clients.md shows it.
std::string conformance_markdown(const std::vector<ConformanceRow>& rows);

}  // namespace kafkasim::real
