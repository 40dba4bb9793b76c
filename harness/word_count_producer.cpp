// The sentence producers: each sends a sentence of words_per_sentence
// words, drawn from the vocabulary w0..w(N-1) with the run's "workload"
// stream, to a random partition of `sentences` every
// producers / sentences_per_s seconds. Idempotent producers with acks=all;
// a send that is known to have failed is sent again under the same id, one
// whose outcome is unknown is left so (the checker allows either).
#include "broker-model/producer.h"
#include "harness/word_count_shared.h"

namespace kafkasim::harness::word_count {

namespace {

kafka::Config producer_config() {
  return kafka::Config::resolve(kafka::Scope::producer, nlohmann::json{{"acks", -1}, {"enable.idempotence", true}},
                                "workload.producer");
}

std::string join(const std::vector<std::string>& words) {
  std::string s;
  for (const std::string& w : words) s += (s.empty() ? "" : " ") + w;
  return s;
}

}  // namespace

void producer_program(const std::shared_ptr<Shared>& shared, sim::Node& n, const std::string& name) {
  auto producer = std::make_shared<kafka::Producer>(n, shared->bootstrap, producer_config());
  n.set_state(producer);
  kafka::Producer* p = producer.get();
  const sim::Duration interval = static_cast<sim::Duration>(
      1e9 * static_cast<double>(shared->spec.producers) / shared->spec.sentences_per_s);
  n.spawn("sentences", [shared, p, name, interval, &n] {
    const WordCountSpec& spec = shared->spec;
    for (;;) {
      sim::sleep_for(interval);
      if (shared->final_reads || (spec.sentences > 0 && shared->sentences_sent >= spec.sentences)) break;
      shared->sentences_sent++;
      const std::string id = name + ":" + std::to_string(shared->next_sentence[name]++);
      checker::WordCountSentence sentence{id, {}, false};
      for (int i = 0; i < spec.words_per_sentence; ++i) {
        sentence.words.push_back("w" + std::to_string(shared->rng.below(static_cast<uint64_t>(spec.vocabulary))));
      }
      const kafka::TopicPartition tp{
          kSentencesTopic,
          static_cast<int>(shared->rng.below(static_cast<uint64_t>(shared->partitions.at(kSentencesTopic))))};
      const std::string value = "id=" + id + ";words=" + join(sentence.words);
      shared->sentences[id] = Shared::Sentence{std::move(sentence), -1};
      n.spawn("sentence " + id, [shared, p, name, tp, id, value] {
        for (;;) {
          shared->stats.sent++;
          auto delivery = p->send(tp, name, value);
          delivery->wait();
          const auto status = delivery->report().status;
          if (status == kafka::DeliveryReport::Status::kPersisted) {
            shared->stats.acked++;
            shared->sentences.at(id).acked_at = sim::now();
            return;
          }
          if (status == kafka::DeliveryReport::Status::kPossiblyPersisted) return;
          sim::sleep_for(sim::milliseconds(200));
        }
      });
    }
  });
}

}  // namespace kafkasim::harness::word_count
