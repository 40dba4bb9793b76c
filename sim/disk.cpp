#include "sim/disk.h"

#include "sim/random.h"

namespace kafkasim::sim {

namespace {
const std::string kEmpty;
}

uint64_t Disk::size(const std::string& name) const {
  auto it = files_.find(name);
  return it == files_.end() ? 0 : it->second.data.size();
}

const std::string& Disk::read(const std::string& name) const {
  auto it = files_.find(name);
  return it == files_.end() ? kEmpty : it->second.data;
}

std::vector<std::string> Disk::list(std::string_view prefix) const {
  std::vector<std::string> names;
  for (auto it = files_.lower_bound(std::string(prefix)); it != files_.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    names.push_back(it->first);
  }
  return names;
}

Disk::File& Disk::open(const std::string& name) {
  return files_[name];
}

void Disk::make_nonappend(File& f) {
  if (!f.appends_only) return;
  f.durable = f.data.substr(0, f.durable_size);
  f.appends_only = false;
}

void Disk::append(const std::string& name, std::string_view data) { open(name).data.append(data); }

void Disk::write_file(const std::string& name, std::string_view data) {
  File& f = open(name);
  make_nonappend(f);
  f.data.assign(data);
}

void Disk::truncate(const std::string& name, uint64_t size) {
  File& f = open(name);
  if (size >= f.data.size()) return;
  if (size < f.durable_size || !f.appends_only) make_nonappend(f);
  f.data.resize(size);
}

void Disk::flush(const std::string& name) {
  auto it = files_.find(name);
  if (it == files_.end()) return;
  File& f = it->second;
  f.durable_size = f.data.size();
  f.appends_only = true;
  f.durable.clear();
  f.durable.shrink_to_fit();
  ++flushes_;
}

void Disk::flush_all() {
  for (auto& [name, f] : files_) flush(name);
}

void Disk::remove(const std::string& name) { files_.erase(name); }

void Disk::rename(const std::string& from, const std::string& to) {
  auto it = files_.find(from);
  if (it == files_.end() || from == to) return;
  File moved = std::move(it->second);
  files_.erase(it);
  files_[to] = std::move(moved);
}

uint64_t Disk::unflushed_bytes(const std::string& name) const {
  auto it = files_.find(name);
  if (it == files_.end()) return 0;
  const File& f = it->second;
  if (!f.appends_only) return f.data.size();
  return f.data.size() - f.durable_size;
}

void Disk::lose_unflushed(Prng* tear) {
  for (auto& [name, f] : files_) {
    if (f.appends_only) {
      uint64_t keep = f.durable_size;
      const uint64_t unflushed = f.data.size() - f.durable_size;
      if (tear != nullptr && unflushed > 0) keep += tear->below(unflushed + 1);
      f.data.resize(keep);
    } else {
      f.data = std::move(f.durable);
      f.appends_only = true;
    }
    f.durable_size = f.data.size();
    f.durable.clear();
  }
}

}  // namespace kafkasim::sim
