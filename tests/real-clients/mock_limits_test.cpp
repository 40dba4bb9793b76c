// The known limits of librdkafka's mock cluster that docs/real-clients.md
// lists, as observed: if a librdkafka upgrade changes one, the test says
// so and the docs must follow.
#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "real-clients/mock_cluster.h"
#include "real-clients/rdkafka_handles.h"

using namespace kafkasim;
using namespace kafkasim::real;

namespace {

using Extra = std::vector<std::pair<std::string, std::pair<std::string, std::string>>>;

Handle client(rd_kafka_type_t type, const MockCluster& mock, Extra extra) {
  Extra s = {{"", {"bootstrap.servers", mock.bootstrap()}}, {"", {"log_level", "0"}}};
  s.insert(s.end(), extra.begin(), extra.end());
  return make_client(type, make_conf(s));
}

void produce(rd_kafka_t* rk, const std::string& value) {
  REQUIRE(rd_kafka_producev(rk, RD_KAFKA_V_TOPIC("t"), RD_KAFKA_V_PARTITION(0),
                            RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR_NO_ERROR);
}

// Everything a fresh consumer reads from offset 0 of t/0 within `ms`.
std::vector<std::pair<int64_t, std::string>> read_all(const MockCluster& mock, const std::string& isolation, int ms) {
  Handle c = client(RD_KAFKA_CONSUMER, mock, {{"", {"group.id", "limits"}}, {"", {"isolation.level", isolation}}});
  PartitionList list(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(list.get(), "t", 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_assign(c.get(), list.get());
  std::vector<std::pair<int64_t, std::string>> out;
  const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < end) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(c.get(), 100);
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      out.emplace_back(m->offset, std::string(static_cast<const char*>(m->payload), m->len));
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(c.get());
  return out;
}

}  // namespace

TEST_CASE("the mock keeps one log per partition: a broker down or a moved leader loses nothing") {
  MockCluster mock(3, {harness::Topic{"t", 1, 3}});
  Handle p = client(RD_KAFKA_PRODUCER, mock, {{"", {"acks", "1"}}});
  for (int i = 0; i < 5; ++i) produce(p.get(), std::to_string(i));
  REQUIRE(rd_kafka_flush(p.get(), 10000) == RD_KAFKA_RESP_ERR_NO_ERROR);
  // A real cluster with acks=1 could lose these when the leader goes
  // down before its followers fetched them; the mock has no followers.
  for (int b = 1; b <= 3; ++b) mock.set_down(b);
  mock.set_leader("t", 0, 2);
  for (int b = 1; b <= 3; ++b) mock.set_up(b);
  CHECK(read_all(mock, "read_uncommitted", 3000).size() == 5);
}

TEST_CASE("the mock writes no transaction markers: aborted records are read and offsets have no gaps") {
  MockCluster mock(1, {harness::Topic{"t", 1, 1}});
  Handle p = client(RD_KAFKA_PRODUCER, mock, {{"", {"transactional.id", "tx-1"}}});
  REQUIRE(rd_kafka_init_transactions(p.get(), 10000) == nullptr);
  REQUIRE(rd_kafka_begin_transaction(p.get()) == nullptr);
  produce(p.get(), "aborted");
  REQUIRE(rd_kafka_flush(p.get(), 10000) == RD_KAFKA_RESP_ERR_NO_ERROR);
  REQUIRE(rd_kafka_abort_transaction(p.get(), 10000) == nullptr);
  REQUIRE(rd_kafka_begin_transaction(p.get()) == nullptr);
  produce(p.get(), "committed");
  REQUIRE(rd_kafka_commit_transaction(p.get(), 10000) == nullptr);
  const auto read = read_all(mock, "read_committed", 3000);
  // A real broker: only "committed", at offset 2 (the abort marker is 1).
  REQUIRE(read.size() == 2);
  CHECK(read[0] == std::make_pair(int64_t{0}, std::string("aborted")));
  CHECK(read[1] == std::make_pair(int64_t{1}, std::string("committed")));
}

TEST_CASE("the mock does not fence a transactional producer whose id a newer one took") {
  MockCluster mock(1, {harness::Topic{"t", 1, 1}});
  Handle old_producer = client(RD_KAFKA_PRODUCER, mock, {{"", {"transactional.id", "tx-1"}}});
  REQUIRE(rd_kafka_init_transactions(old_producer.get(), 10000) == nullptr);
  REQUIRE(rd_kafka_begin_transaction(old_producer.get()) == nullptr);
  Handle new_producer = client(RD_KAFKA_PRODUCER, mock, {{"", {"transactional.id", "tx-1"}}});
  REQUIRE(rd_kafka_init_transactions(new_producer.get(), 10000) == nullptr);
  // A real broker bumped the epoch for the new producer: the old one's
  // writes and commit fail with PRODUCER_FENCED (KIP-98).
  produce(old_producer.get(), "zombie");
  rd_kafka_error_t* commit = rd_kafka_commit_transaction(old_producer.get(), 10000);
  INFO((commit ? rd_kafka_error_string(commit) : "committed"));
  const bool fenced = commit != nullptr;
  if (commit) rd_kafka_error_destroy(commit);
  const auto read = read_all(mock, "read_committed", 3000);
  CHECK_FALSE(fenced);
  CHECK(read.size() == 1);
}

namespace {

int assigned(rd_kafka_t* c) {
  rd_kafka_topic_partition_list_t* list = nullptr;
  if (rd_kafka_assignment(c, &list) != RD_KAFKA_RESP_ERR_NO_ERROR) return 0;
  const int n = list->cnt;
  rd_kafka_topic_partition_list_destroy(list);
  return n;
}

// Polls every consumer until `done` or `limit`; returns the time it took.
template <typename Done>
std::chrono::milliseconds poll_until(const std::vector<rd_kafka_t*>& consumers, Done done, std::chrono::seconds limit) {
  const auto start = std::chrono::steady_clock::now();
  while (!done() && std::chrono::steady_clock::now() - start < limit) {
    for (rd_kafka_t* c : consumers) {
      if (rd_kafka_message_t* m = rd_kafka_consumer_poll(c, 50)) rd_kafka_message_destroy(m);
    }
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

}  // namespace

TEST_CASE("the mock's group joins take about 3 s and a consumer's leaving waits for its session timeout") {
  MockCluster mock(1, {harness::Topic{"t", 2, 1}});
  const Extra group = {{"", {"group.id", "g"}}, {"", {"session.timeout.ms", "6000"}},
                          {"", {"heartbeat.interval.ms", "500"}}};
  Handle a = client(RD_KAFKA_CONSUMER, mock, group);
  Handle b = client(RD_KAFKA_CONSUMER, mock, group);
  rd_kafka_poll_set_consumer(a.get());
  rd_kafka_poll_set_consumer(b.get());
  PartitionList topics(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(topics.get(), "t", RD_KAFKA_PARTITION_UA);
  rd_kafka_subscribe(a.get(), topics.get());
  rd_kafka_subscribe(b.get(), topics.get());
  const auto join = poll_until({a.get(), b.get()}, [&] { return assigned(a.get()) == 1 && assigned(b.get()) == 1; },
                               std::chrono::seconds(30));
  INFO("join " << join.count() << " ms");
  CHECK(join >= std::chrono::milliseconds(2500));
  // b leaves the group (LeaveGroup): a real coordinator rebalances at once.
  rd_kafka_consumer_close(b.get());
  const auto takeover = poll_until({a.get()}, [&] { return assigned(a.get()) == 2; }, std::chrono::seconds(30));
  INFO("takeover " << takeover.count() << " ms");
  CHECK(takeover >= std::chrono::milliseconds(4000));  // 5.1 s observed; 9.0 s with a 10 s session
  CHECK(assigned(a.get()) == 2);
  rd_kafka_consumer_close(a.get());
}

TEST_CASE("the mock appends a retried batch again even for a transactional producer") {
  // The fault pattern of scenarios/real/mock-leader-move-rtt.json, without
  // the workload: the leader holds its responses (rtt), goes down with
  // batches appended but unanswered, and leadership moves.
  MockCluster mock(3, {harness::Topic{"t", 1, 3}});
  mock.set_leader("t", 0, 1);
  Handle p = client(RD_KAFKA_PRODUCER, mock, {{"", {"transactional.id", "tx-dup"}}});
  REQUIRE(rd_kafka_init_transactions(p.get(), 10000) == nullptr);
  REQUIRE(rd_kafka_begin_transaction(p.get()) == nullptr);
  const auto start = std::chrono::steady_clock::now();
  int sent = 0;
  bool clogged = false, down = false, moved = false, up = false;
  for (auto t = std::chrono::milliseconds(0); t < std::chrono::milliseconds(6000);
       t = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)) {
    if (t.count() > 1000 && !clogged) clogged = mock.set_rtt(1, 3000).empty();
    if (t.count() > 1500 && !down) down = mock.set_down(1).empty();
    if (t.count() > 2000 && !moved) moved = mock.set_leader("t", 0, 2).empty();
    if (t.count() > 4000 && !up) up = mock.set_up(1).empty() && mock.set_rtt(1, 0).empty();
    produce(p.get(), std::to_string(sent++));
    rd_kafka_poll(p.get(), 5);
  }
  REQUIRE(rd_kafka_flush(p.get(), 30000) == RD_KAFKA_RESP_ERR_NO_ERROR);
  rd_kafka_error_t* commit = rd_kafka_commit_transaction(p.get(), 30000);
  INFO((commit ? rd_kafka_error_string(commit) : "committed"));
  CHECK(commit == nullptr);
  if (commit) rd_kafka_error_destroy(commit);
  std::map<std::string, int> copies;
  for (const auto& [offset, value] : read_all(mock, "read_uncommitted", 3000)) copies[value]++;
  int duplicated = 0;
  for (const auto& [value, n] : copies) duplicated += n > 1 ? 1 : 0;
  INFO("sent " << sent << ", distinct " << copies.size() << ", duplicated " << duplicated);
  CHECK(static_cast<int>(copies.size()) == sent);
  CHECK(duplicated > 0);
}
