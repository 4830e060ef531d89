// run_results.json reader: checks every value it takes and names the JSON path
// of the first bad one. Fields derived from others (totals, signature,
// expectations_met) are checked for shape and recomputed rather than trusted.
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "op_stream/failure.h"
#include "reports/json_schema_version.h"
#include "reports/report_writers.h"

namespace npusim::reports {
namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& path, const std::string& what, const std::string& value = "") {
  Failure f;
  f.kind = "input";
  f.op = "run_results.json";
  f.parameter = path;
  f.value = value;
  f.rule = "reports.run_results_schema";
  f.message = what;
  f.hint = "the file must follow reports/schema/run_results.schema.json (docs/REPORTS.md)";
  throw FailureError(std::move(f));
}

std::string type_name(const json& j) { return j.type_name(); }

// A JSON object whose keys are checked against the ones a reader knows.
class Object {
 public:
  Object(const json& j, std::string path, std::set<std::string> known) : j_(j), path_(std::move(path)) {
    if (!j.is_object()) bad(path_, "expected an object", type_name(j));
    for (const auto& item : j.items()) {
      if (known.count(item.key()) == 0) bad(path_ + "." + item.key(), "unknown key");
    }
  }
  const json& at(const std::string& key) const {
    auto it = j_.find(key);
    if (it == j_.end()) bad(path_ + "." + key, "missing required key");
    return *it;
  }
  std::string sub(const std::string& key) const { return path_ + "." + key; }
  std::string str(const std::string& key) const { return as_string(at(key), sub(key)); }
  bool boolean(const std::string& key) const {
    const json& v = at(key);
    if (!v.is_boolean()) bad(sub(key), "expected a boolean", type_name(v));
    return v.get<bool>();
  }
  double num(const std::string& key) const { return as_number(at(key), sub(key)); }

  static std::string as_string(const json& v, const std::string& path) {
    if (!v.is_string()) bad(path, "expected a string", type_name(v));
    return v.get<std::string>();
  }
  // null stands for a figure that was not finite (see the writer).
  static double as_number(const json& v, const std::string& path) {
    if (v.is_null()) return std::numeric_limits<double>::quiet_NaN();
    if (!v.is_number()) bad(path, "expected a number or null", type_name(v));
    return v.get<double>();
  }

 private:
  const json& j_;
  std::string path_;
};

const json& array_at(const Object& o, const std::string& key) {
  const json& v = o.at(key);
  if (!v.is_array()) bad(o.sub(key), "expected an array", type_name(v));
  return v;
}

const json& object_at(const Object& o, const std::string& key) {
  const json& v = o.at(key);
  if (!v.is_object()) bad(o.sub(key), "expected an object", type_name(v));
  return v;
}

std::map<std::string, std::string> string_map(const Object& o, const std::string& key) {
  std::map<std::string, std::string> out;
  for (const auto& item : object_at(o, key).items()) {
    out[item.key()] = Object::as_string(item.value(), o.sub(key) + "." + item.key());
  }
  return out;
}

std::map<std::string, double> number_map(const Object& o, const std::string& key) {
  std::map<std::string, double> out;
  for (const auto& item : object_at(o, key).items()) {
    out[item.key()] = Object::as_number(item.value(), o.sub(key) + "." + item.key());
  }
  return out;
}

Failure read_failure(const json& j, const std::string& path) {
  Object o(j, path, {"kind", "op", "parameter", "value", "rule", "message", "hint", "where", "signature"});
  Failure f;
  f.kind = o.str("kind");
  f.op = o.str("op");
  f.parameter = o.str("parameter");
  f.value = o.str("value");
  f.rule = o.str("rule");
  f.message = o.str("message");
  f.hint = o.str("hint");
  f.where = o.str("where");
  return f;
}

void read_checks(const Object& o, RunResult& run) {
  const json& expectations = array_at(o, "expectations");
  for (size_t i = 0; i < expectations.size(); ++i) {
    Object e(expectations[i], o.sub("expectations") + "[" + std::to_string(i) + "]",
             {"description", "passed", "detail"});
    run.expectations.push_back({e.str("description"), e.boolean("passed"), e.str("detail")});
  }
  const json& baselines = array_at(o, "baselines");
  for (size_t i = 0; i < baselines.size(); ++i) {
    Object b(baselines[i], o.sub("baselines") + "[" + std::to_string(i) + "]",
             {"metric", "baseline", "observed", "tolerance_rel", "passed"});
    run.baselines.push_back(
        {b.str("metric"), b.num("baseline"), b.num("observed"), b.num("tolerance_rel"), b.boolean("passed")});
  }
}

RunResult read_run(const json& j, const std::string& path) {
  Object o(j, path,
           {"scenario", "upstream", "variant", "mode", "model", "device", "overrides", "patches", "outcome",
            "failure", "metrics", "time_by_op_class_ns", "weights", "expectations", "baselines",
            "expectations_met", "trace_file", "host_info"});
  RunResult run;
  run.scenario = o.str("scenario");
  run.upstream = o.str("upstream");
  run.variant = o.str("variant");
  run.mode = o.str("mode");
  run.model = o.str("model");
  run.device = o.str("device");
  const json& overrides = array_at(o, "overrides");
  for (size_t i = 0; i < overrides.size(); ++i) {
    run.overrides.push_back(Object::as_string(overrides[i], o.sub("overrides") + "[" + std::to_string(i) + "]"));
  }
  for (const auto& item : object_at(o, "patches").items()) {
    if (!item.value().is_boolean()) bad(o.sub("patches") + "." + item.key(), "expected a boolean");
    run.patches[item.key()] = item.value().get<bool>();
  }
  run.outcome = o.str("outcome");
  static const std::set<std::string> outcomes = {"ok", "failed", "crashed", "timeout"};
  if (outcomes.count(run.outcome) == 0) bad(o.sub("outcome"), "expected ok, failed, crashed or timeout", run.outcome);
  if (!o.at("failure").is_null()) run.failure = read_failure(o.at("failure"), o.sub("failure"));
  run.metrics = number_map(o, "metrics");
  run.time_by_op_class_ns = number_map(o, "time_by_op_class_ns");
  run.weights = string_map(o, "weights");
  read_checks(o, run);
  o.boolean("expectations_met");
  if (!o.at("trace_file").is_null()) run.trace_file = o.str("trace_file");
  run.host_info = string_map(o, "host_info");
  return run;
}

}  // namespace

SuiteResult parse_json(const std::string& text) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) bad("$", "not valid JSON");
  Object root(doc, "$", {"schema", "schema_version", "suite", "runs", "host_info"});
  if (root.str("schema") != kRunResultsSchemaName) bad("$.schema", "not a run_results file", root.str("schema"));
  const json& version = root.at("schema_version");
  if (!version.is_number_integer() || version.get<int>() != kRunResultsSchemaVersion) {
    bad("$.schema_version", "unsupported schema version (this reader knows " +
                                std::to_string(kRunResultsSchemaVersion) + ")", version.dump());
  }
  SuiteResult suite;
  Object suite_obj(root.at("suite"), "$.suite", {"name", "totals"});
  suite.name = suite_obj.str("name");
  Object(suite_obj.at("totals"), "$.suite.totals",
         {"runs", "by_outcome", "runs_meeting_expectations", "expectations", "expectations_passed", "all_met"});
  const json& runs = array_at(root, "runs");
  for (size_t i = 0; i < runs.size(); ++i) {
    suite.runs.push_back(read_run(runs[i], "$.runs[" + std::to_string(i) + "]"));
  }
  suite.host_info = string_map(root, "host_info");
  return suite;
}

SuiteResult read_json(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) bad(file.string(), "cannot open");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_json(text.str());
}

}  // namespace npusim::reports
