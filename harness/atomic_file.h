// Writing a file so that readers never see it half-written: the text goes
// to a temporary file beside it (named after this process), which is then
// renamed over `path`.
#pragma once

#include <filesystem>
#include <string>

namespace kafkasim::harness {

// Throws std::runtime_error (std::filesystem::filesystem_error) on I/O
// errors; the temporary file is removed then.
void write_file_atomically(const std::filesystem::path& path, const std::string& text);

}  // namespace kafkasim::harness
