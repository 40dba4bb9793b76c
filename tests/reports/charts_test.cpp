// The series the report derives from the history, and the SVG charts.
#include <catch2/catch.hpp>

#include "checker/history_reader.h"
#include "reports/charts.h"

using namespace kafkasim;
using namespace kafkasim::reports;

namespace {

const TimeSeries& named(const std::vector<TimeSeries>& all, const std::string& name) {
  for (const TimeSeries& s : all) {
    if (s.name == name) return s;
  }
  FAIL("no series " << name);
  throw;
}

}  // namespace

TEST_CASE("throughput, acknowledged latency and consumer lag come from the history per second") {
  // Two sends acknowledged in the first second (10 ms and 30 ms after their
  // invokes); a poll in the next second reads the first of them.
  const checker::History h = checker::read_history_string(
      "{\"index\":0,\"time\":0,\"process\":0,\"type\":\"invoke\",\"f\":\"send\",\"value\":[[\"send\",\"k\",1]]}\n"
      "{\"index\":1,\"time\":10000000,\"process\":0,\"type\":\"ok\",\"f\":\"send\",\"value\":[[\"send\",\"k\",[0,1]]]}\n"
      "{\"index\":2,\"time\":100000000,\"process\":0,\"type\":\"invoke\",\"f\":\"send\",\"value\":[[\"send\",\"k\",2]]}\n"
      "{\"index\":3,\"time\":130000000,\"process\":0,\"type\":\"ok\",\"f\":\"send\",\"value\":[[\"send\",\"k\",[1,2]]]}\n"
      "{\"index\":4,\"time\":1500000000,\"process\":1,\"type\":\"invoke\",\"f\":\"poll\",\"value\":[[\"poll\"]]}\n"
      "{\"index\":5,\"time\":2000000000,\"process\":1,\"type\":\"ok\",\"f\":\"poll\",\"value\":[[\"poll\",{\"k\":[[0,1]]}]]}\n");
  const auto series = history_series(h, 1000);
  const TimeSeries& throughput = named(series, "throughput");
  REQUIRE(throughput.points.size() == 3);
  CHECK(throughput.points[0] == std::make_pair(std::int64_t{500}, 2.0));
  CHECK(throughput.points[1].second == 0.0);
  const TimeSeries& p50 = named(series, "ack-latency-p50");
  const TimeSeries& max = named(series, "ack-latency-max");
  REQUIRE(p50.points.size() == 1);
  CHECK(p50.points[0].second == 30.0);  // the upper median of 10 and 30
  CHECK(max.points[0].second == 30.0);
  const TimeSeries& lag = named(series, "consumer-lag");
  REQUIRE(lag.points.size() == 3);
  CHECK(lag.points[0].second == 2.0);
  CHECK(lag.points[1].second == 2.0);
  CHECK(lag.points[2].second == 1.0);
}

TEST_CASE("a chart escapes its series names and shades the faults") {
  const std::string svg = line_chart_svg("c", "ISR <size>", "replicas", {TimeSeries{"<b>x</b>", "replicas", {{0, 1}, {100, 2}}}},
                                         {FaultSpan{10, 50, "crash <broker-1>"}}, 100);
  CHECK(svg.find("<b>") == std::string::npos);
  CHECK(svg.find("&lt;b&gt;x&lt;/b&gt;") != std::string::npos);
  CHECK(svg.find("crash &lt;broker-1&gt;") != std::string::npos);
  CHECK(svg.find("<polyline") != std::string::npos);
}
