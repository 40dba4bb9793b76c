#include <catch2/catch.hpp>

#include "tests/cli/cli_support.h"

using namespace kafkasim::cli::test;

namespace {
// A compacted-kv history: a=1 then a=2 acknowledged at offsets 0 and 1; a
// reader that starts afterwards finds only a=1 at offset 0.
const char* kStaleHistory =
    R"({"index": 0, "time": 1000, "process": 0, "type": "invoke", "f": "send", "value": [["send", "kv/0", "a=1"]]}
{"index": 1, "time": 2000, "process": 0, "type": "ok", "f": "send", "value": [["send", "kv/0", [0, "a=1"]]]}
{"index": 2, "time": 3000, "process": 0, "type": "invoke", "f": "send", "value": [["send", "kv/0", "a=2"]]}
{"index": 3, "time": 4000, "process": 0, "type": "ok", "f": "send", "value": [["send", "kv/0", [1, "a=2"]]]}
{"index": 4, "time": 5000, "process": 1, "type": "invoke", "f": "assign", "value": ["kv/0"]}
{"index": 5, "time": 5000, "process": 1, "type": "ok", "f": "assign", "value": ["kv/0"]}
{"index": 6, "time": 6000, "process": 1, "type": "invoke", "f": "poll", "value": [["poll"]]}
{"index": 7, "time": 7000, "process": 1, "type": "ok", "f": "poll", "value": [["poll", {"kv/0": [[0, "a=1"]]}]]}
)";
}  // namespace

TEST_CASE("kafkasim check --compaction finds a stale value in a compacted-kv history") {
  TempDir dir;
  const std::string history = dir.write("history.jsonl", kStaleHistory);
  Output o = run_kafkasim({"check", history, "--compaction", "--json"});
  CHECK(o.code == 1);
  CHECK_THAT(o.out, Catch::Contains("compaction-stale-value"));
  CHECK_THAT(o.out, Catch::Contains("\"record_key\":\"a\""));
  // The queue checks do not know record keys.
  Output queue = run_kafkasim({"check", history, "--json"});
  CHECK_THAT(queue.out, !Catch::Contains("compaction-stale-value"));
}

TEST_CASE("kafkasim check --delete-retention-ms without --compaction is a usage error") {
  TempDir dir;
  const std::string history = dir.write("history.jsonl", kStaleHistory);
  Output o = run_kafkasim({"check", history, "--delete-retention-ms", "1000"});
  CHECK(o.code == 2);
  CHECK_THAT(o.err, Catch::Contains("--delete-retention-ms needs --compaction"));
  Output bad = run_kafkasim({"check", history, "--compaction", "--delete-retention-ms=soon"});
  CHECK(bad.code == 2);
  CHECK_THAT(bad.err, Catch::Contains("expected a non-negative integer, got \"soon\""));
}
