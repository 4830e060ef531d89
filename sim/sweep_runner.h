// Runs a study's points (all, or one shard's), each as its variant in a forked
// child (sim::run_variant), and collects their outcomes and metrics.
#pragma once
#include <string>
#include <vector>

#include "sim/sweep_result.h"
#include "sim/sweep_study.h"

namespace npusim::sim {

struct SweepOptions {
  int jobs = 1;
  std::string fidelity_override;  // "" = the study's fidelity (analytic unless it says otherwise)
  std::vector<size_t> points;     // indices to run; empty = all
};

SweepResult run_sweep(const Study& study, const SweepOptions& options);

}  // namespace npusim::sim
