// Writing histories as JSONL and reading them back.
#include <catch2/catch.hpp>

#include <sstream>

#include "checker/check.h"
#include "checker/history_reader.h"
#include "checker/history_writer.h"
#include "checker/synthetic.h"

using namespace kafkasim::checker;

namespace {

std::string jsonl(const History& h) {
  std::ostringstream out;
  write_history_jsonl(h, out);
  return out.str();
}

}  // namespace

TEST_CASE("A written history reads back as the same history", "[checker]") {
  for (bool txn : {false, true}) {
    SyntheticOptions o;
    o.seed = 7;
    o.ops = 600;
    o.txn = txn;
    o.fault = Fault::lost_write;
    History h = synthetic_history(o).history;
    std::string text = jsonl(h);
    History back = read_history_string(text);
    REQUIRE(back.size() == h.size());
    CHECK(jsonl(back) == text);
    Options ww;
    ww.ww_deps = true;
    CHECK(to_json(check(back, ww)) == to_json(check(h, ww)));
  }
}

TEST_CASE("The writer emits invoked and completed micro-ops in SPEC's shape", "[checker]") {
  History h;
  h.add_op(0, OpType::invoke, OpFn::send, {Send{"orders/0", Value(17), std::nullopt}}, 1000);
  h.add_op(0, OpType::ok, OpFn::send, {Send{"orders/0", Value(17), 42}}, 5200);
  h.add_op(1, OpType::invoke, OpFn::poll, {Poll{}}, 6000);
  h.add_op(1, OpType::ok, OpFn::poll,
           {Poll{{{"orders/0", {Record{41, Value(std::string("a\"b"))}, Record{42, Value(17)}}}}}}, 7100);
  h.add_keys_op(1, OpType::ok, OpFn::assign, {"orders/0"});
  CHECK(jsonl(h) ==
        R"({"index":0,"time":1000,"process":0,"type":"invoke","f":"send","value":[["send","orders/0",17]]}
{"index":1,"time":5200,"process":0,"type":"ok","f":"send","value":[["send","orders/0",[42,17]]]}
{"index":2,"time":6000,"process":1,"type":"invoke","f":"poll","value":[["poll"]]}
{"index":3,"time":7100,"process":1,"type":"ok","f":"poll","value":[["poll",{"orders/0":[[41,"a\"b"],[42,17]]}]]}
{"index":4,"process":1,"type":"ok","f":"assign","value":["orders/0"]}
)");
}

TEST_CASE("The builder rejects micro-ops its f does not allow", "[checker]") {
  History h;
  CHECK_THROWS_AS(h.add_op(0, OpType::ok, OpFn::poll, {Send{"x", Value(1), 0}}), std::invalid_argument);
  CHECK_THROWS_AS(h.add_op(kNoProcess, OpType::ok, OpFn::poll, {}), std::invalid_argument);
  CHECK(h.size() == 0);
  h.add_op(0, OpType::ok, OpFn::poll, {}, -1, 5);
  CHECK_THROWS_AS(h.add_op(0, OpType::ok, OpFn::poll, {}, -1, 5), std::invalid_argument);
  CHECK(h.size() == 1);
}

TEST_CASE("A history read from a file can still be built on", "[checker]") {
  History h = read_history_string(R"({"index":0,"process":0,"type":"ok","f":"send","value":[["send","x",[0,"a"]]]})");
  h.add_op(1, OpType::ok, OpFn::poll, {Poll{{{"x", {Record{0, Value(std::string("a"))}}}}}});
  CHECK(h.elem_count() == 1);
  CHECK(check(h).anomalies.empty());
}
