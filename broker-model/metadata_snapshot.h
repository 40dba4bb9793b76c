// A snapshot of the metadata log (KIP-630): the records that rebuild the
// metadata image of the committed log below `end_offset`, whose last entry
// has quorum epoch `last_epoch`. A voter writes one when its log has grown
// past metadata.log.max.record.bytes.between.snapshots since the last, and
// then deletes the log below it; a voter or broker whose fetch offset is
// below the leader's log start offset loads the leader's snapshot instead
// (FetchSnapshot).
//
// On disk: one JSON object, written to a temporary file, flushed and
// renamed over the previous snapshot, so a crash leaves the old or the new
// one whole.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "broker-model/metadata.h"
#include "sim/disk.h"

namespace kafkasim::kafka {

struct MetadataSnapshot {
  int64_t end_offset = 0;
  int32_t last_epoch = 0;
  std::vector<MetadataRecord> records;

  static MetadataSnapshot of(const MetadataImage& image, int32_t last_epoch);
  MetadataImage image() const { return MetadataImage::from_snapshot(end_offset, records); }

  // Durably replaces the snapshot stored at `path`.
  void store(sim::Disk& disk, const std::string& path) const;
  // The snapshot stored at `path`, or nullopt when there is none (or it is
  // unreadable: a snapshot is only visible once renamed into place).
  static std::optional<MetadataSnapshot> load(const sim::Disk& disk, const std::string& path);
};

}  // namespace kafkasim::kafka
