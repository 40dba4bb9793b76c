// Scenario text to JSON, safely: whatever the bytes, the result is a JSON
// document or a ScenarioError, never a crash or a deep recursion.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace kafkasim::harness {

// Checks, in order: not empty, valid UTF-8, nesting at most `max_depth`
// (a non-recursive scan, before the recursive parser sees the text), JSON
// syntax, no key twice in one object. Errors carry the line and column of
// the offending byte (syntax) or the JSON path (duplicate key).
// Throws ScenarioError.
nlohmann::json parse_json_text(std::string_view text, const std::string& display_name,
                               std::size_t max_depth);

}  // namespace kafkasim::harness
