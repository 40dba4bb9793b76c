// The consumer's subscribe mode (group_consumer.h) against a simulated
// cluster: assignment, committed offsets on assignment, sync and async
// commits, and losing the partitions after a pause past the session.
#include <catch2/catch.hpp>

#include <functional>

#include "broker-model/consumer.h"
#include "broker-model/group_consumer.h"
#include "group_fixture.h"

using namespace kafkasim;
using namespace kafkasim::kafka;
using namespace kafkasim::test;

namespace {

Config consumer_config(bool auto_commit, int max_poll_interval_ms = 20000) {
  return Config::resolve(Scope::consumer,
                         nlohmann::json{{"group.id", kGroup},
                                        {"enable.auto.commit", auto_commit},
                                        {"auto.offset.reset", "earliest"},
                                        {"session.timeout.ms", 6000},
                                        {"heartbeat.interval.ms", 1000},
                                        {"max.poll.interval.ms", max_poll_interval_ms}},
                         "consumer");
}

// Writes `n` records to t/0 and t/1 each, acks=all.
void produce(GroupFixture& f, int n) {
  for (int p = 0; p < 2; ++p) {
    auto req = std::make_unique<ProduceRequest>();
    ProduceRequest::PartitionData pd;
    pd.tp = TopicPartition{"t", p};
    for (int i = 0; i < n; ++i) pd.batch.records.push_back(Record{"", std::to_string(i), 0});
    req->partitions.push_back(pd);
    const PartitionState* s = f.cluster().committed_metadata().partition(pd.tp);
    REQUIRE(s != nullptr);
    auto resp = f.call<ProduceResponse>(s->leader, std::move(req));
    REQUIRE(resp);
    REQUIRE(resp->partitions.at(0).error == Errc::kNone);
  }
}

// A consumer client on the fixture's app node.
struct App {
  App(GroupFixture& f, bool auto_commit, int max_poll_interval_ms = 20000)
      : consumer(f.app(), f.bootstrap(), consumer_config(auto_commit, max_poll_interval_ms)),
        group(f.app(), f.bootstrap(), consumer_config(auto_commit, max_poll_interval_ms), consumer) {}
  Consumer consumer;
  GroupConsumer group;
  std::vector<ConsumedRecord> seen;
  std::vector<TopicPartition> assigned, lost;
};

// Runs `body` on the app node and the world until it returns.
void on_app(GroupFixture& f, std::function<void()> body) {
  auto done = std::make_shared<bool>(false);
  f.app().spawn("test", [body, done] {
    body();
    *done = true;
  });
  for (int i = 0; i < 6000 && !*done; ++i) f.run_for(sim::milliseconds(10));
  REQUIRE(*done);
}

void subscribe(App& a) {
  a.group.subscribe({"t"}, RebalanceListener{
                               [&a](const std::vector<TopicPartition>& tps) {
                                 a.assigned.insert(a.assigned.end(), tps.begin(), tps.end());
                               },
                               [](const std::vector<TopicPartition>&) {},
                               [&a](const std::vector<TopicPartition>& tps) {
                                 a.lost.insert(a.lost.end(), tps.begin(), tps.end());
                               }});
}

// Polls until `n` records arrived or 100 polls.
void poll_until(App& a, size_t n) {
  for (int i = 0; i < 100 && a.seen.size() < n; ++i) {
    auto records = a.group.poll(sim::milliseconds(100));
    a.seen.insert(a.seen.end(), records.begin(), records.end());
  }
}

}  // namespace

TEST_CASE("a subscribing consumer gets every partition, and its replacement resumes from the offsets it committed") {
  GroupFixture f;
  produce(f, 5);
  App first(f, /*auto_commit=*/false);
  on_app(f, [&] {
    subscribe(first);
    poll_until(first, 10);
  });
  REQUIRE(first.seen.size() == 10);
  REQUIRE(first.group.assignment() == std::vector<TopicPartition>{{"t", 0}, {"t", 1}});
  REQUIRE(first.assigned == first.group.assignment());
  REQUIRE(first.group.generation() == 1);
  Errc committed = Errc::kUnknownMemberId;
  on_app(f, [&] {
    committed = first.group.commit_sync();
    first.group.close();
  });
  REQUIRE(committed == Errc::kNone);
  REQUIRE(f.coordinator_of(f.coordinator()).committed(kGroup, TopicPartition{"t", 0})->offset == 5);

  produce(f, 3);
  App second(f, /*auto_commit=*/false);
  on_app(f, [&] {
    subscribe(second);
    poll_until(second, 6);
  });
  // Only the records after the commit: offsets 5, 6, 7 of each partition.
  REQUIRE(second.seen.size() == 6);
  for (const ConsumedRecord& r : second.seen) REQUIRE(r.offset >= 5);
  REQUIRE(second.group.generation() == 3);  // the first member's leave emptied generation 2
}

TEST_CASE("commit_async commits the positions of the moment and reports the coordinator's answer") {
  GroupFixture f;
  produce(f, 4);
  App a(f, /*auto_commit=*/false);
  auto result = std::make_shared<Errc>(Errc::kUnknownMemberId);
  on_app(f, [&] {
    subscribe(a);
    poll_until(a, 8);
    a.group.commit_async([result](Errc e) { *result = e; });
  });
  f.run_for(sim::milliseconds(500));
  REQUIRE(*result == Errc::kNone);
  REQUIRE(f.coordinator_of(f.coordinator()).committed(kGroup, TopicPartition{"t", 1})->offset == 4);
}

TEST_CASE("with enable.auto.commit the consumed positions are committed every auto.commit.interval.ms") {
  GroupFixture f;
  produce(f, 4);
  App a(f, /*auto_commit=*/true);
  on_app(f, [&] {
    subscribe(a);
    poll_until(a, 8);
  });
  REQUIRE_FALSE(f.coordinator_of(f.coordinator()).committed(kGroup, TopicPartition{"t", 0}));
  f.run_for(sim::milliseconds(5500));  // auto.commit.interval.ms: 5000
  REQUIRE(f.coordinator_of(f.coordinator()).committed(kGroup, TopicPartition{"t", 0})->offset == 4);
}

TEST_CASE("a member paused past its session loses its partitions and rejoins in a new generation") {
  GroupFixture f;
  produce(f, 2);
  App a(f, /*auto_commit=*/false);
  on_app(f, [&] {
    subscribe(a);
    poll_until(a, 4);
  });
  const std::string member = a.group.member_id();
  f.sim().pause(f.app());
  f.run_for(sim::seconds(10));
  REQUIRE_FALSE(f.coordinator_of(f.coordinator()).group(kGroup)->has(member));
  f.sim().resume(f.app());
  // Its stale commit is refused; the next poll rejoins.
  Errc stale = Errc::kNone;
  on_app(f, [&] { stale = a.group.commit_sync(); });
  REQUIRE(stale == Errc::kUnknownMemberId);
  on_app(f, [&] { a.group.poll(sim::milliseconds(100)); });
  REQUIRE(a.lost == std::vector<TopicPartition>{{"t", 0}, {"t", 1}});
  REQUIRE(a.group.member_id() != member);
  REQUIRE(a.group.generation() == 3);  // generation 2 was the group emptied by the expiry
  REQUIRE(a.group.assignment() == std::vector<TopicPartition>{{"t", 0}, {"t", 1}});
}

TEST_CASE("a member that stops polling for max.poll.interval.ms leaves the group although it still heartbeats (KIP-62)") {
  GroupFixture f;
  produce(f, 2);
  App a(f, /*auto_commit=*/false, /*max_poll_interval_ms=*/8000);
  on_app(f, [&] {
    subscribe(a);
    poll_until(a, 4);
  });
  const std::string member = a.group.member_id();
  f.run_for(sim::seconds(7));
  REQUIRE(f.coordinator_of(f.coordinator()).group(kGroup)->has(member));  // heartbeats keep the session
  f.run_for(sim::seconds(3));
  REQUIRE_FALSE(f.coordinator_of(f.coordinator()).group(kGroup)->has(member));
  on_app(f, [&] { a.group.poll(sim::milliseconds(100)); });
  REQUIRE(a.lost == std::vector<TopicPartition>{{"t", 0}, {"t", 1}});
  REQUIRE(a.group.member_id() != member);
  REQUIRE(a.group.assignment() == std::vector<TopicPartition>{{"t", 0}, {"t", 1}});
}
