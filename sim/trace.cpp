#include "sim/trace.h"

#include "sim/random.h"

namespace kafkasim::sim {

const char* event_kind_name(EventKind kind) {
  switch (kind) {
    case EventKind::kFiberStep: return "step";
    case EventKind::kTimerFire: return "timer";
    case EventKind::kSpawn: return "spawn";
    case EventKind::kSend: return "send";
    case EventKind::kDeliver: return "deliver";
    case EventKind::kDrop: return "drop";
    case EventKind::kConnect: return "connect";
    case EventKind::kClose: return "close";
    case EventKind::kCrash: return "crash";
    case EventKind::kPowerLoss: return "power-loss";
    case EventKind::kRestart: return "restart";
    case EventKind::kPause: return "pause";
    case EventKind::kResume: return "resume";
    case EventKind::kPartition: return "partition";
    case EventKind::kHeal: return "heal";
    case EventKind::kClog: return "clog";
    case EventKind::kClockSkew: return "clock-skew";
    case EventKind::kModel: return "model";
  }
  return "?";
}

void Trace::add(SimTime time, EventKind kind, int32_t node, int64_t a, int64_t b,
                std::string_view text, bool hash_text) {
  mix(static_cast<uint64_t>(time));
  mix(static_cast<uint64_t>(kind) | (static_cast<uint64_t>(static_cast<uint32_t>(node)) << 8));
  mix(static_cast<uint64_t>(a));
  mix(static_cast<uint64_t>(b));
  if (hash_text && !text.empty()) mix(fnv1a64(text));
  ++count_;
  if (count_ % kCheckpointEvery == 0) checkpoints_.emplace_back(count_, hash_);
  if (level_ == RecordLevel::kAll ||
      (level_ == RecordLevel::kEvents && kind != EventKind::kFiberStep &&
       kind != EventKind::kTimerFire)) {
    recorded_.push_back(TraceEvent{time, kind, node, a, b, std::string(text)});
  }
}

std::string to_hex64(uint64_t value) {
  static const char* digits = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[i] = digits[value & 0xf];
    value >>= 4;
  }
  return out;
}

std::string Trace::hash_hex() const { return to_hex64(hash_); }

}  // namespace kafkasim::sim
