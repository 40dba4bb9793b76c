#include <catch2/catch.hpp>

#include "broker-model/consumer.h"
#include "cluster_fixture.h"

using namespace kafkasim;
using namespace kafkasim::test;

namespace {

struct Polled {
  std::vector<ConsumedRecord> records;
  int64_t position = kNoOffset;
  Errc error = Errc::kNone;
};

// Retention deleted offsets [0, 3) on the leader, which then got 3 and 4:
// a consumer at offset 0 polls with `reset`.
Polled poll_below_log_start(const std::string& reset) {
  ClusterFixture f;
  REQUIRE(f.produce(f.leader(), -1, {"a", "b", "c"})->error == Errc::kNone);
  Log& log = f.leader_replica()->log();
  REQUIRE(log.delete_segments_before(3) == 1);
  REQUIRE(log.log_start_offset() == 3);
  REQUIRE(f.produce(f.leader(), -1, {"d", "e"})->error == Errc::kNone);
  sim::Node& node = f.sim().add_node("consumer", nullptr);
  f.sim().start(node);
  auto out = std::make_shared<Polled>();
  auto done = std::make_shared<bool>(false);
  const std::vector<int32_t> bootstrap = f.cluster().bootstrap();
  const TopicPartition tp = f.tp;
  node.spawn("poll", [&node, bootstrap, reset, tp, out, done] {
    Consumer consumer(node, bootstrap,
                      Config::resolve(Scope::consumer, nlohmann::json{{"auto.offset.reset", reset}}, "consumer"));
    consumer.assign({tp});
    consumer.seek(tp, 0);
    for (int i = 0; i < 20; ++i) {
      for (ConsumedRecord& r : consumer.poll(sim::milliseconds(100))) out->records.push_back(r);
    }
    out->position = consumer.position(tp);
    out->error = consumer.partition_error(tp);
    *done = true;
  });
  for (int i = 0; i < 200 && !*done; ++i) f.run_for(sim::milliseconds(100));
  REQUIRE(*done);
  return *out;
}

}  // namespace

TEST_CASE("a consumer below the log start offset resets to it with auto.offset.reset=earliest") {
  const Polled p = poll_below_log_start("earliest");
  REQUIRE(p.records.size() == 2);
  REQUIRE(p.records.front().offset == 3);
  REQUIRE(p.records.front().value == "d");
  REQUIRE(p.position == 5);
  REQUIRE(p.error == Errc::kNone);
}

TEST_CASE("a consumer below the log start offset skips to the end with auto.offset.reset=latest") {
  const Polled p = poll_below_log_start("latest");
  REQUIRE(p.records.empty());
  REQUIRE(p.position == 5);
}

TEST_CASE("a consumer below the log start offset stops with an error with auto.offset.reset=error") {
  const Polled p = poll_below_log_start("error");
  REQUIRE(p.records.empty());
  REQUIRE(p.position == kNoOffset);
  REQUIRE(p.error == Errc::kOffsetOutOfRange);
}
