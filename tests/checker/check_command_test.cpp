// The `kafkasim check` command, run as a process (SPEC.md §1 exit codes).
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "support/temp_dir.h"

using kafkasim::test::TempDir;

namespace {

struct Run {
  int status;
  std::string out, err;
};

Run run_kafkasim(const TempDir& dir, const std::string& args) {
  std::string err_path = dir.path("stderr.txt");
  std::string cmd = std::string(KAFKASIM_BINARY) + " " + args + " 2>" + err_path;
  Run r{};
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  std::ifstream e(err_path);
  std::stringstream ss;
  ss << e.rdbuf();
  r.err = ss.str();
  return r;
}

// orders/0 gets 17 at offset 42; a poll then reads `records`.
std::string history(const std::string& records) {
  return R"({"index":0,"process":0,"type":"invoke","f":"send","value":[["send","orders/0",17]]}
{"index":1,"process":0,"type":"ok","f":"send","value":[["send","orders/0",[42,17]]]}
{"index":2,"process":1,"type":"invoke","f":"poll","value":[["poll"]]}
{"index":3,"process":1,"type":"ok","f":"poll","value":[["poll",{"orders/0":)" +
         records + "}]]}\n";
}

const std::string kValid = history("[[42,17]]");
const std::string kLost = history("[[43,18]]");  // 17 is lost

}  // namespace

TEST_CASE("check exits 0 and says valid for a valid history", "[checker][cli]") {
  TempDir dir;
  Run r = run_kafkasim(dir, "check " + dir.write("h.jsonl", kValid));
  CHECK(r.status == 0);
  CHECK(r.out.rfind("valid: 4 ops", 0) == 0);
  CHECK(r.err.empty());
}

TEST_CASE("check exits 1 and prints one JSON object with --json when anomalies are found",
          "[checker][cli]") {
  TempDir dir;
  Run r = run_kafkasim(dir, "check --json " + dir.write("h.jsonl", kLost));
  CHECK(r.status == 1);
  REQUIRE(r.out.back() == '\n');
  nlohmann::json j = nlohmann::json::parse(r.out);
  CHECK(j["valid"] == false);
  CHECK(j["stats"]["ops"] == 4);
  CHECK(j["anomalies"]["lost-write"][0]["writer"] == 1);
  CHECK(j["anomalies"]["lost-write"][0]["max_read"] == 3);
}

TEST_CASE("check's text summary names the anomalies", "[checker][cli]") {
  TempDir dir;
  Run r = run_kafkasim(dir, "check " + dir.write("h.jsonl", kLost));
  CHECK(r.status == 1);
  CHECK(r.out.find("lost-write: 1 (INVALID)") != std::string::npos);
}

TEST_CASE("check --allow replaces the allowed set", "[checker][cli]") {
  TempDir dir;
  std::string h = dir.write("h.jsonl", kLost);
  CHECK(run_kafkasim(dir, "check " + h + " --allow lost-write,G0").status == 0);
  CHECK(run_kafkasim(dir, "check " + h + " --allow=lost-write --ww-deps").status == 0);
  CHECK(run_kafkasim(dir, "check " + h + " --allow G0").status == 1);
}

TEST_CASE("check rejects an unknown anomaly name in --allow as a usage error", "[checker][cli]") {
  TempDir dir;
  Run r = run_kafkasim(dir, "check " + dir.write("h.jsonl", kValid) + " --allow lost-writes");
  CHECK(r.status == 2);
  CHECK(r.err.find("unknown anomaly name \"lost-writes\"") != std::string::npos);
  CHECK(r.out.empty());
}

TEST_CASE("check reports bad usage with exit 2", "[checker][cli]") {
  TempDir dir;
  CHECK(run_kafkasim(dir, "check").status == 2);
  CHECK(run_kafkasim(dir, "check a.jsonl b.jsonl").status == 2);
  CHECK(run_kafkasim(dir, "check --frobnicate x.jsonl").status == 2);
  CHECK(run_kafkasim(dir, "check x.jsonl --allow").status == 2);
  CHECK(run_kafkasim(dir, "check --help").status == 0);
}

TEST_CASE("check names the file and line of malformed input and exits 2", "[checker][cli]") {
  TempDir dir;
  std::string h = dir.write("h.jsonl", kValid + R"({"index":4,"process":1,"type":"okay","f":"poll"})" "\n");
  Run r = run_kafkasim(dir, "check --json " + h);
  CHECK(r.status == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "kafkasim check: " + h + ":5: \"type\" must be one of invoke, ok, fail, info, got \"okay\"\n");

  Run missing = run_kafkasim(dir, "check " + dir.path("nope.jsonl"));
  CHECK(missing.status == 2);
  CHECK(missing.err.find("nope.jsonl: cannot open") != std::string::npos);
}

TEST_CASE("check survives arbitrary bytes", "[checker][cli]") {
  TempDir dir;
  std::string junk;
  for (int i = 0; i < 4096; ++i) junk += static_cast<char>((i * 7919 + 13) % 256);
  CHECK(run_kafkasim(dir, "check " + dir.write("junk.jsonl", junk)).status == 2);
  CHECK(run_kafkasim(dir, "check " + dir.write("deep.jsonl", std::string(1 << 20, '['))).status == 2);
  // Invalid UTF-8 in a key is data, not an error; the JSON output stays valid.
  std::string bad_utf8 = R"({"index":0,"process":0,"type":"ok","f":"send","value":[["send","k)" "\xff\xfe" R"(",[0,1]]]})" "\n";
  Run r = run_kafkasim(dir, "check --json " + dir.write("utf8.jsonl", bad_utf8));
  CHECK(r.status == 0);
  CHECK_NOTHROW(nlohmann::json::parse(r.out));
  CHECK(run_kafkasim(dir, "check " + dir.path("")).status == 2);
}
