// The narrative and the replica logs are built from the model's trace
// records; these tests feed them hand-written traces.
#include <catch2/catch.hpp>

#include <algorithm>

#include "reports/narrative.h"
#include "reports/replica_logs.h"
#include "reports/report.h"
#include "reports/trace_facts.h"

using namespace kafkasim;
using namespace kafkasim::reports;

namespace {

sim::TraceEvent model(std::int64_t ms, std::int32_t node, std::string text) {
  return sim::TraceEvent{ms * 1'000'000, sim::EventKind::kModel, node, 0, 0, std::move(text)};
}

const std::vector<std::string> kNodes{"controller-1", "broker-1", "broker-2", "producer-1"};

std::vector<sim::TraceEvent> retention_trace() {
  return {
      model(1, 1, "broker-1 became leader of orders/0 in epoch 0 at LEO 0, HW 0"),
      model(2, 1, "broker-1 appended orders/0 offsets 0..4 as leader in epoch 0 (values 10 11 12 13 14; LEO 5, HW 0)"),
      model(3, 3, "producer-1 got offsets 0..4 of orders/0 acknowledged by broker-1"),
      model(4, 2, "broker-2 replicated orders/0 offsets 0..4 from broker-1 in epoch 0 (LEO 5, HW 0)"),
      model(5, 1, "broker-1 appended orders/0 offsets 5..5 as leader in epoch 0 (values 15; LEO 6, HW 5)"),
      model(10, 1, "retention: deleted orders-0 offsets [0, 3)"),
  };
}

checker::Verdict lost_write_verdict(const std::string& key, int value, int offset) {
  checker::Verdict v;
  v.valid = false;
  v.anomalies["lost-write"].push_back(
      nlohmann::json{{"key", key}, {"value", value}, {"offset", offset}, {"writer", 7}, {"max_read", 9}});
  return v;
}

bool says(const Narrative& n, const std::string& words) {
  return std::any_of(n.sentences.begin(), n.sentences.end(),
                     [&](const Sentence& s) { return s.text.find(words) != std::string::npos; });
}

}  // namespace

TEST_CASE("the model's trace texts are read as facts") {
  const auto facts = model_facts(retention_trace(), kNodes);
  REQUIRE(facts.size() == 6);
  CHECK(facts[0].kind == Fact::Kind::kBecameLeader);
  CHECK(facts[1].kind == Fact::Kind::kLeaderAppend);
  CHECK(facts[1].values == std::vector<std::string>{"10", "11", "12", "13", "14"});
  CHECK(facts[1].hw == 0);
  CHECK(facts[2].kind == Fact::Kind::kAcked);
  CHECK(facts[2].peer == 1);
  CHECK(facts[3].kind == Fact::Kind::kReplicated);
  CHECK(facts[3].broker == 2);
  CHECK(facts[5].kind == Fact::Kind::kRetention);
  CHECK(facts[5].tp == "orders/0");
  CHECK(facts[5].first == 0);
  CHECK(facts[5].last == 2);
  CHECK(facts[5].broker == 1);  // from the node that recorded it
}

TEST_CASE("replica logs follow appends, replication, truncation and retention") {
  std::vector<sim::TraceEvent> trace = retention_trace();
  trace.push_back(model(11, 2, "broker-2 became leader of orders/0 in epoch 1 at LEO 5, HW 5"));
  trace.push_back(model(12, 2, "broker-2 appended orders/0 offsets 5..6 as leader in epoch 1 (values 20 21; LEO 7, HW 5)"));
  trace.push_back(model(13, 1, "broker-1 truncated orders/0 from LEO 6 to 5 (diverged from leader epoch 1)"));
  const auto facts = model_facts(trace, kNodes);
  const auto logs = replica_logs(facts, "orders/0", trace.size());
  REQUIRE(logs.size() == 2);
  const ReplicaLog& b1 = logs.at(1);
  const ReplicaLog& b2 = logs.at(2);
  CHECK(b1.log_start == 3);
  CHECK(b1.leo == 5);
  CHECK(b1.epoch_at(2) == -2);  // deleted by retention
  CHECK(b1.epoch_at(4) == 0);
  CHECK(b2.leader);
  CHECK(b2.epoch_at(2) == 0);
  CHECK(b2.epoch_at(5) == 1);
  // Before the truncation broker-1 held offset 5 from epoch 0.
  const auto before = replica_logs(facts, "orders/0", trace.size() - 1);
  CHECK(before.at(1).epoch_at(5) == 0);
}

TEST_CASE("a value deleted by retention is told as configuration, not a bug") {
  const std::vector<sim::TraceEvent> trace = retention_trace();
  const checker::Verdict verdict = lost_write_verdict("orders/0", 12, 2);
  ReportInput in;
  in.trace = &trace;
  in.node_names = kNodes;
  in.verdict = &verdict;
  const Analysis a = analyse(in);
  CHECK(a.focus.anomaly == "lost-write");
  CHECK(a.focus.tp == "orders/0");
  CHECK(a.narrative.deleted_by_retention);
  CHECK(says(a.narrative, "broker-1 appended value 12 at offset 2 of orders/0 as leader in epoch 0"));
  CHECK(says(a.narrative, "producer-1 was told by broker-1, leader in epoch 0, that value 12 was written at offset 2"));
  CHECK(says(a.narrative, "broker-2 fetched offset 2 (value 12) from broker-1"));
  CHECK(says(a.narrative, "high watermark passed offset 2"));
  CHECK(says(a.narrative, "Retention deleted offsets [0, 3) of orders/0 on broker-1"));
  CHECK(says(a.narrative, "configuration, not a bug"));
  CHECK(html_report(in, a).find("not a bug in Kafka") != std::string::npos);
}

TEST_CASE("a value truncated after an election without it is told in Kafka's words") {
  std::vector<sim::TraceEvent> trace = {
      model(1, 1, "broker-1 became leader of orders/0 in epoch 0 at LEO 0, HW 0"),
      model(2, 1, "broker-1 appended orders/0 offsets 0..0 as leader in epoch 0 (values 10; LEO 1, HW 0)"),
      model(3, 3, "producer-1 got offsets 0..0 of orders/0 acknowledged by broker-1"),
      model(4, -1, "fault inject partition isolate broker-1 -> broker-1: 6 links cut"),
      model(5, 2, "broker-2 became leader of orders/0 in epoch 1 at LEO 0, HW 0"),
      model(6, 2, "broker-2 appended orders/0 offsets 0..0 as leader in epoch 1 (values 20; LEO 1, HW 0)"),
      model(7, 1, "broker-1 truncated orders/0 from LEO 1 to 0 (diverged from leader epoch 1)"),
  };
  const checker::Verdict verdict = lost_write_verdict("orders/0", 10, 0);
  ReportInput in;
  in.trace = &trace;
  in.node_names = kNodes;
  in.verdict = &verdict;
  const Analysis a = analyse(in);
  CHECK_FALSE(a.narrative.deleted_by_retention);
  CHECK(says(a.narrative, "No follower stored offset 0 (value 10)"));
  CHECK(says(a.narrative, "never committed"));
  CHECK(says(a.narrative, "Fault: inject partition isolate broker-1"));
  CHECK(says(a.narrative, "broker-2 became leader of orders/0 in epoch 1 without offset 0 (value 10) of epoch 0"));
  CHECK(says(a.narrative, "broker-1 truncated orders/0 from LEO 1 to 0, removing offset 0 (value 10)"));
  REQUIRE(a.narrative.turning_event);
  // The replica-log diagram shows the logs before the election and at the end.
  const auto d = std::find_if(a.diagrams.begin(), a.diagrams.end(), [](const Diagram& x) { return x.name == "replica-logs"; });
  REQUIRE(d != a.diagrams.end());
  CHECK(d->dot.find("just before") != std::string::npos);
  CHECK_FALSE(d->svg.empty());
}

TEST_CASE("an invariant violation is told after the partition's events that led to it") {
  std::vector<sim::TraceEvent> trace = {
      model(1, 1, "broker-1 became leader of orders/0 in epoch 0 at LEO 0, HW 0"),
      model(2, 1, "broker-1 appended orders/0 offsets 0..0 as leader in epoch 0 (values 10; LEO 1, HW 0)"),
      model(3, -1, "fault inject crash broker-1 -> broker-1"),
      sim::TraceEvent{7'400'000, sim::EventKind::kModel, 2, 0, 0,
                      "broker-2 became leader of orders/0 in epoch 1 at LEO 0, HW 0"},
  };
  ReportInput in;
  in.trace = &trace;
  in.node_names = kNodes;
  in.invariants.push_back(InvariantDetail{
      "acked-write-on-leader", 7,
      "orders/0: broker-2 became leader in epoch 1 without the batch acknowledged at offset 0 with acks=all"});
  in.failure_kinds = {"invariant:acked-write-on-leader"};
  const Analysis a = analyse(in);
  CHECK(a.focus.anomaly == "invariant:acked-write-on-leader");
  CHECK(a.focus.tp == "orders/0");
  CHECK(a.focus.offsets == std::vector<std::int64_t>{0});
  REQUIRE(a.narrative.sentences.size() >= 2);
  CHECK(a.narrative.sentences.back().text.rfind("Invariant acked-write-on-leader broken: orders/0: broker-2", 0) == 0);
  CHECK(a.narrative.sentences[a.narrative.sentences.size() - 2].text.find("broker-2 became leader") == 0);
  CHECK(says(a.narrative, "fault inject crash broker-1"));
  const std::string xml = junit_xml(in, a);
  CHECK(xml.find("message=\"invariant:acked-write-on-leader\"") != std::string::npos);
}
