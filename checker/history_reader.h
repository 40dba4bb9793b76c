// Reading histories from JSON Lines (SPEC.md §4), one op per line, streamed:
// each line is parsed straight into a History and then dropped.
//
// Accepted, per line: a JSON object with
//   "type"   one of invoke, ok, fail, info (required);
//   "f"      a string (required); send, poll, txn, assign, subscribe are
//            analysed, any other f is kept as OpFn::other and its value
//            ignored;
//   "index"  a non-negative integer, strictly increasing (default: the
//            previous op's index + 1);
//   "time"   an integer or null (default -1);
//   "process" an integer (required for the five client fs);
//   "value"  for send/poll/txn a list of micro-ops ["send", KEY, VALUE],
//            ["send", KEY, [OFFSET, VALUE]], ["poll"] or
//            ["poll", {KEY: [[OFFSET, VALUE], ...]}] (OFFSET may be null;
//            a send op holds only sends, a poll op only polls); for
//            assign/subscribe a list of KEYs; may be null or absent unless
//            the op is ok;
//   "rebalance-log" optional, Jepsen's list of {"keys": [KEY, ...]}.
// KEY is a string or an integer (its decimal string); VALUE an integer or a
// string. Other fields are ignored. Blank lines are skipped.
#pragma once

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "checker/history.h"

namespace kafkasim::checker {

// A history that cannot be read. what() is "FILE:LINE: DETAIL" (or
// "FILE: DETAIL" when no line is at fault, e.g. the file cannot be opened).
class HistoryError : public std::runtime_error {
 public:
  HistoryError(std::string file, std::size_t line, std::string detail);
  const std::string& file() const { return file_; }
  std::size_t line() const { return line_; }  // 1-based; 0 for the whole file
  const std::string& detail() const { return detail_; }

 private:
  std::string file_;
  std::size_t line_;
  std::string detail_;
};

// Throws HistoryError.
History read_history_file(const std::string& path);
// Reads `text` as the contents of a file called `name`. Throws HistoryError.
History read_history_string(std::string_view text, const std::string& name = "<string>");

// Incremental reading, for callers that own the input loop.
class HistoryReader {
 public:
  explicit HistoryReader(std::string name);
  ~HistoryReader();
  HistoryReader(const HistoryReader&) = delete;
  HistoryReader& operator=(const HistoryReader&) = delete;

  // Parses line number `line_no` (1-based). Throws HistoryError.
  void line(std::string_view text, std::size_t line_no);
  History finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kafkasim::checker
