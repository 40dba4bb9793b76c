#include "broker-model/raft_quorum_state.h"

#include <nlohmann/json.hpp>

namespace kafkasim::kafka {

std::string ElectionState::describe() const {
  std::string s = "epoch " + std::to_string(epoch);
  if (leader != kNoVoter) s += " leader controller-" + std::to_string(leader);
  if (voted_for != kNoVoter) s += " voted for controller-" + std::to_string(voted_for);
  return s;
}

ElectionState QuorumStateFile::read() const {
  ElectionState s;
  if (!disk_.exists(kPath)) return s;
  try {
    const nlohmann::json j = nlohmann::json::parse(disk_.read(kPath));
    s.epoch = j.at("leaderEpoch").get<int32_t>();
    s.voted_for = j.at("votedId").get<int32_t>();
    s.leader = j.at("leaderId").get<int32_t>();
  } catch (const std::exception&) {
    return ElectionState{};
  }
  return s;
}

void QuorumStateFile::write(const ElectionState& state, bool flush) {
  // The field names of Kafka's QuorumStateData.
  const nlohmann::json j{{"leaderEpoch", state.epoch}, {"votedId", state.voted_for}, {"leaderId", state.leader}};
  disk_.write_file(kPath, j.dump());
  if (flush) disk_.flush(kPath);
}

}  // namespace kafkasim::kafka
