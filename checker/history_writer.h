// Writing a History as JSON Lines in the format history_reader.h reads
// (SPEC.md §4). Reading the output back gives an equal History, except that
// keys are written as strings, an f the checker ignores is written as
// "other", and "time"/"process" are omitted where absent.
#pragma once

#include <ostream>
#include <string>

#include "checker/history.h"

namespace kafkasim::checker {

void write_history_jsonl(const History& h, std::ostream& out);
// Appends op `pos` as one JSON line (with its newline) to `line`.
void append_op_jsonl(const History& h, std::size_t pos, std::string& line);

}  // namespace kafkasim::checker
