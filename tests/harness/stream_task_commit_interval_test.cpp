// at_least_once StreamTask with a commit interval (Kafka Streams'
// commit.interval.ms): outputs go out every step, offsets only once the
// interval has passed, even when no new input arrives.
#include <catch2/catch.hpp>

#include "../broker-model/group_fixture.h"
#include "harness/stream_task.h"

using namespace kafkasim;
using namespace kafkasim::kafka;
using namespace kafkasim::harness;
using namespace kafkasim::test;

namespace {

int64_t committed_offset(GroupFixture& f) {
  auto fetched = f.call<OffsetFetchResponse>(f.coordinator(), GroupFixture::fetch());
  return fetched ? fetched->partitions.front().offset : kNoOffset;
}

}  // namespace

TEST_CASE("an at_least_once stream task with a commit interval commits its offsets only when the interval has passed") {
  GroupFixture f;
  auto processed = std::make_shared<size_t>(0);
  auto problem = std::make_shared<std::string>();
  f.app().spawn("stream", [&f, processed, problem] {
    Producer input(f.app(), f.bootstrap(), Config::defaults(Scope::producer));
    std::vector<std::shared_ptr<Delivery>> sent;
    for (int i = 0; i < 10; ++i) sent.push_back(input.send(TopicPartition{"t", 0}, "k", "v" + std::to_string(i)));
    for (const auto& d : sent) d->wait();
    StreamTaskConfig c;
    c.guarantee = ProcessingGuarantee::kAtLeastOnce;
    c.input_topics = {"t"};
    c.consumer = Config::resolve(Scope::consumer, nlohmann::json{{"group.id", kGroup}, {"auto.offset.reset", "earliest"}},
                                 "consumer");
    c.producer = Config::defaults(Scope::producer);
    c.commit_interval = sim::seconds(20);
    StreamTask task(f.app(), f.bootstrap(), c, RebalanceListener{}, [](const std::vector<ConsumedRecord>& records) {
      std::vector<StreamOutput> out;
      for (const auto& r : records) out.push_back(StreamOutput{TopicPartition{"out", 0}, r.key, r.value});
      return out;
    });
    for (;;) {
      const StepResult r = task.step();
      if (r.failed) {
        *problem = std::string("step failed: ") + errc_name(r.error);
        return;
      }
      *processed += r.records;
    }
  });
  for (int i = 0; i < 100 && *processed < 10 && problem->empty(); ++i) f.run_for(sim::milliseconds(100));
  REQUIRE(*problem == "");
  REQUIRE(*processed == 10);
  REQUIRE(committed_offset(f) == kNoOffset);  // processed, outputs acknowledged, not yet committed
  f.run_for(sim::seconds(25));                // idle steps: the commit comes due
  REQUIRE(*problem == "");
  REQUIRE(committed_offset(f) == 10);
}
