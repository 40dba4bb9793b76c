#include <catch2/catch.hpp>

#include "checker/compaction.h"

using namespace kafkasim::checker;

namespace {

// A compacted-kv history built by hand: time in ms (stored as ns).
class KvHist {
 public:
  // An acknowledged (or other) send of record_key=value (nullopt: tombstone).
  std::int64_t send(int process, const std::string& record_key, std::optional<std::string> value,
                    std::optional<std::int64_t> offset, std::int64_t at_ms, OpType type = OpType::ok) {
    const std::string v = kv_value(record_key, value ? std::optional<std::string_view>(*value) : std::nullopt);
    h.add_op(process, OpType::invoke, OpFn::send, {Send{"kv/0", Value(v), std::nullopt}}, at_ms * kMs);
    h.add_op(process, type, OpFn::send, {Send{"kv/0", Value(v), type == OpType::ok ? offset : std::nullopt}},
             at_ms * kMs + 1);
    return h.op(h.size() - 1).index;
  }
  void assign(int process, std::int64_t at_ms) {
    h.add_keys_op(process, OpType::invoke, OpFn::assign, {"kv/0"}, at_ms * kMs);
    h.add_keys_op(process, OpType::ok, OpFn::assign, {"kv/0"}, at_ms * kMs);
  }
  // A poll returning (offset, "k=v") records of kv/0.
  std::int64_t poll(int process, const std::vector<std::pair<std::int64_t, std::string>>& records, std::int64_t at_ms) {
    std::vector<Record> rs;
    for (const auto& [o, v] : records) rs.push_back(Record{o, Value(v)});
    h.add_op(process, OpType::invoke, OpFn::poll, {Poll{}}, at_ms * kMs);
    h.add_op(process, OpType::ok, OpFn::poll, {Poll{{{"kv/0", rs}}}}, at_ms * kMs + 1);
    return h.op(h.size() - 1).index;
  }
  Verdict check(std::int64_t delete_retention_ms = 1000) const {
    CompactionOptions o;
    o.delete_retention_ms["kv/0"] = delete_retention_ms;
    return check_compaction(h, o);
  }

  History h;
  static constexpr std::int64_t kMs = 1'000'000;
};

std::size_t count(const Verdict& v, const std::string& name) {
  auto it = v.anomalies.find(name);
  return it == v.anomalies.end() ? 0 : it->second.size();
}

// Writes a=1 (0), b=1 (1), a=2 (2), b=null (3), c=1 (4).
KvHist writes() {
  KvHist k;
  k.send(0, "a", "1", 0, 10);
  k.send(0, "b", "1", 1, 20);
  k.send(0, "a", "2", 2, 30);
  k.send(0, "b", std::nullopt, 3, 40);
  k.send(0, "c", "1", 4, 50);
  return k;
}

}  // namespace

TEST_CASE("a compacted read holding the latest value of every key is valid") {
  KvHist k = writes();
  k.assign(1, 100);
  k.poll(1, {{2, "a=2"}, {3, "b=null"}}, 110);
  k.poll(1, {{4, "c=1"}}, 120);
  const Verdict v = k.check();
  REQUIRE(v.valid);
  REQUIRE(v.anomalies.empty());
}

TEST_CASE("an uncompacted read is valid too: compaction may not have run") {
  KvHist k = writes();
  k.assign(1, 100);
  k.poll(1, {{0, "a=1"}, {1, "b=1"}, {2, "a=2"}, {3, "b=null"}, {4, "c=1"}}, 110);
  REQUIRE(k.check().valid);
}

TEST_CASE("a final read without a key whose latest write is a value is compaction-lost-key") {
  KvHist k = writes();
  k.assign(1, 100);
  k.poll(1, {{2, "a=2"}, {3, "b=null"}}, 110);  // c=1 missing
  const Verdict v = k.check();
  REQUIRE_FALSE(v.valid);
  REQUIRE(count(v, "compaction-lost-key") == 1);
  const auto& w = v.anomalies.at("compaction-lost-key").front();
  REQUIRE(w["record_key"] == "c");
  REQUIRE(w["latest_acked"]["offset"] == 4);
  REQUIRE(w["final_read"].is_null());
}

TEST_CASE("a final read ending a key on an older value is compaction-stale-value") {
  KvHist k = writes();
  k.assign(1, 100);
  k.poll(1, {{0, "a=1"}, {3, "b=null"}, {4, "c=1"}}, 110);  // a=2 removed, a=1 kept
  const Verdict v = k.check();
  REQUIRE(count(v, "compaction-stale-value") == 1);
  const auto& w = v.anomalies.at("compaction-stale-value").front();
  REQUIRE(w["record_key"] == "a");
  REQUIRE(w["final_read"]["value"] == "a=1");
  REQUIRE(w["latest_acked"]["value"] == "a=2");
}

TEST_CASE("a value resurrected after its tombstone went is compaction-stale-value") {
  KvHist k = writes();
  k.assign(1, 5000);
  k.poll(1, {{1, "b=1"}, {2, "a=2"}, {4, "c=1"}}, 5010);
  REQUIRE(count(k.check(), "compaction-stale-value") == 1);
}

TEST_CASE("a tombstone gone before delete.retention.ms is compaction-early-delete, after it fine") {
  KvHist k = writes();  // b=null sent at 40 ms
  k.assign(1, 100);
  k.poll(1, {{2, "a=2"}, {4, "c=1"}}, 110);  // passed offset 3 at 111 ms
  SECTION("too early") {
    const Verdict v = k.check(/*delete_retention_ms=*/1000);
    REQUIRE(count(v, "compaction-early-delete") == 1);
    REQUIRE(v.anomalies.at("compaction-early-delete").front()["record_key"] == "b");
  }
  SECTION("late enough") { REQUIRE(k.check(/*delete_retention_ms=*/50).valid); }
}

TEST_CASE("a reader that started before the last send completed is not a final read") {
  KvHist k;
  k.send(0, "a", "1", 0, 10);
  k.assign(1, 15);
  k.poll(1, {{0, "a=1"}}, 16);
  k.send(0, "a", "2", 1, 20);
  REQUIRE(k.check().valid);
}

TEST_CASE("records of a key out of offset order are compaction-stale-value") {
  KvHist k = writes();
  k.assign(1, 100);
  k.poll(1, {{2, "a=2"}, {3, "b=null"}, {4, "c=1"}}, 110);
  k.poll(1, {{0, "a=1"}}, 120);
  REQUIRE(count(k.check(), "compaction-stale-value") == 1);
}

TEST_CASE("two values at one offset are inconsistent-offsets") {
  KvHist k = writes();
  k.assign(1, 100);
  k.poll(1, {{2, "a=9"}, {3, "b=null"}, {4, "c=1"}}, 110);
  const Verdict v = k.check();
  REQUIRE(count(v, "inconsistent-offsets") == 1);
  REQUIRE(v.anomalies.at("inconsistent-offsets").front()["offset"] == 2);
}

TEST_CASE("an info tombstone send may explain a missing key") {
  KvHist k = writes();
  k.send(0, "c", std::nullopt, std::nullopt, 60, OpType::info);
  k.assign(1, 100);
  k.poll(1, {{2, "a=2"}, {3, "b=null"}}, 110);
  REQUIRE(count(k.check(), "compaction-lost-key") == 0);
}

TEST_CASE("compacted-kv values round-trip through their string form") {
  REQUIRE(kv_value("k3", std::string_view("17")) == "k3=17");
  REQUIRE(kv_value("k3", std::nullopt) == "k3=null");
  auto kv = parse_kv_value(ValueRef::string("k3=null"));
  REQUIRE(kv);
  REQUIRE(kv->tombstone);
  REQUIRE(kv->record_key == "k3");
  REQUIRE_FALSE(parse_kv_value(ValueRef::integer(3)));
}
