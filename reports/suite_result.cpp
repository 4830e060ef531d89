#include "reports/suite_result.h"

#include <algorithm>

namespace npusim::reports {

SuiteTotals totals(const SuiteResult& suite) {
  SuiteTotals t;
  for (const RunResult& run : suite.runs) {
    ++t.runs;
    ++t.by_outcome[run.outcome];
    if (run.expectations_met()) ++t.runs_meeting_expectations;
    t.expectations += run.checks();
    t.expectations_passed += run.checks_passed();
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

std::vector<const RunResult*> runs_of(const SuiteResult& suite, const std::string& scenario) {
  std::vector<const RunResult*> runs;
  for (const RunResult& run : suite.runs) {
    if (run.scenario == scenario) runs.push_back(&run);
  }
  return runs;
}

}  // namespace npusim::reports
