#include "harness/ml_pipeline.h"

namespace kafkasim::harness::ml {

const Pipeline& pipeline() {
  static const Pipeline p = {
      {
          {kReadingsTopic, false, "a sensor's reading, keyed by sensor"},
          {kFeaturesTopic, false, "windowed, normalised features of a reading"},
          {kModelsTopic, true, "logistic-regression weights by version, one key"},
          {kPredictionsTopic, false, "P(label=1) of a reading and the model version used"},
          {kLabelsTopic, false, "the ground truth of a reading, late"},
          {kRetrainTopic, false, "the monitor's request to replace a model version"},
          {kFeatureChangelogTopic, true, "each sensor's window (exactly_once_v2), restored on assignment", true},
      },
      {
          {"sensor", "produces readings that drift on the scenario's schedule, and their labels late", false, {},
           {kReadingsTopic, kLabelsTopic}},
          {"feature", "windowed mean per sensor, normalised", true, {kReadingsTopic},
           {kFeaturesTopic, kFeatureChangelogTopic}},
          {"inference", "scores features with the newest model it has read", true, {kFeaturesTopic, kModelsTopic},
           {kPredictionsTopic}},
          {"monitor", "accuracy and drift over time; asks for retraining past the threshold", false,
           {kPredictionsTopic, kLabelsTopic, kFeaturesTopic, kModelsTopic}, {kRetrainTopic}},
          {"trainer", "fits a new model on recent features and labels (SGD) and publishes it", false,
           {kFeaturesTopic, kLabelsTopic, kRetrainTopic, kModelsTopic}, {kModelsTopic}},
      },
  };
  return p;
}

std::string pipeline_dot(const Pipeline& p) {
  std::string s = "digraph ml_pipeline {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n";
  for (const PipelineTopic& t : p.topics) {
    s += "  \"" + t.name + "\" [shape=cylinder, " + (t.internal ? "style=dashed, " : "") + "label=\"" + t.name +
         (t.compacted ? "\\n(compacted)" : "") + "\"];\n";
  }
  for (const PipelineStage& st : p.stages) {
    s += "  \"" + st.name + "\" [shape=box, style=rounded, label=\"" + st.name +
         (st.group ? "\\n(consumer group)" : "") + "\"];\n";
  }
  for (const PipelineStage& st : p.stages) {
    for (const std::string& t : st.reads) s += "  \"" + t + "\" -> \"" + st.name + "\";\n";
    for (const std::string& t : st.writes) s += "  \"" + st.name + "\" -> \"" + t + "\";\n";
  }
  s += "}\n";
  return s;
}

}  // namespace kafkasim::harness::ml
