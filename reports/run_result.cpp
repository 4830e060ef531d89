#include "reports/run_result.h"

#include <algorithm>

namespace npusim::reports {

// A run with nothing to check has nothing unmet; the regression suite adds an
// expectation to every variant it runs, so this is vacuous only in tools.
bool RunResult::expectations_met() const { return checks_passed() == checks(); }

int RunResult::checks() const { return static_cast<int>(expectations.size() + baselines.size()); }

int RunResult::checks_passed() const {
  auto passed = [](const auto& check) { return check.passed; };
  return static_cast<int>(std::count_if(expectations.begin(), expectations.end(), passed) +
                          std::count_if(baselines.begin(), baselines.end(), passed));
}

}  // namespace npusim::reports
