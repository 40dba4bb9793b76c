#include "checker/word_count.h"

#include <map>

namespace kafkasim::checker {

const std::vector<std::string>& word_count_anomaly_names() {
  static const std::vector<std::string> names = {"double-count", "lost-count"};
  return names;
}

namespace {

struct Expected {
  std::int64_t min = 0;  // occurrences in acknowledged sentences
  std::int64_t max = 0;  // occurrences in every sentence sent
};

struct Found {
  const WordCountRecord* last = nullptr;
  const WordCountRecord* first_above = nullptr;  // set once max is known
};

}  // namespace

Verdict check_word_count(const WordCountRun& run, const WordCountOptions& options) {
  std::map<std::string, Expected> expected;
  for (const WordCountSentence& s : run.sentences) {
    for (const std::string& w : s.words) {
      Expected& e = expected[w];
      e.max++;
      if (s.acknowledged) e.min++;
    }
  }
  std::map<std::string, Found> found;
  for (const WordCountRecord& r : run.records) {
    Found& f = found[r.word];
    f.last = &r;
    auto e = expected.find(r.word);
    const std::int64_t max = e == expected.end() ? 0 : e->second.max;
    if (!f.first_above && r.count > max) f.first_above = &r;
  }
  // Words with output but no input are counted against an expectation of 0.
  for (const auto& [word, f] : found) expected.try_emplace(word);

  Verdict v;
  for (const auto& [word, e] : expected) {
    auto it = found.find(word);
    const WordCountRecord* last = it == found.end() ? nullptr : it->second.last;
    const std::int64_t count = last ? last->count : 0;
    if (count >= e.min && count <= e.max) continue;
    nlohmann::json w = {{"word", word},
                        {"expected", {{"min", e.min}, {"max", e.max}}},
                        {"found", last ? nlohmann::json(count) : nlohmann::json(nullptr)},
                        {"partition", last ? nlohmann::json(last->partition) : nlohmann::json(nullptr)},
                        {"offset", last ? nlohmann::json(last->offset) : nlohmann::json(nullptr)}};
    if (count > e.max) {
      w["first_above_max_offset"] = it->second.first_above->offset;
      v.anomalies["double-count"].push_back(std::move(w));
    } else {
      v.anomalies["lost-count"].push_back(std::move(w));
    }
  }
  v.allowed = options.allow;
  for (const auto& [name, witnesses] : v.anomalies) {
    if (!witnesses.empty() && !options.allow.count(name)) v.valid = false;
  }
  v.stats.ops = run.sentences.size() + run.records.size();
  v.stats.keys = expected.size();
  v.stats.values = run.records.size();
  return v;
}

}  // namespace kafkasim::checker
