#include "harness/atomic_file.h"

#include <unistd.h>

#include <fstream>
#include <stdexcept>

namespace kafkasim::harness {

void write_file_atomically(const std::filesystem::path& path, const std::string& text) {
  namespace fs = std::filesystem;
  const fs::path tmp = path.parent_path() / ("." + path.filename().string() + ".tmp-" + std::to_string(::getpid()));
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  std::error_code ec;
  if (!out) {
    fs::remove(tmp, ec);
    throw std::runtime_error("cannot write " + tmp.string());
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp);
    throw fs::filesystem_error("cannot rename into place", tmp, path, ec);
  }
}

}  // namespace kafkasim::harness
