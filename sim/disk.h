// A node's disk, with the page cache made explicit (after LevelDB's
// fault-injection Env, which tracks each file's position at its last sync).
//
// Every write lands in the page cache at once and becomes durable only when
// the file is flushed (fsync). A process crash keeps the page cache: the
// next incarnation reads everything written. A power loss drops what was not
// flushed; with `torn`, a random prefix of the unflushed appends survives,
// which can cut the last record in half.
//
// Directory operations (create, rename, remove) are durable at once, as on a
// journaling file system with ordered metadata; a created file's contents
// are not: after a power loss it exists, empty or torn.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace kafkasim::sim {

class Prng;

class Disk {
 public:
  bool exists(const std::string& name) const { return files_.count(name) != 0; }
  // Size in the page cache (what a reader sees). 0 when absent.
  uint64_t size(const std::string& name) const;
  // The whole file as a reader sees it. Empty when absent.
  const std::string& read(const std::string& name) const;
  // Names starting with `prefix`, in lexicographic order.
  std::vector<std::string> list(std::string_view prefix = {}) const;

  void append(const std::string& name, std::string_view data);
  // Replaces the file's contents (creating it if needed).
  void write_file(const std::string& name, std::string_view data);
  // Cuts the file to `size` bytes. REQUIRES: size <= size(name).
  void truncate(const std::string& name, uint64_t size);
  void flush(const std::string& name);
  void flush_all();
  void remove(const std::string& name);
  // Atomically moves `from` to `to`, replacing `to`. The durable contents
  // move with it.
  void rename(const std::string& from, const std::string& to);

  // Power loss: every file goes back to its durable contents; with `tear`,
  // a random prefix of each file's unflushed appends survives.
  void lose_unflushed(Prng* tear);

  uint64_t unflushed_bytes(const std::string& name) const;
  uint64_t flush_count() const { return flushes_; }

 private:
  struct File {
    std::string data;             // the page cache
    uint64_t durable_size = 0;    // data[0, durable_size) is durable ...
    bool appends_only = true;     // ... while only appends happened since the flush
    std::string durable;          // otherwise the durable contents are here
  };
  File& open(const std::string& name);
  static void make_nonappend(File& f);

  std::map<std::string, File> files_;
  uint64_t flushes_ = 0;
};

}  // namespace kafkasim::sim
