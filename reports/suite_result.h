// The records of one suite run plus what belongs to the suite as a whole; every
// report is a view of one of these.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "reports/run_result.h"

namespace npusim::reports {

struct SuiteResult {
  std::string name;             // e.g. "seed"
  std::vector<RunResult> runs;  // in the order the suite lists them
  std::map<std::string, std::string> host_info;  // generated_at, host, wall_time_s: ignored by comparisons
};

struct SuiteTotals {
  int runs = 0;
  std::map<std::string, int> by_outcome;  // ok, failed, crashed, timeout
  int runs_meeting_expectations = 0;
  int expectations = 0;         // expectation and baseline checks, over all runs
  int expectations_passed = 0;
  bool all_met() const { return runs_meeting_expectations == runs; }
};

SuiteTotals totals(const SuiteResult& suite);

// Scenario names in order of first appearance, for views grouped by scenario.
std::vector<std::string> scenario_order(const SuiteResult& suite);
std::vector<const RunResult*> runs_of(const SuiteResult& suite, const std::string& scenario);

}  // namespace npusim::reports
