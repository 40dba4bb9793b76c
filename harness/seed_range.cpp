#include "harness/seed_range.h"

#include <charconv>
#include <stdexcept>

namespace kafkasim::harness {
namespace {

template <typename T>
std::optional<T> fail(std::string* error, std::string why) {
  if (error) *error = std::move(why);
  return std::nullopt;
}

std::string quoted(std::string_view s) {
  std::string out(1, '"');
  out.append(s);
  out.push_back('"');
  return out;
}

}  // namespace

std::optional<std::uint64_t> parse_seed(std::string_view text, std::string* error) {
  if (text.empty()) return fail<std::uint64_t>(error, "expected a seed (a number from 0 to 2^64-1), got nothing");
  if (text.find_first_not_of("0123456789") != std::string_view::npos) {
    return fail<std::uint64_t>(error, "expected a seed (a number from 0 to 2^64-1), got " + quoted(text));
  }
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc::result_out_of_range) {
    return fail<std::uint64_t>(error, "seed " + std::string(text) + " is larger than 2^64-1");
  }
  if (ec != std::errc() || end != text.data() + text.size()) {
    return fail<std::uint64_t>(error, "expected a seed (a number from 0 to 2^64-1), got " + quoted(text));
  }
  return value;
}

std::optional<SeedRange> parse_seed_range(std::string_view text, std::string* error) {
  const auto dots = text.find("..");
  if (dots == std::string_view::npos) {
    return fail<SeedRange>(error, "expected seeds as A..B (e.g. 1..1000), got " + quoted(text));
  }
  std::string why;
  auto first = parse_seed(text.substr(0, dots), &why);
  if (!first) return fail<SeedRange>(error, "in " + quoted(text) + ": " + why);
  auto last = parse_seed(text.substr(dots + 2), &why);
  if (!last) return fail<SeedRange>(error, "in " + quoted(text) + ": " + why);
  if (*first > *last) {
    return fail<SeedRange>(error, "empty seed range " + quoted(text) + ": " + std::to_string(*first) +
                                      " is greater than " + std::to_string(*last));
  }
  return SeedRange{*first, *last};
}

std::optional<Shard> parse_shard(std::string_view text, std::string* error) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    return fail<Shard>(error, "expected a shard as K/N (e.g. 2/8), got " + quoted(text));
  }
  std::string why;
  auto k = parse_seed(text.substr(0, slash), &why);
  auto n = parse_seed(text.substr(slash + 1), &why);
  if (!k || !n) return fail<Shard>(error, "expected a shard as K/N with numbers K and N, got " + quoted(text));
  if (*n == 0) return fail<Shard>(error, "shard " + quoted(text) + ": N must be at least 1");
  if (*k == 0 || *k > *n) {
    return fail<Shard>(error, "shard " + quoted(text) + ": K must be from 1 to N = " + std::to_string(*n));
  }
  return Shard{*k, *n};
}

std::vector<std::uint64_t> shard_seeds(const SeedRange& range, const Shard& shard, std::uint64_t limit) {
  // Index i = seed - first; keep i with i mod N == K-1: i = K-1, K-1+N, ...
  const std::uint64_t span = range.last - range.first;  // last index
  const std::uint64_t offset = shard.index - 1;
  if (offset > span) return {};
  const std::uint64_t steps = (span - offset) / shard.count;  // count - 1; count may be 2^64
  if (steps >= limit) {
    throw std::length_error("the sweep has more than " + std::to_string(limit) + " seeds");
  }
  const std::uint64_t count = steps + 1;
  std::vector<std::uint64_t> seeds;
  seeds.reserve(static_cast<std::size_t>(count));
  for (std::uint64_t j = 0; j < count; ++j) seeds.push_back(range.first + offset + j * shard.count);
  return seeds;
}

}  // namespace kafkasim::harness
