// Runs scenario variants: for each variant, the functional run (tiny model,
// values, accuracy, measured acceptance) and then the timing run (full-size
// model, SystemC or analytic timing), each through the device runtime that
// enforces the constraints. A variant's runs share one child process so the
// timing run can reuse what the functional run measured; SystemC elaborates
// once in it.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "reports/run_result.h"
#include "scenarios/scenario.h"

namespace npusim::sim {

struct RunOptions {
  std::filesystem::path report_dir;  // timing runs write their Perfetto traces under it ("" = none)
  std::string fidelity_override;    // "" = the scenario's fidelity
};

// Checks everything a variant needs before anything is simulated (workload keys
// and values, patch ids, device preset and overrides, model config). Throws
// FailureError{kind="input"|"config"} naming FILE:LINE.
void validate_variant(const scenarios::Scenario& scenario, const scenarios::Variant& variant);

// Runs one variant in this process (call it in a child) and checks its
// per-variant expectations.
std::vector<reports::RunResult> run_variant(const scenarios::Scenario& scenario,
                                            const scenarios::Variant& variant, const RunOptions& options);

// The record of a variant whose child crashed or timed out.
std::vector<reports::RunResult> crashed_variant(const scenarios::Scenario& scenario,
                                                const scenarios::Variant& variant,
                                                const std::string& outcome, const std::string& detail);

}  // namespace npusim::sim
