// CRC-32C (Castagnoli): the checksum Kafka's v2 record batches carry.
//
// Polynomial 0x1EDC6F41 (reflected 0x82F63B78), initial value and final xor
// 0xFFFFFFFF, reflected input and output (RFC 3720 appendix B.4). Table-driven,
// one byte a step; the same value on every platform and build.
#pragma once

#include <cstdint>
#include <string_view>

namespace kafkasim::kafka {

// The CRC-32C of `data`. crc32c("123456789") == 0xE3069283.
uint32_t crc32c(std::string_view data);

// The CRC-32C of A followed by `data`, given crc == crc32c(A). Lets a caller
// checksum a message in pieces: crc32c_extend(crc32c(a), b) == crc32c(a + b).
uint32_t crc32c_extend(uint32_t crc, std::string_view data);

}  // namespace kafkasim::kafka
