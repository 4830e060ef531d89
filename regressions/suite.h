// A regression suite: which scenarios to run, which figures are baselined and
// how closely they must match (regressions/README.md).
#pragma once
#include <string>
#include <vector>

namespace npusim::regressions {

struct Suite {
  std::string name;
  std::string description;
  std::string file;
  std::vector<std::string> scenario_files;  // resolved paths
  std::string baseline_dir;                 // resolved; "" = no baselines
  std::vector<std::string> baseline_metrics;  // "<mode>.<metric>"
  double tolerance_rel = 0.01;
  double time_limit_s = 600;                // per variant child
};

// Throws FailureError{kind="input", where="FILE:LINE"}.
Suite load_suite(const std::string& path);
// A suite of one scenario, for `npusim run`.
Suite single_scenario_suite(const std::string& scenario_file);

}  // namespace npusim::regressions
