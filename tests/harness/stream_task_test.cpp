// The consume-transform-produce loop (harness/stream_task.h) under both
// processing guarantees, in the group test cluster: every input record is
// transformed once, and its offset committed with the output.
#include <catch2/catch.hpp>

#include "../broker-model/group_fixture.h"
#include "harness/stream_task.h"

#include <algorithm>

using namespace kafkasim;
using namespace kafkasim::kafka;
using namespace kafkasim::harness;
using namespace kafkasim::test;

namespace {

// The stream job of these tests: every record upper-cased to out-0.
std::vector<StreamOutput> upper_case(const std::vector<ConsumedRecord>& records) {
  std::vector<StreamOutput> out;
  for (const auto& r : records) {
    std::string v = r.value;
    for (char& ch : v) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    out.push_back(StreamOutput{TopicPartition{"out", 0}, r.key, v});
  }
  return out;
}

// Produces "v0".."v9" to t-0, runs one stream task that upper-cases them
// to out-0 until it has processed them (then keeps stepping, idle, for
// `idle`), and reads out-0 read_committed.
std::vector<std::string> run_task(ProcessingGuarantee g, int64_t* committed, sim::Duration commit_interval = 0,
                                  sim::Duration idle = 0) {
  GroupFixture f;
  auto done = std::make_shared<std::vector<std::string>>();
  auto processed = std::make_shared<size_t>(0);
  auto problem = std::make_shared<std::string>();
  f.app().spawn("stream", [&f, g, commit_interval, idle, done, processed, problem] {
    Producer input(f.app(), f.bootstrap(), Config::defaults(Scope::producer));
    std::vector<std::shared_ptr<Delivery>> sent;
    for (int i = 0; i < 10; ++i) sent.push_back(input.send(TopicPartition{"t", 0}, "k", "v" + std::to_string(i)));
    for (const auto& d : sent) d->wait();
    StreamTaskConfig c;
    c.guarantee = g;
    c.commit_interval = commit_interval;
    c.input_topics = {"t"};
    c.consumer = Config::resolve(Scope::consumer, nlohmann::json{{"group.id", kGroup}, {"auto.offset.reset", "earliest"}},
                                 "consumer");
    c.producer = g == ProcessingGuarantee::kExactlyOnceV2
                     ? Config::resolve(Scope::producer, nlohmann::json{{"transactional.id", "stream-1"}}, "producer")
                     : Config::defaults(Scope::producer);
    StreamTask task(f.app(), f.bootstrap(), c, RebalanceListener{}, upper_case);
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
    for (const sim::SimTime until = sim::now() + idle; sim::now() < until;) {
      if (task.step().failed) {
        *problem = "an idle step failed";
        return;
      }
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

namespace {

// Two exactly_once_v2 instances on nodes "a" and "b" upper-case the 40
// records of t-0 and t-1 to out-0; "a" crashes in the middle of a
// transaction and, with `restart`, comes back 2 s later with the same
// transactional.id. Returns what out-0 holds, read read_committed.
std::vector<std::string> run_two_instances_one_crashes(bool restart, std::string* problem) {
  GroupFixture f;
  auto instance = [&f](const std::string& name) -> sim::Node& {
    sim::Node& n = f.sim().add_node(name, nullptr);
    f.sim().start(n);
    return n;
  };
  sim::Node& a = instance("a");
  sim::Node& b = instance("b");
  auto a_processing = std::make_shared<bool>(false);
  f.app().spawn("input", [&f] {
    Producer input(f.app(), f.bootstrap(), Config::defaults(Scope::producer));
    std::vector<std::shared_ptr<Delivery>> sent;
    for (int i = 0; i < 20; ++i) {
      for (int p = 0; p < 2; ++p) sent.push_back(input.send(TopicPartition{"t", p}, "k", "p" + std::to_string(p) + "v" + std::to_string(i)));
    }
    for (const auto& d : sent) d->wait();
  });
  auto run = [&f](sim::Node& n, std::shared_ptr<bool> processing) {
    n.spawn("stream", [&f, &n, processing] {
      StreamTaskConfig c;
      c.input_topics = {"t"};
      c.consumer = Config::resolve(Scope::consumer,
                                   nlohmann::json{{"group.id", kGroup},
                                                  {"auto.offset.reset", "earliest"},
                                                  {"session.timeout.ms", 6000},
                                                  {"heartbeat.interval.ms", 1000}},
                                   "consumer");
      c.producer = Config::resolve(Scope::producer,
                                   nlohmann::json{{"transactional.id", n.name()}, {"transaction.timeout.ms", 10000}},
                                   "producer");
      StreamTask task(n, f.bootstrap(), c, RebalanceListener{}, [processing](const std::vector<ConsumedRecord>& records) {
        if (processing) *processing = true;
        return upper_case(records);
      });
      if (!task.init(sim::seconds(10))) return;
      for (;;) {
        if (task.step().failed) return;
      }
    });
  };
  run(a, a_processing);
  run(b, nullptr);
  for (int i = 0; i < 3000 && !*a_processing; ++i) f.run_for(sim::milliseconds(1));
  if (!*a_processing) {
    *problem = "instance a never processed a record";
    return {};
  }
  f.sim().crash(a);
  if (restart) {
    f.run_for(sim::seconds(2));
    f.sim().start(a);
    run(a, nullptr);
  }
  auto done = std::make_shared<std::vector<std::string>>();
  f.run_for(sim::seconds(30));
  f.client_node().spawn("reader", [&f, done] {
    Consumer reader(f.client_node(), f.bootstrap(),
                    Config::resolve(Scope::consumer, nlohmann::json{{"isolation.level", "read_committed"}}, "consumer"));
    reader.assign({TopicPartition{"out", 0}});
    reader.seek(TopicPartition{"out", 0}, 0);
    for (int i = 0; i < 30; ++i) {
      for (const auto& r : reader.poll(sim::milliseconds(100))) done->push_back(r.value);
    }
  });
  f.run_for(sim::seconds(5));
  return *done;
}

}  // namespace

TEST_CASE("an exactly_once_v2 instance that crashes mid-transaction leaves every input record in the output exactly once") {
  const bool restart = GENERATE(false, true);
  INFO((restart ? "a restarts" : "a stays down"));
  std::string problem;
  std::vector<std::string> out = run_two_instances_one_crashes(restart, &problem);
  REQUIRE(problem == "");
  std::sort(out.begin(), out.end());
  std::vector<std::string> expected;
  for (int i = 0; i < 20; ++i) {
    for (int p = 0; p < 2; ++p) expected.push_back("P" + std::to_string(p) + "V" + std::to_string(i));
  }
  std::sort(expected.begin(), expected.end());
  REQUIRE(out == expected);
}

TEST_CASE("an at_least_once stream task with a commit interval produces at once but commits the offsets later") {
  int64_t committed = 0;
  REQUIRE(run_task(ProcessingGuarantee::kAtLeastOnce, &committed, sim::seconds(60)) == kExpected);
  REQUIRE(committed == kNoOffset);
}

TEST_CASE("an at_least_once stream task commits its processed offsets when the interval ends, even with no new records") {
  int64_t committed = 0;
  REQUIRE(run_task(ProcessingGuarantee::kAtLeastOnce, &committed, sim::seconds(1), sim::seconds(2)) == kExpected);
  REQUIRE(committed == 10);
}

TEST_CASE("processing.guarantee names parse both ways") {
  REQUIRE(parse_processing_guarantee("exactly_once_v2") == ProcessingGuarantee::kExactlyOnceV2);
  REQUIRE(parse_processing_guarantee("at_least_once") == ProcessingGuarantee::kAtLeastOnce);
  REQUIRE_FALSE(parse_processing_guarantee("exactly_once"));
  REQUIRE(std::string(processing_guarantee_name(ProcessingGuarantee::kAtLeastOnce)) == "at_least_once");
}
