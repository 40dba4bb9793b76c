#include "broker-model/crc32c.h"

#include <array>

namespace kafkasim::kafka {

namespace {

constexpr uint32_t kReflectedPolynomial = 0x82F63B78u;

constexpr std::array<uint32_t, 256> make_table() {
  std::array<uint32_t, 256> table{};
  for (uint32_t byte = 0; byte < 256; ++byte) {
    uint32_t crc = byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1u) ? kReflectedPolynomial : 0u);
    table[byte] = crc;
  }
  return table;
}

constexpr std::array<uint32_t, 256> kTable = make_table();

}  // namespace

uint32_t crc32c_extend(uint32_t crc, std::string_view data) {
  uint32_t state = ~crc;
  for (unsigned char c : data) state = kTable[(state ^ c) & 0xFFu] ^ (state >> 8);
  return ~state;
}

uint32_t crc32c(std::string_view data) { return crc32c_extend(0, data); }

}  // namespace kafkasim::kafka
