// Runs a suite: validates every scenario first (bad input is exit 2 before
// anything runs), runs each variant in a child process (up to `jobs` at once,
// each with the suite's time limit), checks expectations, comparisons and
// baselines, and writes every report kind.
#pragma once
#include <string>

#include "regressions/suite.h"

namespace npusim::regressions {

struct RegressOptions {
  std::string report_dir;
  int jobs = 1;
  bool update_baselines = false;
  std::string fidelity_override;  // "" = each scenario's own
  std::vector<std::string> only_variants;  // empty = all
};

// Returns the exit code: 0 when every expectation and baseline holds, 1 otherwise.
int run_suite(const Suite& suite, const RegressOptions& options);

}  // namespace npusim::regressions
