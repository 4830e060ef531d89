#include "reports/suite_result.h"

#include <algorithm>

namespace npusim::reports {

SuiteTotals totals(const SuiteResult& suite) {
  SuiteTotals t;
  for (const RunResult& run : suite.runs) {
    ++t.runs;
    ++t.by_outcome[run.outcome];
    if (run.expectations_met()) ++t.runs_meeting_expectations;
    t.expectations += static_cast<int>(run.expectations.size() + run.baselines.size());
    for (const auto& e : run.expectations) t.expectations_passed += e.passed ? 1 : 0;
    for (const auto& b : run.baselines) t.expectations_passed += b.passed ? 1 : 0;
  }
  return t;
}

std::vector<std::string> scenario_order(const SuiteResult& suite) {
  std::vector<std::string> order;
  for (const RunResult& run : suite.runs) {
    if (std::find(order.begin(), order.end(), run.scenario) == order.end()) {
      order.push_back(run.scenario);
    }
  }
  return order;
}

}  // namespace npusim::reports
