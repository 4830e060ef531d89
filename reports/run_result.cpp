#include "reports/run_result.h"

#include <algorithm>

namespace npusim::reports {

bool RunResult::expectations_met() const {
  // A run with nothing to check has nothing unmet; the regression suite adds
  // an expectation to every variant it runs, so this is vacuous only in tools.
  return std::all_of(expectations.begin(), expectations.end(),
                     [](const ExpectationResult& e) { return e.passed; }) &&
         std::all_of(baselines.begin(), baselines.end(),
                     [](const BaselineComparison& b) { return b.passed; });
}

}  // namespace npusim::reports
