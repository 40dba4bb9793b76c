// The ml-pipeline workload's definition: its topics and the stages that
// read and write them (docs/ml-pipeline.md). The workload, the scenario
// reader (which checks the scenario declares every topic) and the
// documentation's Graphviz diagram all come from this one table.
#pragma once

#include <string>
#include <vector>

namespace kafkasim::harness::ml {

struct PipelineTopic {
  std::string name;
  bool compacted = false;  // cleanup.policy=compact required
  std::string carries;     // what a record holds
  // Created by the workload itself, as Kafka Streams creates its internal
  // topics (exactly_once_v2 only), not declared by the scenario.
  bool internal = false;
};

struct PipelineStage {
  std::string name;       // the client nodes are NAME-1 .. NAME-N
  std::string role;       // one line: what it does
  bool group = false;     // a consumer group of instances (processing.guarantee applies)
  std::vector<std::string> reads;
  std::vector<std::string> writes;
};

struct Pipeline {
  std::vector<PipelineTopic> topics;
  std::vector<PipelineStage> stages;
};

const Pipeline& pipeline();

// The pipeline as a Graphviz digraph: stages are boxes, topics are
// cylinders, edges follow the data.
std::string pipeline_dot(const Pipeline& p);

// Topic names of the pipeline (fixed: services find each other by them).
inline constexpr const char* kReadingsTopic = "raw-readings";
inline constexpr const char* kFeaturesTopic = "features";
inline constexpr const char* kModelsTopic = "models";
inline constexpr const char* kPredictionsTopic = "predictions";
inline constexpr const char* kLabelsTopic = "labels";
inline constexpr const char* kRetrainTopic = "retrain-requests";
// The feature service's window store's changelog (exactly_once_v2): Kafka
// Streams' `<application.id>-<store>-changelog`, one partition per
// `raw-readings` partition, compacted.
inline constexpr const char* kFeatureChangelogTopic = "ml-feature-windows-changelog";

}  // namespace kafkasim::harness::ml
