// The result record of one simulation run (scenario x variant x mode). sim/
// fills it; every report is a view of a list of these. JSON schema:
// reports/schema/run_results.schema.json.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "op_stream/failure.h"
#include "op_stream/op_call.h"

namespace npusim::reports {

// One span of the simulated timeline, for the Perfetto trace.
struct TimelineSpan {
  std::string name;      // op name or runtime call
  std::string category;  // op class, "launch", "graph", "memcpy"
  std::string track;     // "host", "stream 0", "cube cores", "vector cores"
  double start_ns = 0;
  double duration_ns = 0;
  int layer = -1;
  std::string phase;
};

struct ExpectationResult {
  std::string description;  // what was expected, e.g. "fails: constraint FusedInferAttentionScore num_heads"
  bool passed = false;
  std::string detail;       // what was observed
};

struct BaselineComparison {
  std::string metric;
  double baseline = 0;
  double observed = 0;
  double tolerance_rel = 0;
  bool passed = false;
};

struct RunResult {
  std::string scenario;       // e.g. "sglang-21408-glm47-flash-heads"
  std::string upstream;       // e.g. "sglang#21408"
  std::string variant;        // e.g. "bug", "fix", "fix-fp16"
  std::string mode;           // timing | functional
  std::string model;
  std::string device;         // preset name
  std::vector<std::string> overrides;
  std::map<std::string, bool> patches;  // patch id -> on
  std::string outcome;        // ok | failed | crashed | timeout
  std::optional<Failure> failure;
  std::map<std::string, double> metrics;              // ttft_ms, tpot_ms, acceptance_length, ...
  std::map<std::string, double> time_by_op_class_ns;  // breakdown
  // Functional runs: where each model's weights came from, by role ("target",
  // "draft"): a trained checkpoint or "seeded (untrained) ...".
  std::map<std::string, std::string> weights;
  std::vector<TimelineSpan> timeline;
  // Perfetto trace of the timeline, relative to the report directory ("" =
  // none): set by whoever wrote it early (write_trace) and cleared the timeline.
  std::string trace_file;
  std::vector<ExpectationResult> expectations;
  std::vector<BaselineComparison> baselines;
  std::map<std::string, std::string> host_info;  // wall time, host name: ignored by comparisons

  // Checks are the expectations plus the baseline comparisons.
  bool expectations_met() const;  // every check passed; unchecked: not crashed/timeout
  int checks() const;
  int checks_passed() const;
};

}  // namespace npusim::reports
