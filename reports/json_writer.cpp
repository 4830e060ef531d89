// run_results.json writer. nlohmann::json objects are std::maps, so keys come
// out sorted and the text is byte-identical for identical records.
#include <cmath>
#include <nlohmann/json.hpp>

#include "reports/json_schema_version.h"
#include "reports/report_writers.h"
#include "reports/run_labels.h"

namespace npusim::reports {
namespace {

using nlohmann::json;

// JSON has no NaN or infinity: a figure that is not finite is written as null.
json number(double value) { return std::isfinite(value) ? json(value) : json(nullptr); }

json number_map(const std::map<std::string, double>& values) {
  json out = json::object();
  for (const auto& [key, value] : values) out[key] = number(value);
  return out;
}

json failure_json(const Failure& f) {
  return {{"kind", f.kind},   {"op", f.op},           {"parameter", f.parameter},
          {"value", f.value}, {"rule", f.rule},       {"message", f.message},
          {"hint", f.hint},   {"where", f.where},     {"signature", failure_signature(f)}};
}

json run_json(const RunResult& run) {
  json expectations = json::array();
  for (const auto& e : run.expectations) {
    expectations.push_back({{"description", e.description}, {"passed", e.passed}, {"detail", e.detail}});
  }
  json baselines = json::array();
  for (const auto& b : run.baselines) {
    baselines.push_back({{"metric", b.metric},
                         {"baseline", number(b.baseline)},
                         {"observed", number(b.observed)},
                         {"tolerance_rel", number(b.tolerance_rel)},
                         {"passed", b.passed}});
  }
  std::string trace = trace_path(run);
  return {{"scenario", run.scenario},
          {"upstream", run.upstream},
          {"variant", run.variant},
          {"mode", run.mode},
          {"model", run.model},
          {"device", run.device},
          {"overrides", run.overrides},
          {"patches", run.patches},
          {"outcome", run.outcome},
          {"failure", run.failure ? failure_json(*run.failure) : json(nullptr)},
          {"metrics", number_map(run.metrics)},
          {"time_by_op_class_ns", number_map(run.time_by_op_class_ns)},
          {"weights", run.weights},
          {"expectations", expectations},
          {"baselines", baselines},
          {"expectations_met", run.expectations_met()},
          {"trace_file", trace.empty() ? json(nullptr) : json(trace)},
          {"host_info", run.host_info}};
}

json totals_json(const SuiteTotals& t) {
  return {{"runs", t.runs},
          {"by_outcome", t.by_outcome},
          {"runs_meeting_expectations", t.runs_meeting_expectations},
          {"expectations", t.expectations},
          {"expectations_passed", t.expectations_passed},
          {"all_met", t.all_met()}};
}

}  // namespace

std::string render_json(const SuiteResult& suite) {
  json runs = json::array();
  for (const RunResult& run : suite.runs) runs.push_back(run_json(run));
  json doc = {{"schema", kRunResultsSchemaName},
              {"schema_version", kRunResultsSchemaVersion},
              {"suite", {{"name", suite.name}, {"totals", totals_json(totals(suite))}}},
              {"runs", runs},
              {"host_info", suite.host_info}};
  // Malformed UTF-8 in a message must not abort the report: replace it.
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace npusim::reports
