// Seed sweeps of `kafkasim run` (SPEC.md §1): `--seeds A..B` names the
// seeds A to B inclusive; `--shard K/N` keeps the seeds whose index in the
// range (0 for A) mod N is K-1, so that N machines split one sweep with no
// overlap and no gap.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kafkasim::harness {

// An inclusive range of seeds. INVARIANT: first <= last.
struct SeedRange {
  std::uint64_t first = 0;
  std::uint64_t last = 0;
  // How many seeds; 2^64 does not fit, so the full range saturates.
  std::uint64_t size() const { return last - first == UINT64_MAX ? UINT64_MAX : last - first + 1; }
  bool operator==(const SeedRange&) const = default;
};

// Shard K of N, 1 <= K <= N.
struct Shard {
  std::uint64_t index = 1;  // K
  std::uint64_t count = 1;  // N
  bool operator==(const Shard&) const = default;
};

// A decimal seed 0 to 2^64-1: digits only, no sign, no spaces. On failure
// returns nullopt and sets *error to a message for a human.
std::optional<std::uint64_t> parse_seed(std::string_view text, std::string* error = nullptr);
// "A..B" with A <= B.
std::optional<SeedRange> parse_seed_range(std::string_view text, std::string* error = nullptr);
// "K/N" with 1 <= K <= N.
std::optional<Shard> parse_shard(std::string_view text, std::string* error = nullptr);

// The seeds of `range` that belong to `shard`, in increasing order.
// REQUIRES: the result has at most `limit` seeds (else std::length_error),
// so a typo like 1..1000000000000 fails fast instead of exhausting memory.
std::vector<std::uint64_t> shard_seeds(const SeedRange& range, const Shard& shard,
                                       std::uint64_t limit = 100'000'000);

}  // namespace kafkasim::harness
