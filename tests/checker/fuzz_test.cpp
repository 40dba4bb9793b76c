// Robustness: corrupted input is read or rejected, never crashes; arbitrary
// histories, however inconsistent, are checked without failing.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>

#include "checker/check.h"
#include "checker/history_reader.h"
#include "checker/history_writer.h"
#include "checker/synthetic.h"

using namespace kafkasim::checker;

TEST_CASE("Corrupted history lines are read or rejected with a line number, never crash",
          "[checker][property]") {
  SyntheticOptions o;
  o.seed = 5;
  o.ops = 300;
  o.txn = true;
  std::ostringstream out;
  write_history_jsonl(synthetic_history(o).history, out);
  const std::string text = out.str();
  const std::string alphabet = "{}[],:\"\\-0123456789.eE nultrfa\x01\xff";
  SplitMix64 rng(99);
  for (int round = 0; round < 400; ++round) {
    std::string t = text;
    int edits = 1 + static_cast<int>(rng.below(4));
    for (int e = 0; e < edits; ++e) {
      std::size_t at = rng.below(t.size());
      switch (rng.below(3)) {
        case 0: t[at] = alphabet[rng.below(alphabet.size())]; break;
        case 1: t.erase(at, 1 + rng.below(8)); break;
        default: t.insert(at, 1, alphabet[rng.below(alphabet.size())]); break;
      }
    }
    try {
      History h = read_history_string(t, "h.jsonl");
      CHECK_NOTHROW(check(h));
    } catch (const HistoryError& e) {
      CHECK(e.line() >= 1);
      CHECK(std::string(e.what()).rfind("h.jsonl:", 0) == 0);
    }
  }
}

TEST_CASE("Arbitrary histories are checked without failing, and deterministically",
          "[checker][property]") {
  SplitMix64 rng(7);
  for (int round = 0; round < 300; ++round) {
    History h;
    const std::size_t keys = 1 + rng.below(3), values = 1 + rng.below(12);
    auto key = [&] {
      std::string k = "k";
      k += std::to_string(rng.below(keys));
      return k;
    };
    auto value = [&] { return Value(static_cast<std::int64_t>(rng.below(values))); };
    auto offset = [&]() -> std::optional<std::int64_t> {
      if (rng.chance(15)) return std::nullopt;
      return static_cast<std::int64_t>(rng.below(10));
    };
    std::size_t n = rng.below(40);
    for (std::size_t i = 0; i < n; ++i) {
      OpType type = static_cast<OpType>(rng.below(4));
      int process = static_cast<int>(rng.below(4));
      switch (rng.below(5)) {
        case 0:
        case 1: {
          std::vector<MicroOp> mops;
          bool sends = false, polls = false;
          for (std::size_t m = rng.below(4); m > 0; --m) {
            if (rng.chance(50)) {
              mops.push_back(Send{key(), value(), offset()});
              sends = true;
            } else {
              Poll p;
              for (std::size_t r = rng.below(3); r > 0; --r) {
                std::vector<Record> recs;
                for (std::size_t j = rng.below(5); j > 0; --j) recs.push_back(Record{offset(), value()});
                p.records.emplace_back(key(), std::move(recs));
              }
              mops.push_back(std::move(p));
              polls = true;
            }
          }
          OpFn f = sends && polls ? OpFn::txn : sends ? OpFn::send : polls ? OpFn::poll : OpFn::txn;
          h.add_op(process, type, f, mops);
          break;
        }
        case 2:
          h.add_keys_op(process, type, rng.chance(50) ? OpFn::assign : OpFn::subscribe, {key()});
          break;
        default:
          h.add_op(process, type, OpFn::other, {});
      }
    }
    Options o;
    o.ww_deps = rng.chance(50);
    Verdict a = check(h, o), b = check(h, o);
    CHECK(to_json(a) == to_json(b));
    CHECK_NOTHROW(summary(a));
  }
}
