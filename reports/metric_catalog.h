// Metric names the views know how to label and chart. RunResult::metrics may
// hold others; views list those as they are. The names are the contract with
// sim/ (docs/REPORTS.md).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "reports/suite_result.h"

namespace npusim::reports {

enum class MetricGroup { speed, resource, accuracy };

enum class MetricScale {
  plain,   // shown as is, with its unit
  percent  // a fraction 0..1, shown as %
};

struct MetricInfo {
  std::string_view key;
  std::string_view label;
  std::string_view unit;  // of the shown value
  MetricGroup group;
  MetricScale scale;
  int significant_digits = 4;  // accuracy figures near 1 need more to be told apart
};

const std::vector<MetricInfo>& metric_catalog();
// The catalogued metrics of `group` that at least one run reports, in catalogue order.
std::vector<const MetricInfo*> reported_metrics(const SuiteResult& suite, MetricGroup group);
const MetricInfo* find_metric(std::string_view key);

// "12.5 ms", "93.1 %"; unknown keys are shown bare.
std::string format_metric(std::string_view key, double value);

}  // namespace npusim::reports
