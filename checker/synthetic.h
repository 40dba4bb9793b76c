// Synthetic Kafka-queue histories, for property tests and benchmarks.
//
// Producers and consumers run against a correct in-memory log per key;
// each op takes effect atomically when it completes, so every history is
// valid by construction, whatever the environment does to it: crashes,
// timeouts and indeterminate (info) sends that did or did not take effect,
// failed sends and aborted transactions that never become visible, and
// offset gaps from transaction markers. With a Fault, exactly one
// corruption of a kind the checker must flag is injected.
// Deterministic in the seed: the PRNG is splitmix64, with no std
// distributions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "checker/history.h"

namespace kafkasim::checker {

enum class Fault {
  none,
  lost_write,    // an ok send is acknowledged but never visible: lost-write
  duplicate,     // an ok send is appended twice: duplicate
  wrong_offset,  // an ok send is acknowledged with another value's offset:
                 // inconsistent-offsets
  swapped_pair,  // one poll returns two adjacent records swapped:
                 // int-nonmonotonic-poll
  failed_read,   // a failed send is visible nonetheless: G1a
};

struct SyntheticOptions {
  std::uint64_t seed = 1;
  std::size_t ops = 1000;  // ops before the final reads (approximate)
  std::size_t keys = 4;
  std::size_t threads = 5;
  bool txn = false;  // transactions mixing sends and polls, with markers
  Fault fault = Fault::none;
};

struct Synthetic {
  History history;
  bool injected = false;  // the fault found a place to go
  std::string detail;     // where the fault went, for test messages
};

Synthetic synthetic_history(const SyntheticOptions& opts);

// splitmix64: a small, fast PRNG with a fixed, documented output.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n), n > 0 (Lemire's multiply-shift, bias < n / 2^64).
  std::uint64_t below(std::uint64_t n) {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }
  // True with probability percent / 100.
  bool chance(unsigned percent) { return below(100) < percent; }

 private:
  std::uint64_t s_;
};

}  // namespace kafkasim::checker
