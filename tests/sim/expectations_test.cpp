#include "sim/expectations.h"

#include <gtest/gtest.h>

#include "tests/support/fake_runs.h"

namespace npusim::sim {
namespace {
using reports::RunResult;
using reports::testing::fia_heads_failure;
using reports::testing::heads_run;

TEST(Expectations, FailureSignatureMatchesEveryGivenField) {
  const Failure f = fia_heads_failure();
  EXPECT_TRUE(failure_matches(f, {{"kind", "constraint"}, {"rule", "fia.mla.num_heads_power_of_two"}, {"phase", "decode"}}));
  EXPECT_TRUE(failure_matches(f, {{"message_contains", "must be a power of two"}}));
  EXPECT_FALSE(failure_matches(f, {{"phase", "prefill"}}));
  EXPECT_FALSE(failure_matches(f, {{"kind", "oom"}}));
  EXPECT_FALSE(failure_matches(f, {{"parameter", "num_key_value_heads"}}));
}

scenarios::Variant variant_expecting(const std::string& outcome) {
  scenarios::Variant v;
  v.name = "fix";
  v.expect.outcome = outcome;
  v.expect.metrics.push_back({"timing.tpot_ms", std::nullopt, 2.0, {"s.yaml", 3}});
  v.expect.metrics.push_back({"functional.cosine_similarity", 0.999, std::nullopt, {"s.yaml", 4}});
  return v;
}

std::vector<RunResult> two_runs(double tpot, double cosine) {
  RunResult functional = heads_run("fix", "functional", "ok");
  functional.metrics["cosine_similarity"] = cosine;
  RunResult timing = heads_run("fix", "timing", "ok");
  timing.metrics["tpot_ms"] = tpot;
  return {functional, timing};
}

TEST(Expectations, MetricBoundsAreCheckedOnTheRunOfTheirMode) {
  auto runs = two_runs(1.5, 0.9995);
  check_expectations(variant_expecting("ok"), runs);
  EXPECT_TRUE(runs[0].expectations_met());
  EXPECT_TRUE(runs[1].expectations_met());

  auto slow = two_runs(2.5, 0.9995);
  check_expectations(variant_expecting("ok"), slow);
  EXPECT_TRUE(slow[0].expectations_met());
  EXPECT_FALSE(slow[1].expectations_met());
}

TEST(Expectations, AWrongOutcomeExpectationFails) {
  auto runs = two_runs(1.5, 0.9995);
  scenarios::Variant v = variant_expecting("failed");
  v.expect.metrics.clear();
  check_expectations(v, runs);
  EXPECT_FALSE(runs[0].expectations_met());
  EXPECT_NE(runs[0].expectations[0].detail.find("observed ok"), std::string::npos);
}

TEST(Expectations, AFailureWithTheWrongRuleDoesNotMeetTheSignature) {
  RunResult r = heads_run("bug", "functional", "failed");
  r.failure = fia_heads_failure();
  std::vector<RunResult> runs{r};
  scenarios::Variant v;
  v.name = "bug";
  v.expect.outcome = "failed";
  v.expect.failure = scenarios::FailureSignature{{"rule", "fia.gqa.kv_heads_divide_heads"}};
  check_expectations(v, runs);
  EXPECT_FALSE(runs[0].expectations_met());
}

TEST(Expectations, ComparisonRecordsTheRatioAndChecksItsBounds) {
  scenarios::Scenario s;
  s.comparisons.push_back({"padding_cost", "", "timing.tpot_ms", "fix", "whatif", 1.0, 1.7, {}});
  RunResult fix = heads_run("fix", "timing", "ok");
  fix.metrics["tpot_ms"] = 3.0;
  RunResult whatif = heads_run("whatif", "timing", "ok");
  whatif.metrics["tpot_ms"] = 2.0;
  std::vector<RunResult> runs{fix, whatif};
  check_comparisons(s, runs);
  EXPECT_DOUBLE_EQ(runs[0].metrics.at("padding_cost"), 1.5);
  EXPECT_TRUE(runs[0].expectations_met());

  runs[0].expectations.clear();
  runs[1].metrics["tpot_ms"] = 1.0;  // ratio 3: beyond the bound
  check_comparisons(s, runs);
  EXPECT_FALSE(runs[0].expectations_met());
}

}  // namespace
}  // namespace npusim::sim
