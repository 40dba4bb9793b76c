// The trace: every scheduler step, timer, message and fault is a typed event.
//
// Every event is folded into a running 64-bit hash (trace_hash); the same
// scenario and seed give the same hash on every run and every build, because
// events carry only simulated times, sequential ids and names, never pointer
// values. Checkpoints of (event count, hash) every kCheckpointEvery events let
// a replay find the first window where two runs part.
//
// Recording: the hash always covers everything; which events are also kept in
// memory (for reports) is chosen by the RecordLevel.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/time.h"

namespace kafkasim::sim {

enum class EventKind : uint8_t {
  kFiberStep,     // a fiber was resumed (a = fiber id)
  kTimerFire,     // a timer fired (a = timer seq)
  kSpawn,         // a fiber was created (a = fiber id)
  kSend,          // a message was sent (a = connection id, b = message seq)
  kDeliver,       // a message was delivered (a = connection id, b = message seq)
  kDrop,          // a message was dropped: cut link or dead peer
  kConnect,       // a connection was opened (a = connection id, b = peer node)
  kClose,         // a connection was closed or broken (a = connection id)
  kCrash,         // a node crashed (node, a = incarnation)
  kPowerLoss,     // a node lost power (node, a = incarnation)
  kRestart,       // a node started (node, a = new incarnation)
  kPause,
  kResume,
  kPartition,     // a directed link was cut (node = from, a = to)
  kHeal,          // a directed link was healed (node = from, a = to)
  kClog,          // extra latency on a directed link (node = from, a = to, b = ns)
  kClockSkew,     // a node's clock was skewed (node, a = offset ns, b = drift ppm)
  kModel,         // an event of the model above the kernel (text says what)
};

const char* event_kind_name(EventKind kind);

constexpr int32_t kNoNode = -1;

struct TraceEvent {
  SimTime time;
  EventKind kind;
  int32_t node;
  int64_t a;
  int64_t b;
  std::string text;
};

enum class RecordLevel : uint8_t {
  kNone,      // hash only
  kEvents,    // everything but fiber steps and timer fires
  kAll,       // every event
};

class Trace {
 public:
  static constexpr uint64_t kCheckpointEvery = 4096;

  void set_record_level(RecordLevel level) { level_ = level; }
  RecordLevel record_level() const { return level_; }

  // `text` is folded into the hash unless `hash_text` is false: text that
  // exists only when events are recorded (a message's description) must
  // stay out of the hash, which is the same at every RecordLevel.
  void add(SimTime time, EventKind kind, int32_t node, int64_t a, int64_t b,
           std::string_view text = {}, bool hash_text = true);

  uint64_t hash() const { return hash_; }
  std::string hash_hex() const;
  uint64_t events() const { return count_; }

  const std::vector<TraceEvent>& recorded() const { return recorded_; }
  // (event count, hash after that many events), every kCheckpointEvery events.
  const std::vector<std::pair<uint64_t, uint64_t>>& checkpoints() const { return checkpoints_; }

 private:
  void mix(uint64_t word) {
    hash_ ^= word + 0x9e3779b97f4a7c15ULL + (hash_ << 6) + (hash_ >> 2);
    hash_ *= 0xff51afd7ed558ccdULL;
    hash_ ^= hash_ >> 33;
  }

  RecordLevel level_ = RecordLevel::kNone;
  uint64_t hash_ = 0x6b61666b6173696dULL;  // "kafkasim"
  uint64_t count_ = 0;
  std::vector<TraceEvent> recorded_;
  std::vector<std::pair<uint64_t, uint64_t>> checkpoints_;
};

std::string to_hex64(uint64_t value);

}  // namespace kafkasim::sim
