#include <catch2/catch.hpp>

#include "broker-model/request_error_injection.h"
#include "tests/broker-model/cluster_fixture.h"

using namespace kafkasim;
using namespace kafkasim::kafka;

TEST_CASE("injected produce errors answer the next requests in turn and append nothing") {
  test::ClusterFixture f;
  const int32_t leader = f.leader();
  REQUIRE(leader != kNoLeader);
  f.cluster().request_errors().push(ApiKey::kProduce, {*parse_injected_error("NOT_ENOUGH_REPLICAS"),
                                                       *parse_injected_error("TRANSPORT")});
  auto first = f.produce(leader, -1, {"a"});
  REQUIRE(first);
  CHECK(first->error == Errc::kNotEnoughReplicas);
  // TRANSPORT: the broker closes the connection instead of answering.
  CHECK_FALSE(f.produce(leader, -1, {"b"}, sim::seconds(2)));
  auto third = f.produce(leader, -1, {"c"});
  REQUIRE(third);
  CHECK(third->error == Errc::kNone);
  CHECK(third->base_offset == 0);
}

TEST_CASE("request error names are Kafka's, plus TRANSPORT") {
  CHECK(parse_injected_error("TOPIC_AUTHORIZATION_FAILED")->error == Errc::kTopicAuthorizationFailed);
  CHECK(parse_injected_error("TRANSPORT")->disconnect);
  CHECK_FALSE(parse_injected_error("NOT_A_KAFKA_ERROR"));
}
