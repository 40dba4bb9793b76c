// Kafka's checkpoint files (org.apache.kafka.server.common.CheckpointFile),
// used for the leader-epoch checkpoint and the replication-offset (high
// watermark) checkpoint. Text: a version line, an entry-count line, then one
// entry a line, its fields separated by single spaces:
//   0
//   2
//   0 0
//   3 120
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kafkasim::sim {
class Disk;
}

namespace kafkasim::kafka {

// Replaces checkpoint `name` with `entries` as Kafka does: writes
// "<name>.tmp", flushes it, renames it over `name`.
// ENSURES: the new contents are durable; a power loss at any moment leaves
// the old or the new checkpoint, whole, never a mix.
// REQUIRES: no entry contains a newline.
void write_checkpoint_file(sim::Disk& disk, const std::string& name, int32_t version,
                           const std::vector<std::string>& entries);

// The entries of checkpoint `name`; nullopt when the file does not exist.
// Throws std::runtime_error when it is malformed (another version, a count
// that does not match): Kafka then takes the log directory offline.
std::optional<std::vector<std::string>> read_checkpoint_file(const sim::Disk& disk, const std::string& name,
                                                             int32_t version);

// The space-separated fields of one entry, each parsed as a decimal integer;
// nullopt when there are not exactly `count` of them or one is not a number.
std::optional<std::vector<int64_t>> parse_checkpoint_entry(std::string_view entry, size_t count);

}  // namespace kafkasim::kafka
