// The checker's public headers, all in one.
#pragma once

#include "checker/check.h"           // Options, Verdict, check, to_json, summary
#include "checker/history.h"         // History and its builder
#include "checker/history_reader.h"  // read_history_file, HistoryError
#include "checker/history_writer.h"  // write_history_jsonl
