// Exactly-once offsets (KIP-98, KIP-447): a transactional producer sends a
// consumer's offsets to its transaction; the group coordinator holds them
// pending until the transaction's marker, fences them with the group
// metadata, and OffsetFetch with require_stable waits for them.
#include <catch2/catch.hpp>

#include "broker-model/transactional_producer.h"
#include "broker-model/txn_metadata.h"
#include "group_fixture.h"

using namespace kafkasim;
using namespace kafkasim::kafka;
using namespace kafkasim::test;

namespace {

// A transactional producer on the fixture's app node, driven step by step.
struct TxnApp {
  explicit TxnApp(GroupFixture& f) : f(f) {
    Config c = Config::resolve(Scope::producer, nlohmann::json{{"transactional.id", "app"}}, "producer");
    producer = std::make_unique<TransactionalProducer>(f.app(), f.bootstrap(), c);
  }
  // Runs `step` in a fiber of the app node until it returns.
  TxnError run(std::function<TxnError()> step) {
    auto out = std::make_shared<std::optional<TxnError>>();
    f.app().spawn("txn-step", [out, step] { *out = step(); });
    for (int i = 0; i < 3000 && !*out; ++i) f.run_for(sim::milliseconds(10));
    REQUIRE(*out);
    return **out;
  }
  TxnError send_offsets(int64_t offset, const JoinGroupResponse& j, int32_t generation) {
    return run([=, this] {
      return producer->send_offsets_to_transaction({OffsetCommitRequest::PartitionOffset{TopicPartition{"t", 0}, offset, kNoEpoch}},
                                                   ConsumerGroupMetadata{kGroup, generation, j.member_id},
                                                   sim::seconds(10));
    });
  }
  // One whole transaction that holds the consumer's offset.
  void commit_offsets(int64_t offset, const JoinGroupResponse& j) {
    REQUIRE(run([&] { return producer->init_transactions(sim::seconds(10)); }).ok());
    REQUIRE(run([&] { return producer->begin_transaction(); }).ok());
    REQUIRE(send_offsets(offset, j, j.generation_id).ok());
    REQUIRE(run([&] { return producer->commit_transaction(sim::seconds(10)); }).ok());
  }
  GroupFixture& f;
  std::unique_ptr<TransactionalProducer> producer;
};

std::unique_ptr<OffsetFetchRequest> stable_fetch() {
  auto r = GroupFixture::fetch();
  r->require_stable = true;
  return r;
}

}  // namespace

TEST_CASE("transactional offsets are pending until the commit marker and then committed") {
  GroupFixture f;
  const JoinGroupResponse j = f.join_alone();
  TxnApp app(f);
  REQUIRE(app.run([&] { return app.producer->init_transactions(sim::seconds(10)); }).ok());
  REQUIRE(app.run([&] { return app.producer->begin_transaction(); }).ok());
  REQUIRE(app.send_offsets(42, j, j.generation_id).ok());

  auto pending = f.call<OffsetFetchResponse>(f.coordinator(), stable_fetch());
  REQUIRE(pending->partitions.front().error == Errc::kUnstableOffsetCommit);
  auto unstable = f.call<OffsetFetchResponse>(f.coordinator(), GroupFixture::fetch());
  REQUIRE(unstable->partitions.front().offset == kNoOffset);

  REQUIRE(app.run([&] { return app.producer->commit_transaction(sim::seconds(10)); }).ok());
  f.run_for(sim::seconds(1));  // the markers
  auto committed = f.call<OffsetFetchResponse>(f.coordinator(), stable_fetch());
  REQUIRE(committed->partitions.front().error == Errc::kNone);
  REQUIRE(committed->partitions.front().offset == 42);
}

TEST_CASE("transactional offsets of an aborted transaction are dropped") {
  GroupFixture f;
  const JoinGroupResponse j = f.join_alone();
  REQUIRE(f.call<OffsetCommitResponse>(f.coordinator(), GroupFixture::commit(j.member_id, j.generation_id, 7))->error() ==
          Errc::kNone);
  TxnApp app(f);
  REQUIRE(app.run([&] { return app.producer->init_transactions(sim::seconds(10)); }).ok());
  REQUIRE(app.run([&] { return app.producer->begin_transaction(); }).ok());
  REQUIRE(app.send_offsets(42, j, j.generation_id).ok());
  REQUIRE(app.run([&] { return app.producer->abort_transaction(sim::seconds(10)); }).ok());
  f.run_for(sim::seconds(1));
  auto after = f.call<OffsetFetchResponse>(f.coordinator(), stable_fetch());
  REQUIRE(after->partitions.front().error == Errc::kNone);
  REQUIRE(after->partitions.front().offset == 7);
}

TEST_CASE("a TxnOffsetCommit from an older generation is fenced (KIP-447) and the transaction must abort") {
  GroupFixture f;
  const JoinGroupResponse j = f.join_alone();
  TxnApp app(f);
  REQUIRE(app.run([&] { return app.producer->init_transactions(sim::seconds(10)); }).ok());
  REQUIRE(app.run([&] { return app.producer->begin_transaction(); }).ok());
  const TxnError e = app.send_offsets(42, j, j.generation_id - 1);
  REQUIRE(e.kind == TxnErrorClass::kAbortable);
  REQUIRE(e.code == Errc::kIllegalGeneration);
  REQUIRE(app.run([&] { return app.producer->abort_transaction(sim::seconds(10)); }).ok());
  auto after = f.call<OffsetFetchResponse>(f.coordinator(), stable_fetch());
  REQUIRE(after->partitions.front().error == Errc::kNone);
  REQUIRE(after->partitions.front().offset == kNoOffset);
}

TEST_CASE("a new group coordinator replays pending transactional offsets and their marker from the log") {
  GroupFixture f;
  const JoinGroupResponse j = f.join_alone();
  TxnApp app(f);
  app.commit_offsets(42, j);
  f.run_for(sim::seconds(1));
  const int32_t old = f.coordinator();
  f.sim().crash(f.cluster().broker(old));
  for (int i = 0; i < 200 && (f.coordinator() == old || f.coordinator() == kNoLeader); ++i) {
    f.run_for(sim::milliseconds(100));
  }
  REQUIRE(f.coordinator() != old);
  std::unique_ptr<OffsetFetchResponse> after;
  for (int i = 0; i < 50; ++i) {
    after = f.call<OffsetFetchResponse>(f.coordinator(), stable_fetch());
    if (after && after->error == Errc::kNone) break;
    f.run_for(sim::milliseconds(100));
  }
  REQUIRE(after->error == Errc::kNone);
  REQUIRE(after->partitions.front().error == Errc::kNone);
  REQUIRE(after->partitions.front().offset == 42);
}

TEST_CASE("pending offsets of a producer that crashed mid-transaction are dropped when the transaction times out") {
  GroupFixture f;
  const JoinGroupResponse j = f.join_alone();
  REQUIRE(f.call<OffsetCommitResponse>(f.coordinator(), GroupFixture::commit(j.member_id, j.generation_id, 7))->error() ==
          Errc::kNone);
  Config c = Config::resolve(Scope::producer, nlohmann::json{{"transactional.id", "app"}, {"transaction.timeout.ms", 5000}},
                             "producer");
  TxnApp app(f);
  app.producer = std::make_unique<TransactionalProducer>(f.app(), f.bootstrap(), c);
  REQUIRE(app.run([&] { return app.producer->init_transactions(sim::seconds(10)); }).ok());
  REQUIRE(app.run([&] { return app.producer->begin_transaction(); }).ok());
  REQUIRE(app.send_offsets(42, j, j.generation_id).ok());
  f.sim().crash(f.app());
  app.producer.reset();

  // transaction.timeout.ms, then the coordinator's abort sweep
  // (transaction.abort.timed.out.transaction.cleanup.interval.ms) and the
  // abort marker on the offsets partition.
  std::unique_ptr<OffsetFetchResponse> after;
  int waited_ms = 0;
  for (; waited_ms < 30000; waited_ms += 500) {
    after = f.call<OffsetFetchResponse>(f.coordinator(), stable_fetch());
    if (after && after->partitions.front().error != Errc::kUnstableOffsetCommit) break;
    f.run_for(sim::milliseconds(500));
  }
  INFO("waited " << waited_ms << " ms");
  REQUIRE(after->partitions.front().error == Errc::kNone);
  REQUIRE(after->partitions.front().offset == 7);
}

TEST_CASE("a transaction's offsets commit when its transaction coordinator is also the group coordinator") {
  GroupFixture f;
  // Moves the group coordinator (the leader of __consumer_offsets/0) to the
  // transaction coordinator's broker (the leader of __transaction_state/0),
  // whose markers then go to its own replica of __consumer_offsets rather
  // than by WriteTxnMarkers: the third broker and the group coordinator
  // crash, and come back once the leadership has moved.
  auto txn_leader = [&] {
    const PartitionState* s = f.cluster().committed_metadata().partition(TopicPartition{kTransactionStateTopic, 0});
    return s ? s->leader : kNoLeader;
  };
  const int32_t txn = txn_leader();
  const int32_t group = f.coordinator();
  if (txn != group) {
    const int32_t third = 6 - txn - group;  // brokers 1, 2, 3
    f.sim().crash(f.cluster().broker(third));
    f.sim().crash(f.cluster().broker(group));
    for (int i = 0; i < 100 && f.coordinator() != txn; ++i) f.run_for(sim::milliseconds(100));
    f.sim().restart(f.cluster().broker(third));
    f.sim().restart(f.cluster().broker(group));
    f.run_for(sim::seconds(3));  // back in the ISRs
  }
  REQUIRE(txn_leader() == f.coordinator());
  f.run_for(sim::seconds(1));  // the coordinators load
  const JoinGroupResponse j = f.join_alone();
  TxnApp app(f);
  app.commit_offsets(42, j);
  f.run_for(sim::seconds(1));  // the markers
  auto committed = f.call<OffsetFetchResponse>(f.coordinator(), stable_fetch());
  REQUIRE(committed->partitions.front().error == Errc::kNone);
  REQUIRE(committed->partitions.front().offset == 42);
}
