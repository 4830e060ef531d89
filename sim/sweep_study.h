// A what-if study: one variant of a scenario run at every point of a grid of
// axes over preset keys, patches and workload values. Loaded from YAML (format:
// docs/STUDIES.md). Points are numbered in grid order, the last axis fastest,
// so a shard (`--shard K/N`: points with index % N == K-1) is deterministic.
#pragma once
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "scenarios/scenario.h"

namespace npusim::sim {

// One value of an axis: its label in reports and what it changes. Assignment
// keys: `set.<preset key>`, `patch.<patch id>` (on|off), `workload.<key>`,
// `device` (preset name or path).
struct AxisValue {
  std::string label;
  std::vector<std::pair<std::string, std::string>> assignments;
};

struct Axis {
  std::string name;
  std::vector<AxisValue> values;
};

// line: `metric` against axis `x`, one line per combination of the other axes.
// heatmap: `metric` over axes `x` and `y`, one map per combination of the others.
struct Plot {
  std::string kind;
  std::string x;
  std::string y;
  std::string metric;  // MODE.METRIC, e.g. timing.tpot_ms
  // "AXIS=LABEL": plot baseline / value, the baseline being the point with that
  // label on that axis and the same labels elsewhere (a speed-up for a time).
  std::string ratio_to;
};

// What reports need to know about a study; identical across its shards.
struct StudyHeader {
  std::string id;
  std::string title;
  std::string description;
  std::vector<std::string> axis_names;
  std::vector<std::vector<std::string>> axis_labels;  // per axis
  std::vector<std::string> metrics;                   // shown in tables and plots
  std::vector<Plot> plots;

  size_t point_count() const;
  // The axis labels of point `index`.
  std::vector<std::string> labels_of(size_t index) const;
};

struct Study {
  StudyHeader header;
  std::string file;
  scenarios::Scenario scenario;
  std::string variant;
  std::vector<std::string> modes;  // empty = the variant's own
  std::string fidelity;            // of timing runs: analytic unless the study says otherwise
  double time_limit_s = 600;       // per point
  std::vector<Axis> axes;

  // The variant as point `index` runs it: the axis values applied, the
  // variant's own expectations dropped (a study observes, it does not judge).
  scenarios::Variant point_variant(size_t index) const;
};

// Throws FailureError{kind="input", where="FILE:LINE"} on bad input, including
// axis assignments the scenario's runner rejects.
Study load_study(const std::string& path);

// "K/N" -> the indices of that shard among `count` points.
std::vector<size_t> shard_points(size_t count, const std::string& shard);

}  // namespace npusim::sim
