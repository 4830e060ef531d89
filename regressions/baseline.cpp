#include "regressions/baseline.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "op_stream/failure.h"
#include "reports/atomic_file.h"

namespace npusim::regressions {
namespace {
namespace fs = std::filesystem;
using json = nlohmann::json;

fs::path baseline_file(const Suite& suite, const std::string& scenario) {
  return fs::path(suite.baseline_dir) / (scenario + ".json");
}

std::string run_key(const reports::RunResult& run) { return run.variant + "/" + run.mode; }

// "timing.tpot_ms" applies to a run of mode "timing" as metric "tpot_ms".
std::vector<std::string> metrics_for(const Suite& suite, const std::string& mode) {
  std::vector<std::string> out;
  for (const auto& m : suite.baseline_metrics)
    if (m.rfind(mode + ".", 0) == 0) out.push_back(m.substr(mode.size() + 1));
  return out;
}
}  // namespace

bool compare_with_baseline(const Suite& suite, const std::string& scenario, std::vector<reports::RunResult*>& runs) {
  if (suite.baseline_dir.empty()) return false;
  const fs::path file = baseline_file(suite, scenario);
  std::ifstream in(file);
  if (!in) return false;
  const json doc = json::parse(in, nullptr, false);
  if (doc.is_discarded() || !doc.contains("runs") || !doc["runs"].is_object())
    throw FailureError({"input", "baseline", "", "", "", "malformed baseline file", "regenerate it with --update-baselines", file.string()});
  for (auto* run : runs) {
    const auto entry = doc["runs"].find(run_key(*run));
    if (entry == doc["runs"].end()) continue;
    for (const auto& metric : metrics_for(suite, run->mode)) {
      const auto expected = entry->find(metric);
      if (expected == entry->end() || !expected->is_number()) continue;
      reports::BaselineComparison c;
      c.metric = run->mode + "." + metric;
      c.baseline = expected->get<double>();
      c.tolerance_rel = suite.tolerance_rel;
      const auto observed = run->metrics.find(metric);
      if (observed != run->metrics.end()) {
        c.observed = observed->second;
        c.passed = std::fabs(c.observed - c.baseline) <= suite.tolerance_rel * std::fabs(c.baseline) + 1e-12;
      } else {
        c.observed = 0;  // not produced: the comparison fails
      }
      run->baselines.push_back(c);
    }
  }
  return true;
}

std::string write_baseline(const Suite& suite, const std::string& scenario, const std::vector<reports::RunResult*>& runs) {
  json doc = {{"scenario", scenario}, {"runs", json::object()}};
  for (const auto* run : runs) {
    if (run->outcome != "ok") continue;
    json entry = json::object();
    for (const auto& metric : metrics_for(suite, run->mode)) {
      const auto it = run->metrics.find(metric);
      if (it != run->metrics.end() && std::isfinite(it->second)) entry[metric] = it->second;
    }
    if (!entry.empty()) doc["runs"][run_key(*run)] = entry;
  }
  const fs::path file = baseline_file(suite, scenario);
  reports::write_file_atomically(file, doc.dump(2) + "\n");
  return file.string();
}

}  // namespace npusim::regressions
