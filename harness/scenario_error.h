// The one error a scenario file can raise: bad input, exit status 2
// (SPEC.md §1). what() names the file, the place and the problem:
//   leader-failover.json: topics[0].replication_factor: 4 is more than the 3 brokers
//   leader-failover.json:3:17: invalid JSON: syntax error ...
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace kafkasim::harness {

class ScenarioError : public std::runtime_error {
 public:
  // `path`: the JSON path of the offending value, "" for the file as a
  // whole. `line`, `column` (1-based, 0: unknown): a place in the text.
  ScenarioError(std::string file, std::string path, std::string message, std::size_t line = 0,
                std::size_t column = 0);

  const std::string& file() const { return file_; }
  const std::string& path() const { return path_; }
  const std::string& message() const { return message_; }
  std::size_t line() const { return line_; }
  std::size_t column() const { return column_; }

 private:
  std::string file_;
  std::string path_;
  std::string message_;
  std::size_t line_;
  std::size_t column_;
};

}  // namespace kafkasim::harness
