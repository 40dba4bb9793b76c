// Deterministic randomness for the simulated world.
//
// Algorithm (fixed and documented in docs/determinism.md, so that a seed
// means the same run on every build and every standard library):
//   - the generator is xoshiro256** 1.0 (Blackman & Vigna, 2018);
//   - its 256-bit state is filled from a 64-bit seed with SplitMix64;
//   - a sub-stream for a named subsystem ("network", "nemesis", "node/broker-1")
//     is seeded with splitmix64(seed ^ fnv1a64(name)), so adding a draw in one
//     subsystem never reshuffles another;
//   - bounded integers use Lemire's multiply-and-reject method on 64 bits, so
//     the result is exactly uniform and never depends on <random>.
#pragma once

#include <cstdint>
#include <string_view>

namespace kafkasim::sim {

// One step of SplitMix64: advances *state and returns the mixed output.
uint64_t splitmix64(uint64_t* state);

// FNV-1a 64-bit hash of a string; used only to name sub-streams.
uint64_t fnv1a64(std::string_view text);

// The seed of the sub-stream `name` of a run seeded with `seed`.
uint64_t derive_seed(uint64_t seed, std::string_view name);

class Prng {
 public:
  explicit Prng(uint64_t seed = 0) { reseed(seed); }

  void reseed(uint64_t seed);

  // A sub-stream independent of this one's position.
  static Prng stream(uint64_t run_seed, std::string_view name) {
    return Prng(derive_seed(run_seed, name));
  }

  uint64_t next_u64();

  // Uniform in [0, bound). REQUIRES: bound > 0.
  uint64_t below(uint64_t bound);

  // Uniform in [lo, hi], both inclusive. REQUIRES: lo <= hi.
  int64_t between(int64_t lo, int64_t hi);

  // True with probability numerator/denominator. REQUIRES: denominator > 0.
  bool chance(uint64_t numerator, uint64_t denominator);

  // Uniform double in [0, 1) with 53 random bits.
  double unit();

 private:
  uint64_t s_[4];
};

}  // namespace kafkasim::sim
