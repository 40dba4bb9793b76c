#include "broker-model/offset_store.h"

#include <nlohmann/json.hpp>

namespace kafkasim::kafka {
namespace {

using json = nlohmann::json;

// Keys and values are JSON text (Kafka uses versioned binary schemas; the
// model only needs them to round-trip).
json tp_json(const TopicPartition& tp) { return json::array({tp.topic, tp.partition}); }
TopicPartition tp_from(const json& j) { return TopicPartition{j.at(0).get<std::string>(), j.at(1).get<int32_t>()}; }

json tps_json(const std::vector<TopicPartition>& tps) {
  json a = json::array();
  for (const auto& tp : tps) a.push_back(tp_json(tp));
  return a;
}
std::vector<TopicPartition> tps_from(const json& j) {
  std::vector<TopicPartition> out;
  for (const auto& e : j) out.push_back(tp_from(e));
  return out;
}

json subscription_json(const Subscription& s) {
  return json{{"topics", s.topics}, {"owned", tps_json(s.owned_partitions)}, {"generation", s.generation}};
}
Subscription subscription_from(const json& j) {
  Subscription s;
  s.topics = j.at("topics").get<std::vector<std::string>>();
  s.owned_partitions = tps_from(j.at("owned"));
  s.generation = j.at("generation").get<int32_t>();
  return s;
}

}  // namespace

int32_t offsets_partition_for(const std::string& group_id, int32_t partitions) {
  int32_t h = 0;
  for (unsigned char c : group_id) h = static_cast<int32_t>(static_cast<uint32_t>(h) * 31u + c);
  // Kafka's Utils.abs: Integer.MIN_VALUE maps to 0.
  const int32_t abs = h == INT32_MIN ? 0 : (h < 0 ? -h : h);
  return partitions <= 0 ? 0 : abs % partitions;
}

void OffsetStore::apply(const TopicPartition& tp, const CommittedOffset& c) {
  auto it = offsets_.find(tp);
  if (it != offsets_.end() && it->second.record_offset > c.record_offset) return;
  offsets_[tp] = c;
}

std::optional<CommittedOffset> OffsetStore::get(const TopicPartition& tp) const {
  auto it = offsets_.find(tp);
  if (it == offsets_.end()) return std::nullopt;
  return it->second;
}

void OffsetStore::add_pending(int64_t producer_id, const TopicPartition& tp, const CommittedOffset& c) {
  pending_[producer_id][tp] = c;
}

void OffsetStore::complete_txn(int64_t producer_id, bool commit) {
  auto it = pending_.find(producer_id);
  if (it == pending_.end()) return;
  if (commit) {
    for (const auto& [tp, c] : it->second) apply(tp, c);
  }
  pending_.erase(it);
}

bool OffsetStore::has_pending(const TopicPartition& tp) const {
  for (const auto& [pid, offsets] : pending_) {
    if (offsets.count(tp)) return true;
  }
  return false;
}

Record encode(const OffsetCommitRecord& r) {
  Record rec;
  rec.key = json{{"offset", json::array({r.group_id, r.tp.topic, r.tp.partition})}}.dump();
  rec.value = json{{"offset", r.offset}, {"leader_epoch", r.leader_epoch}}.dump();
  return rec;
}

Record encode_group(const GroupMetadata& group) {
  Record rec;
  rec.key = json{{"group", group.group_id()}}.dump();
  json members = json::array();
  for (const auto& [id, m] : group.members()) {
    const Subscription* s = m.metadata_for(group.protocol());
    members.push_back(json{{"member_id", id},
                           {"client_id", m.client_id},
                           {"session_timeout_ms", m.session_timeout_ms},
                           {"rebalance_timeout_ms", m.rebalance_timeout_ms},
                           {"subscription", subscription_json(s ? *s : Subscription{})},
                           {"assignment", tps_json(m.assignment)}});
  }
  rec.value = json{{"generation", group.generation()},
                   {"protocol", group.protocol()},
                   {"leader", group.leader()},
                   {"members", members}}
                  .dump();
  return rec;
}

OffsetsTopicRecord decode(const Record& record) {
  const json key = json::parse(record.key, nullptr, /*allow_exceptions=*/false);
  const json value = json::parse(record.value, nullptr, /*allow_exceptions=*/false);
  if (!key.is_object() || !value.is_object()) return std::monostate{};
  try {
    if (key.contains("offset")) {
      const json& k = key.at("offset");
      OffsetCommitRecord r;
      r.group_id = k.at(0).get<std::string>();
      r.tp = TopicPartition{k.at(1).get<std::string>(), k.at(2).get<int32_t>()};
      r.offset = value.at("offset").get<int64_t>();
      r.leader_epoch = value.at("leader_epoch").get<int32_t>();
      return r;
    }
    if (key.contains("group")) {
      GroupMetadataRecord r;
      r.group_id = key.at("group").get<std::string>();
      r.generation = value.at("generation").get<int32_t>();
      r.protocol = value.at("protocol").get<std::string>();
      r.leader = value.at("leader").get<std::string>();
      for (const json& m : value.at("members")) {
        MemberMetadata member;
        member.member_id = m.at("member_id").get<std::string>();
        member.client_id = m.at("client_id").get<std::string>();
        member.session_timeout_ms = m.at("session_timeout_ms").get<int32_t>();
        member.rebalance_timeout_ms = m.at("rebalance_timeout_ms").get<int32_t>();
        member.protocols.push_back(JoinGroupRequest::Protocol{r.protocol, subscription_from(m.at("subscription"))});
        member.assignment = tps_from(m.at("assignment"));
        r.members.push_back(std::move(member));
      }
      return r;
    }
  } catch (const json::exception&) {
  }
  return std::monostate{};
}

}  // namespace kafkasim::kafka
