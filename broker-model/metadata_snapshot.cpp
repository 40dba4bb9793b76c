#include "broker-model/metadata_snapshot.h"

#include <nlohmann/json.hpp>

namespace kafkasim::kafka {

MetadataSnapshot MetadataSnapshot::of(const MetadataImage& image, int32_t last_epoch) {
  return MetadataSnapshot{image.next_offset(), last_epoch, image.snapshot_records()};
}

void MetadataSnapshot::store(sim::Disk& disk, const std::string& path) const {
  nlohmann::json j;
  j["end_offset"] = end_offset;
  j["last_epoch"] = last_epoch;
  nlohmann::json records = nlohmann::json::array();
  for (const MetadataRecord& r : this->records) records.push_back(r.to_json());
  j["records"] = std::move(records);
  const std::string tmp = path + ".tmp";
  disk.write_file(tmp, j.dump());
  disk.flush(tmp);
  disk.rename(tmp, path);
}

std::optional<MetadataSnapshot> MetadataSnapshot::load(const sim::Disk& disk, const std::string& path) {
  if (!disk.exists(path)) return std::nullopt;
  try {
    const nlohmann::json j = nlohmann::json::parse(disk.read(path));
    MetadataSnapshot s;
    s.end_offset = j.at("end_offset").get<int64_t>();
    s.last_epoch = j.at("last_epoch").get<int32_t>();
    for (const auto& r : j.at("records")) s.records.push_back(MetadataRecord::from_json(r));
    return s;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace kafkasim::kafka
