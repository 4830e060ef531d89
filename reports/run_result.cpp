#include "reports/run_result.h"

#include <algorithm>

namespace npusim::reports {

// A run with nothing to check (a sweep point, a tool run) has nothing unmet,
// unless the simulator itself crashed or hung: that is never a silent pass.
bool RunResult::expectations_met() const {
  if (checks() == 0) return outcome != "crashed" && outcome != "timeout";
  return checks_passed() == checks();
}

int RunResult::checks() const { return static_cast<int>(expectations.size() + baselines.size()); }

int RunResult::checks_passed() const {
  auto passed = [](const auto& check) { return check.passed; };
  return static_cast<int>(std::count_if(expectations.begin(), expectations.end(), passed) +
                          std::count_if(baselines.begin(), baselines.end(), passed));
}

}  // namespace npusim::reports
