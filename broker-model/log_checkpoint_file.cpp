#include "broker-model/log_checkpoint_file.h"

#include <charconv>
#include <stdexcept>

#include "sim/disk.h"

namespace kafkasim::kafka {

namespace {

std::optional<int64_t> parse_int(std::string_view text) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(separator, start);
    parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

[[noreturn]] void malformed(const std::string& name, const std::string& why) {
  throw std::runtime_error("malformed checkpoint file " + name + ": " + why);
}

}  // namespace

void write_checkpoint_file(sim::Disk& disk, const std::string& name, int32_t version,
                           const std::vector<std::string>& entries) {
  std::string text = std::to_string(version) + "\n" + std::to_string(entries.size()) + "\n";
  for (const std::string& entry : entries) {
    if (entry.find('\n') != std::string::npos) throw std::logic_error("checkpoint entry with a newline");
    text += entry;
    text += '\n';
  }
  const std::string temp = name + ".tmp";
  disk.write_file(temp, text);
  disk.flush(temp);
  disk.rename(temp, name);
}

std::optional<std::vector<std::string>> read_checkpoint_file(const sim::Disk& disk, const std::string& name,
                                                             int32_t version) {
  if (!disk.exists(name)) return std::nullopt;
  std::string_view text = disk.read(name);
  if (text.empty() || text.back() != '\n') malformed(name, "does not end with a newline");
  text.remove_suffix(1);
  std::vector<std::string_view> lines = split(text, '\n');
  if (lines.size() < 2) malformed(name, "no version and count lines");
  if (parse_int(lines[0]) != version) malformed(name, "version is not " + std::to_string(version));
  const std::optional<int64_t> count = parse_int(lines[1]);
  if (!count || *count != static_cast<int64_t>(lines.size() - 2)) malformed(name, "entry count does not match");
  return std::vector<std::string>(lines.begin() + 2, lines.end());
}

std::optional<std::vector<int64_t>> parse_checkpoint_entry(std::string_view entry, size_t count) {
  std::vector<std::string_view> fields = split(entry, ' ');
  if (fields.size() != count) return std::nullopt;
  std::vector<int64_t> values;
  values.reserve(count);
  for (std::string_view field : fields) {
    std::optional<int64_t> v = parse_int(field);
    if (!v) return std::nullopt;
    values.push_back(*v);
  }
  return values;
}

}  // namespace kafkasim::kafka
