// Reading JSONL histories, and the errors for malformed ones.
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

#include "checker/check.h"
#include "checker/history_reader.h"
#include "support/temp_dir.h"

using namespace kafkasim::checker;

namespace {

// The message of the HistoryError reading `text` throws.
std::string error_of(const std::string& text) {
  try {
    read_history_string(text, "history.jsonl");
  } catch (const HistoryError& e) {
    return e.what();
  }
  return "(no error)";
}

const std::string kOk = R"({"index":0,"process":0,"type":"ok","f":"send","value":[["send","x",[0,1]]]})" "\n";

}  // namespace

TEST_CASE("The reader keeps every op of SPEC's example", "[checker]") {
  History h = read_history_string(
      R"({"index": 0, "time": 1000, "process": 0, "type": "invoke", "f": "send", "value": [["send", "orders/0", 17]]}
{"index": 1, "time": 5200, "process": 0, "type": "ok", "f": "send", "value": [["send", "orders/0", [42, 17]]]}
{"index": 2, "time": 6000, "process": 1, "type": "invoke", "f": "poll", "value": [["poll"]]}
{"index": 3, "time": 7100, "process": 1, "type": "ok", "f": "poll", "value": [["poll", {"orders/0": [[41, 16], [42, 17]]}]]}
)");
  REQUIRE(h.size() == 4);
  CHECK(h.key_count() == 1);
  CHECK(h.elem_count() == 2);
  const Op& ok = h.op(1);
  CHECK(ok.index == 1);
  CHECK(ok.time == 5200);
  CHECK(ok.process == 0);
  CHECK(ok.type == OpType::ok);
  CHECK(ok.f == OpFn::send);
  REQUIRE(h.events(ok).size() == 1);
  CHECK(h.events(ok)[0].offset() == 42);
  CHECK(h.elem_value(h.events(ok)[0].id).num == 17);
  auto poll = h.events(h.op(3));
  REQUIRE(poll.size() == 3);
  CHECK(poll[0].kind == EventKind::poll);
  CHECK(poll[1].kind == EventKind::read);
  CHECK(poll[1].offset() == 41);
}

TEST_CASE("An integer key equals its decimal string", "[checker]") {
  History h = read_history_string(
      R"({"index":0,"process":0,"type":"ok","f":"send","value":[["send",7,[0,1]]]}
{"index":1,"process":1,"type":"ok","f":"poll","value":[["poll",{"7":[[0,1]]}]]}
)");
  CHECK(h.key_count() == 1);
  CHECK(h.key_name(0) == "7");
  CHECK(check(h).anomalies.empty());
}

TEST_CASE("String values, escapes and unknown fields are read", "[checker]") {
  History h = read_history_string(
      R"({"extra":{"nested":[1,2,{"a":null}]},"index":3,"process":0,"type":"ok","f":"send","value":[["send","k\u00e9y",[0,"v\"1"]]],"error":"x"})");
  REQUIRE(h.size() == 1);
  CHECK(h.key_name(0) == "k\xc3\xa9y");
  ValueRef v = h.elem_value(0);
  CHECK(v.is_string);
  CHECK(v.str == "v\"1");
}

TEST_CASE("Fields may come in any order, and index defaults to the next one", "[checker]") {
  History h = read_history_string(
      R"({"value":[["send","x",[0,1]]],"f":"send","type":"ok","process":0}
{"value":[["poll",{"x":[[0,1]]}]],"process":1,"type":"ok","f":"poll"}
)");
  REQUIRE(h.size() == 2);
  CHECK(h.op(0).index == 0);
  CHECK(h.op(1).index == 1);
  CHECK(h.events(h.op(1)).size() == 2);
}

TEST_CASE("Other fs are accepted and ignored, whatever their value", "[checker]") {
  History h = read_history_string(
      R"({"index":0,"process":"nemesis","type":"info","f":"start-partition","value":{"n1":["n2"]}}
{"index":1,"process":0,"type":"info","f":"crash"}
)");
  REQUIRE(h.size() == 2);
  CHECK(h.op(0).f == OpFn::other);
  CHECK(h.op(0).process == kNoProcess);
  CHECK(check(h).valid);
}

TEST_CASE("Info and fail ops may carry their invoked value or none", "[checker]") {
  History h = read_history_string(
      R"({"index":0,"process":0,"type":"info","f":"send","value":[["send","x",1]]}
{"index":1,"process":1,"type":"fail","f":"poll","value":null}
{"index":2,"process":1,"type":"info","f":"poll"}
)");
  CHECK(h.size() == 3);
  CHECK(h.events(h.op(0))[0].offset() == kUnknownOffset);
}

TEST_CASE("Blank lines and CRLF line ends are accepted", "[checker]") {
  std::string text = "\n";
  text.append(kOk, 0, kOk.size() - 1);
  text.append("\r\n   \n");
  History h = read_history_string(text);
  CHECK(h.size() == 1);
}

TEST_CASE("Reader errors name the file, the line and what was wrong", "[checker]") {
  CHECK(error_of(kOk + R"({"index":1,"process":0,"type":"okay","f":"send","value":[]})") ==
        R"(history.jsonl:2: "type" must be one of invoke, ok, fail, info, got "okay")");
  CHECK(error_of(R"({"index":0,"process":0,"f":"send","value":[]})") ==
        R"(history.jsonl:1: missing "type")");
  CHECK(error_of(R"({"index":0,"process":0,"type":"ok","value":[]})") ==
        R"(history.jsonl:1: missing "f")");
  CHECK(error_of(R"({"index":0,"type":"ok","f":"poll","value":[]})") ==
        R"(history.jsonl:1: missing "process" in a poll op)");
  CHECK(error_of(R"({"index":0,"process":"p","type":"ok","f":"poll","value":[]})") ==
        R"(history.jsonl:1: "process" must be an integer (32-bit) in a poll op, got "p")");
  CHECK(error_of(R"({"index":-1,"process":0,"type":"ok","f":"poll","value":[]})") ==
        R"(history.jsonl:1: "index" must be a non-negative integer, got -1)");
  CHECK(error_of(kOk + kOk) ==
        "history.jsonl:2: index 0 is not greater than the previous op's index 0");
  CHECK(error_of(R"({"index":0,"process":0,"type":"ok","f":"send"})") ==
        R"(history.jsonl:1: missing "value" in an ok send op)");
  CHECK(error_of(R"({"index":0,"process":0,"type":"ok","f":"send","value":{"x":1}})") ==
        R"(history.jsonl:1: "value" of an ok send op must be a list of micro-ops, got {"x":1})");
  CHECK(error_of(R"({"index":0,"process":0,"type":"ok","f":"txn","value":[["append","x",1]]})") ==
        R"(history.jsonl:1: value[0] must be a micro-op ["send", KEY, VALUE] or ["poll", {KEY: [[OFFSET, VALUE], ...]}], got ["append","x",1])");
  CHECK(error_of(R"({"index":0,"process":0,"type":"ok","f":"send","value":[["send",null,1]]})") ==
        R"(history.jsonl:1: value[0][1]: KEY must be a string or an integer, got null)");
  CHECK(error_of(R"({"index":0,"process":0,"type":"ok","f":"send","value":[["send","x",[0,1.5]]]})") ==
        R"(history.jsonl:1: value[0][2][1]: VALUE must be an integer (64-bit) or a string, got 1.5)");
  CHECK(error_of(R"({"index":0,"process":0,"type":"ok","f":"send","value":[["send","x",[-3,1]]]})") ==
        R"(history.jsonl:1: value[0][2][0]: OFFSET must be a non-negative integer or null, got -3)");
  CHECK(error_of(R"({"index":0,"process":0,"type":"ok","f":"poll","value":[["poll",{"x":[[0]]}]]})") ==
        R"(history.jsonl:1: value[0][1]["x"][0] must be [OFFSET, VALUE])");
  CHECK(error_of(R"({"index":0,"process":0,"type":"ok","f":"poll","value":[["poll",{"x":[1]}]]})") ==
        R"(history.jsonl:1: value[0][1]["x"][0] must be [OFFSET, VALUE], got 1)");
  CHECK(error_of(R"({"index":0,"process":0,"type":"ok","f":"poll","value":[["send","x",1]]})") ==
        R"(history.jsonl:1: value[0]: a poll op may contain only poll micro-ops)");
  CHECK(error_of(R"({"index":0,"process":0,"type":"ok","f":"assign","value":[[1]]})") ==
        R"(history.jsonl:1: value[0]: KEY must be a string or an integer, got [1])");
  CHECK(error_of(R"([1,2])") ==
        R"(history.jsonl:1: expected a JSON object (one op per line), got [1,2])");
  CHECK(error_of(R"({"type":"ok","type":"ok"})") == R"(history.jsonl:1: duplicate field "type")");
}

TEST_CASE("Malformed JSON is reported with its line and column", "[checker]") {
  CHECK(error_of(kOk + R"({"index": 1,)") ==
        "history.jsonl:2: invalid JSON at column 13: expected a field name");
  CHECK(error_of(R"({"index": 01})") ==
        "history.jsonl:1: invalid JSON at column 12: expected '}' or ',' after a field, got '1'");
  CHECK(error_of(R"({"f": "send\x"})") ==
        "history.jsonl:1: invalid JSON at column 12: bad escape '\\x' in a string");
  CHECK(error_of(R"({"a": tru})") == "history.jsonl:1: invalid JSON at column 7: unexpected character 't'");
  CHECK(error_of(R"({"a": 1} x)") ==
        "history.jsonl:1: invalid JSON at column 10: unexpected text after the op's object");
  CHECK(error_of("{\"a\": \"\x01\"}") == "history.jsonl:1: invalid JSON at column 8: control character in a string");
}

TEST_CASE("Deeply nested or truncated input is an error, not a crash", "[checker]") {
  std::string deep = R"({"index":0,"process":0,"type":"info","f":"x","junk":)" + std::string(200000, '[');
  CHECK(error_of(deep).rfind("history.jsonl:1: invalid JSON", 0) == 0);
  CHECK(error_of(R"({"index":0,"value":[["poll",{"x":[[0,1)").rfind("history.jsonl:1: invalid JSON", 0) == 0);
}

TEST_CASE("Reading a file reports its path", "[checker]") {
  kafkasim::test::TempDir dir;
  std::string path = dir.write("history.jsonl", kOk + "{oops}\n");
  try {
    read_history_file(path);
    FAIL("no error");
  } catch (const HistoryError& e) {
    CHECK(e.file() == path);
    CHECK(e.line() == 2);
  }
  std::remove(path.c_str());
  CHECK_THROWS_WITH(read_history_file(path), Catch::Contains(path + ": cannot open"));
}
