#include "reports/run_labels.h"

#include "reports/metric_catalog.h"
#include "reports/number_format.h"

namespace npusim::reports {

std::string failure_signature(const Failure& failure) {
  std::string out = failure.kind;
  if (!failure.op.empty()) out += " " + failure.op;
  if (!failure.parameter.empty()) {
    out += " " + failure.parameter;
    if (!failure.value.empty()) out += "=" + failure.value;
  }
  if (!failure.rule.empty()) out += " [" + failure.rule + "]";
  return out;
}

std::string run_label(const RunResult& run) {
  return run.scenario + " / " + run.variant + " / " + run.mode;
}

std::string variant_label(const RunResult& run) { return run.variant + " (" + run.mode + ")"; }

std::vector<std::string> unmet_check_lines(const RunResult& run) {
  constexpr double kPercentPerFraction = 100.0;
  std::vector<std::string> lines;
  for (const auto& e : run.expectations) {
    if (!e.passed) lines.push_back("expected: " + e.description + "; observed: " + e.detail);
  }
  for (const auto& b : run.baselines) {
    if (!b.passed) {
      lines.push_back("baseline " + b.metric + ": observed " + format_metric(b.metric, b.observed) + " vs " +
                      format_metric(b.metric, b.baseline) + " (tolerance " +
                      format_number(b.tolerance_rel * kPercentPerFraction) + " %)");
    }
  }
  if (run.failure) lines.push_back("failure: " + run.failure->to_string());
  return lines;
}

}  // namespace npusim::reports
