// Checks a variant's runs against what its scenario expects: the outcome, the
// failure signature, metric bounds, and cross-variant comparisons. Results are
// appended to each RunResult's expectations.
#pragma once
#include <vector>

#include "reports/run_result.h"
#include "scenarios/scenario.h"

namespace npusim::sim {

bool failure_matches(const Failure& failure, const scenarios::FailureSignature& signature);

// `runs` are one variant's runs (one per mode).
void check_expectations(const scenarios::Variant& variant, std::vector<reports::RunResult>& runs);

// Evaluates each comparison on all of a scenario's runs; the ratio is recorded
// as a metric named after the comparison in the compared variant's run.
void check_comparisons(const scenarios::Scenario& scenario, std::vector<reports::RunResult>& runs);

}  // namespace npusim::sim
