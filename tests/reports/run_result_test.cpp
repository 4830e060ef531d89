// When a run meets its expectations, and the suite totals built on that.
#include <gtest/gtest.h>

#include "reports/suite_result.h"
#include "tests/support/fake_runs.h"

namespace npusim::reports {
namespace {

TEST(RunResult, MeetsExpectationsOnlyWhenEveryCheckPasses) {
  RunResult run = testing::fake_suite().runs[1];
  EXPECT_EQ(run.checks(), 3);
  EXPECT_TRUE(run.expectations_met());
  run.baselines[0].passed = false;
  EXPECT_EQ(run.checks_passed(), 2);
  EXPECT_FALSE(run.expectations_met());
}

TEST(RunResult, AnUncheckedCrashOrTimeoutNeverPasses) {
  RunResult run;
  for (const char* outcome : {"ok", "failed"}) {
    run.outcome = outcome;
    EXPECT_TRUE(run.expectations_met()) << outcome;
  }
  for (const char* outcome : {"crashed", "timeout"}) {
    run.outcome = outcome;
    EXPECT_FALSE(run.expectations_met()) << outcome;
  }
}

TEST(SuiteResult, TotalsCountRunsOutcomesAndChecks) {
  SuiteResult suite = testing::fake_suite();
  SuiteTotals t = totals(suite);
  EXPECT_EQ(t.runs, 5);
  EXPECT_EQ(t.by_outcome.at("ok"), 3);
  EXPECT_EQ(t.by_outcome.at("failed"), 2);
  EXPECT_EQ(t.runs_meeting_expectations, 3);
  EXPECT_EQ(t.expectations, 8);
  EXPECT_EQ(t.expectations_passed, 6);
  EXPECT_FALSE(t.all_met());
  EXPECT_EQ(scenario_order(suite),
            (std::vector<std::string>{"sglang-21408-glm47-flash-heads", "sglang-23122-qwen3-dflash"}));
  EXPECT_EQ(runs_of(suite, "sglang-23122-qwen3-dflash").size(), 2u);
}

}  // namespace
}  // namespace npusim::reports
