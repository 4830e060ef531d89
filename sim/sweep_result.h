// The points of a study run (all of them, or one shard's) and their JSON form,
// which `npusim merge` reads back. The JSON holds nothing host-specific, so a
// merge of shards is byte-identical to the unsharded run.
#pragma once
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "op_stream/failure.h"
#include "sim/sweep_study.h"

namespace npusim::sim {

struct SweepPoint {
  size_t index = 0;
  std::vector<std::string> labels;  // per axis
  std::string outcome;              // ok | failed | crashed | timeout
  std::optional<Failure> failure;
  std::map<std::string, double> metrics;  // MODE.METRIC

  // "kind op parameter rule" of the failure, "" when ok.
  std::string signature() const;
};

struct SweepResult {
  StudyHeader study;
  std::vector<SweepPoint> points;  // by index
};

std::string render_sweep_json(const SweepResult& result);
// Throws FailureError{kind="input"} naming the file and what is wrong.
SweepResult read_sweep_json(const std::filesystem::path& file);

// One result from shard results of the same study: every point exactly once.
// Throws FailureError{kind="input"} on a different study, a point given twice,
// or a missing point.
SweepResult merge_sweep_results(const std::vector<SweepResult>& parts);

}  // namespace npusim::sim
