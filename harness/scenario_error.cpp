#include "harness/scenario_error.h"

namespace kafkasim::harness {
namespace {

std::string compose(const std::string& file, const std::string& path, const std::string& message,
                    std::size_t line, std::size_t column) {
  std::string out = file;
  if (line > 0) out.append(":").append(std::to_string(line)).append(":").append(std::to_string(column));
  out.append(": ");
  if (!path.empty()) out.append(path).append(": ");
  return out.append(message);
}

}  // namespace

ScenarioError::ScenarioError(std::string file, std::string path, std::string message,
                             std::size_t line, std::size_t column)
    : std::runtime_error(compose(file, path, message, line, column)),
      file_(std::move(file)),
      path_(std::move(path)),
      message_(std::move(message)),
      line_(line),
      column_(column) {}

}  // namespace kafkasim::harness
