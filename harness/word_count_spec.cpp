#include "harness/word_count_spec.h"

#include "harness/spec_json.h"

namespace kafkasim::harness {

nlohmann::json to_json(const WordCountSpec& w) {
  return {{"producers", w.producers},   {"instances", w.instances},   {"sentences_per_s", w.sentences_per_s},
          {"sentences", w.sentences},   {"vocabulary", w.vocabulary}, {"words_per_sentence", w.words_per_sentence},
          {"commit_interval_ms", w.commit_interval_ms}};
}

nlohmann::ordered_json non_default_json(const WordCountSpec& w) { return non_default_keys(to_json(w), to_json(WordCountSpec{})); }

WordCountSpec word_count_spec_from_json(const nlohmann::json& j) {
  WordCountSpec w;
  w.producers = j.value("producers", w.producers);
  w.instances = j.value("instances", w.instances);
  w.sentences_per_s = j.value("sentences_per_s", w.sentences_per_s);
  w.sentences = j.value("sentences", w.sentences);
  w.vocabulary = j.value("vocabulary", w.vocabulary);
  w.words_per_sentence = j.value("words_per_sentence", w.words_per_sentence);
  w.commit_interval_ms = j.value("commit_interval_ms", w.commit_interval_ms);
  return w;
}

}  // namespace kafkasim::harness
