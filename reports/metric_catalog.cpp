#include "reports/metric_catalog.h"

#include <algorithm>

#include "reports/number_format.h"

namespace npusim::reports {

const std::vector<MetricInfo>& metric_catalog() {
  using G = MetricGroup;
  using S = MetricScale;
  static const std::vector<MetricInfo> catalog = {
      {"ttft_ms", "TTFT", "ms", G::speed, S::plain},
      {"tpot_ms", "TPOT", "ms", G::speed, S::plain},
      {"tokens_per_s", "throughput", "tok/s", G::speed, S::plain},
      {"total_ms", "simulated time", "ms", G::speed, S::plain},
      {"decode_ms", "decode time", "ms", G::speed, S::plain},
      {"acceptance_length", "acceptance length", "tok", G::speed, S::plain},
      {"speedup", "speed-up vs no spec", "x", G::speed, S::plain},
      {"cube_utilisation", "cube util", "%", G::resource, S::percent},
      {"vector_utilisation", "vector util", "%", G::resource, S::percent},
      {"hbm_utilisation", "HBM util", "%", G::resource, S::percent},
      {"memory_peak_gib", "memory peak", "GiB", G::resource, S::plain},
      {"max_abs_error", "max abs err", "", G::accuracy, S::plain},
      {"max_rel_error", "max rel err", "", G::accuracy, S::plain},
      {"cosine_similarity", "cosine sim", "", G::accuracy, S::plain, 7},
      {"token_agreement", "greedy token agreement", "%", G::accuracy, S::percent},
  };
  return catalog;
}

std::vector<const MetricInfo*> reported_metrics(const SuiteResult& suite, MetricGroup group) {
  std::vector<const MetricInfo*> reported;
  for (const MetricInfo& m : metric_catalog()) {
    bool any = std::any_of(suite.runs.begin(), suite.runs.end(),
                           [&](const RunResult& run) { return run.metrics.count(std::string(m.key)) != 0; });
    if (m.group == group && any) reported.push_back(&m);
  }
  return reported;
}

const MetricInfo* find_metric(std::string_view key) {
  const auto& catalog = metric_catalog();
  auto it = std::find_if(catalog.begin(), catalog.end(),
                         [&](const MetricInfo& m) { return m.key == key; });
  return it == catalog.end() ? nullptr : &*it;
}

std::string format_metric(std::string_view key, double value) {
  const MetricInfo* info = find_metric(key);
  if (info == nullptr) return format_number(value);
  constexpr double kPercentPerFraction = 100.0;
  double shown = value;
  if (info->scale == MetricScale::percent) shown = value * kPercentPerFraction;
  std::string text = format_number(shown, info->significant_digits);
  if (!info->unit.empty()) text += " " + std::string(info->unit);
  return text;
}

}  // namespace npusim::reports
