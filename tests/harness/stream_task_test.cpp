// The consume-transform-produce loop (harness/stream_task.h) under both
// processing guarantees, in the group test cluster: every input record is
// transformed once, and its offset committed with the output.
#include <catch2/catch.hpp>

#include "../broker-model/group_fixture.h"
#include "harness/stream_task.h"

using namespace kafkasim;
using namespace kafkasim::kafka;
using namespace kafkasim::harness;
using namespace kafkasim::test;

namespace {

// Produces "v0".."v9" to t-0, runs one stream task that upper-cases them
// to out-0 until it has processed them, and reads out-0 read_committed.
std::vector<std::string> run_task(ProcessingGuarantee g, int64_t* committed) {
  GroupFixture f;
  auto done = std::make_shared<std::vector<std::string>>();
  auto processed = std::make_shared<size_t>(0);
  auto problem = std::make_shared<std::string>();
  f.app().spawn("stream", [&f, g, done, processed, problem] {
    Producer input(f.app(), f.bootstrap(), Config::defaults(Scope::producer));
    std::vector<std::shared_ptr<Delivery>> sent;
    for (int i = 0; i < 10; ++i) sent.push_back(input.send(TopicPartition{"t", 0}, "k", "v" + std::to_string(i)));
    for (const auto& d : sent) d->wait();
    StreamTaskConfig c;
    c.guarantee = g;
    c.input_topics = {"t"};
    c.consumer = Config::resolve(Scope::consumer, nlohmann::json{{"group.id", kGroup}, {"auto.offset.reset", "earliest"}},
                                 "consumer");
    c.producer = g == ProcessingGuarantee::kExactlyOnceV2
                     ? Config::resolve(Scope::producer, nlohmann::json{{"transactional.id", "stream-1"}}, "producer")
                     : Config::defaults(Scope::producer);
    StreamTask task(f.app(), f.bootstrap(), c, RebalanceListener{}, [](const std::vector<ConsumedRecord>& records) {
      std::vector<StreamOutput> out;
      for (const auto& r : records) {
        std::string v = r.value;
        for (char& ch : v) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        out.push_back(StreamOutput{TopicPartition{"out", 0}, r.key, v});
      }
      return out;
    });
    if (!task.init(sim::seconds(10))) {
      *problem = "init_transactions failed";
      return;
    }
    while (*processed < 10) {
      StepResult r = task.step();
      if (r.failed) {
        *problem = std::string("step failed: ") + errc_name(r.error);
        return;
      }
      *processed += r.records;
    }
    Consumer reader(f.app(), f.bootstrap(),
                    Config::resolve(Scope::consumer, nlohmann::json{{"isolation.level", "read_committed"}}, "consumer"));
    reader.assign({TopicPartition{"out", 0}});
    reader.seek(TopicPartition{"out", 0}, 0);
    for (int i = 0; i < 50 && done->size() < 10; ++i) {
      for (const auto& r : reader.poll(sim::milliseconds(100))) done->push_back(r.value);
    }
  });
  for (int i = 0; i < 300 && done->size() < 10 && problem->empty(); ++i) f.run_for(sim::milliseconds(100));
  REQUIRE(*problem == "");
  auto fetched = f.call<OffsetFetchResponse>(f.coordinator(), GroupFixture::fetch());
  *committed = fetched ? fetched->partitions.front().offset : kNoOffset;
  return *done;
}

const std::vector<std::string> kExpected = {"V0", "V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9"};

}  // namespace

TEST_CASE("an exactly_once_v2 stream task commits its outputs and input offsets in one transaction") {
  int64_t committed = kNoOffset;
  REQUIRE(run_task(ProcessingGuarantee::kExactlyOnceV2, &committed) == kExpected);
  REQUIRE(committed == 10);
}

TEST_CASE("an at_least_once stream task commits the input offsets after its outputs are acknowledged") {
  int64_t committed = kNoOffset;
  REQUIRE(run_task(ProcessingGuarantee::kAtLeastOnce, &committed) == kExpected);
  REQUIRE(committed == 10);
}

TEST_CASE("processing.guarantee names parse both ways") {
  REQUIRE(parse_processing_guarantee("exactly_once_v2") == ProcessingGuarantee::kExactlyOnceV2);
  REQUIRE(parse_processing_guarantee("at_least_once") == ProcessingGuarantee::kAtLeastOnce);
  REQUIRE_FALSE(parse_processing_guarantee("exactly_once"));
  REQUIRE(std::string(processing_guarantee_name(ProcessingGuarantee::kAtLeastOnce)) == "at_least_once");
}
