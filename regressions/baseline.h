// Baselines: figures a suite run produced, written by `--update-baselines` and
// reviewed in the diff; later runs must reproduce them within a tolerance.
// One JSON file per scenario: {"scenario": ID, "runs": {"VARIANT/MODE": {METRIC: VALUE}}}.
#pragma once
#include <string>
#include <vector>

#include "regressions/suite.h"
#include "reports/run_result.h"

namespace npusim::regressions {

// Appends a BaselineComparison to each run for every baselined metric the
// scenario's baseline file holds. Returns false when the scenario has no
// baseline file yet.
bool compare_with_baseline(const Suite& suite, const std::string& scenario, std::vector<reports::RunResult*>& runs);

// Writes the scenario's baseline file from its runs (only successful runs'
// baselined metrics). Returns the path written.
std::string write_baseline(const Suite& suite, const std::string& scenario, const std::vector<reports::RunResult*>& runs);

}  // namespace npusim::regressions
