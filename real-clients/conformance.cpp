#include "real-clients/conformance.h"

#include <chrono>
#include <memory>
#include <mutex>
#include <thread>

#include "real-clients/delivery_outcome.h"
#include "real-clients/mock_cluster.h"
#include "real-clients/rdkafka_handles.h"

namespace kafkasim::real {

const std::vector<std::string>& conformance_errors() {
  static const std::vector<std::string> errors = {
      "NOT_LEADER_OR_FOLLOWER", "REQUEST_TIMED_OUT",          "TRANSPORT",           "OUT_OF_ORDER_SEQUENCE_NUMBER",
      "UNKNOWN_PRODUCER_ID",    "MESSAGE_TOO_LARGE",          "TOPIC_AUTHORIZATION_FAILED", "NOT_ENOUGH_REPLICAS"};
  return errors;
}

namespace {

struct Report {
  bool done = false;
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  rd_kafka_msg_status_t status = RD_KAFKA_MSG_STATUS_NOT_PERSISTED;
};

void on_report(rd_kafka_t*, const rd_kafka_message_t* m, void*) {
  auto* r = static_cast<Report*>(m->_private);
  r->done = true;
  r->err = m->err;
  r->status = rd_kafka_message_status(m);
}

// Sends `value` and serves reports until its own arrives (or 30 s).
Report send_and_wait(rd_kafka_t* rk, const char* value) {
  auto report = std::make_unique<Report>();
  if (rd_kafka_producev(rk, RD_KAFKA_V_TOPIC("t"), RD_KAFKA_V_PARTITION(0),
                        RD_KAFKA_V_VALUE(const_cast<char*>(value), std::char_traits<char>::length(value)),
                        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE(report.get()),
                        RD_KAFKA_V_END) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Report{true, RD_KAFKA_RESP_ERR__FATAL, RD_KAFKA_MSG_STATUS_NOT_PERSISTED};
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!report->done && std::chrono::steady_clock::now() < deadline) rd_kafka_poll(rk, 50);
  if (!report->done) rd_kafka_flush(rk, 1000);  // the report must not outlive `report`
  return *report;
}

std::string op_type(const Report& r) {
  if (!r.done) return "none";
  return std::string(checker::name(delivery_op_type(r.err, r.status)));
}

}  // namespace

harness::ProbeOutcome probe_librdkafka(const std::string& error) {
  MockCluster mock(1, {harness::Topic{"t", 1, 1}});
  Conf conf = make_conf({{"", {"bootstrap.servers", mock.bootstrap()}},
                         {"", {"log_level", "0"}},
                         {"", {"acks", "all"}},
                         {"", {"enable.idempotence", "true"}},
                         {"", {"message.timeout.ms", "10000"}},
                         {"", {"request.timeout.ms", "2000"}}});
  rd_kafka_conf_set_dr_msg_cb(conf.get(), on_report);
  Handle rk = make_client(RD_KAFKA_PRODUCER, std::move(conf));
  send_and_wait(rk.get(), "A");
  mock.push_request_errors(*api_key("Produce"), {*request_error_code(error)});
  const Report b = send_and_wait(rk.get(), "B");
  char reason[256];
  const bool fatal = rd_kafka_fatal_error(rk.get(), reason, sizeof reason) != RD_KAFKA_RESP_ERR_NO_ERROR;
  const Report c = send_and_wait(rk.get(), "C");
  harness::ProbeOutcome out;
  out.report = op_type(b);
  out.batch = fatal ? "fatal" : b.done && b.err == RD_KAFKA_RESP_ERR_NO_ERROR ? "retried" : "failed";
  out.next = op_type(c);
  rd_kafka_purge(rk.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  rd_kafka_flush(rk.get(), 1000);
  return out;
}

std::vector<ConformanceRow> conformance_table() {
  std::vector<ConformanceRow> rows;
  for (const std::string& e : conformance_errors()) {
    rows.push_back(ConformanceRow{e, probe_librdkafka(e), harness::probe_simulated_producer(e)});
  }
  return rows;
}

std::string conformance_markdown(const std::vector<ConformanceRow>& rows) {
  std::string out =
      "| injected error | librdkafka: B | B's op | C's op | simulator: B | B's op | C's op | same |\n"
      "|---|---|---|---|---|---|---|---|\n";
  for (const ConformanceRow& r : rows) {
    out += "| " + r.error + " | " + r.librdkafka.batch + " | " + r.librdkafka.report + " | " + r.librdkafka.next +
           " | " + r.simulator.batch + " | " + r.simulator.report + " | " + r.simulator.next + " | " +
           (r.agree() ? "yes" : "**no**") + " |\n";
  }
  return out;
}

}  // namespace kafkasim::real
