#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "op_stream/did_you_mean.h"
#include "op_stream/failure.h"
#include "regressions/suite.h"

namespace npusim::regressions {
namespace {
namespace fs = std::filesystem;

// Figures a baseline pins when a suite names none.
const std::vector<std::string> kDefaultBaselineMetrics = {
    "timing.ttft_ms", "timing.tpot_ms", "timing.tokens_per_s", "timing.memory_peak_gib",
    "functional.max_abs_error", "functional.acceptance_length"};

[[noreturn]] void fail(const std::string& file, const YAML::Node& node, const std::string& what) {
  throw FailureError({"input", "suite", "", "", "", what, "see regressions/README.md",
                      file + ":" + std::to_string(node.Mark().line + 1)});
}
}  // namespace

namespace {
Suite read_suite(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw FailureError({"input", "suite", "", "", "", "cannot open suite file", "check the path", path});
  } catch (const YAML::Exception& e) {
    throw FailureError({"input", "suite", "", "", "", "malformed YAML: " + e.msg, "valid YAML",
                        path + ":" + std::to_string(e.mark.line + 1)});
  }
  if (!root.IsMap()) fail(path, root, "suite file is not a mapping");
  const std::vector<std::string> keys{"suite", "description", "scenarios", "baselines", "baseline_metrics",
                                      "tolerance_rel", "time_limit_s"};
  for (const auto& item : root) {
    const auto key = item.first.as<std::string>();
    if (std::find(keys.begin(), keys.end(), key) == keys.end())
      fail(path, item.first, "unknown key '" + key + "' in suite" + did_you_mean(key, keys));
  }
  Suite s;
  s.file = path;
  const fs::path dir = fs::path(path).parent_path();
  if (!root["suite"]) fail(path, root, "missing key 'suite' (the suite's name)");
  s.name = root["suite"].as<std::string>();
  if (root["description"]) s.description = root["description"].as<std::string>();
  const YAML::Node scenarios = root["scenarios"];
  if (!scenarios || !scenarios.IsSequence() || scenarios.size() == 0)
    fail(path, scenarios ? scenarios : root, "a suite needs a non-empty 'scenarios' list");
  for (const auto& item : scenarios) {
    const fs::path file = (dir / item.as<std::string>()).lexically_normal();
    std::error_code ec;  // the throwing overload fails on names the OS refuses (too long)
    if (!fs::exists(file, ec)) fail(path, item, "scenario file '" + file.string() + "' does not exist");
    s.scenario_files.push_back(file.string());
  }
  if (root["baselines"]) s.baseline_dir = (dir / root["baselines"].as<std::string>()).lexically_normal().string();
  s.baseline_metrics = kDefaultBaselineMetrics;
  if (const YAML::Node m = root["baseline_metrics"]) {
    if (!m.IsSequence()) fail(path, m, "'baseline_metrics' is not a list");
    s.baseline_metrics.clear();
    for (const auto& item : m) s.baseline_metrics.push_back(item.as<std::string>());
  }
  try {
    if (root["tolerance_rel"]) s.tolerance_rel = root["tolerance_rel"].as<double>();
    if (root["time_limit_s"]) s.time_limit_s = root["time_limit_s"].as<double>();
  } catch (const YAML::Exception& e) {
    fail(path, root, "tolerance_rel and time_limit_s must be numbers");
  }
  if (s.tolerance_rel < 0 || s.time_limit_s <= 0) fail(path, root, "tolerance_rel must be >= 0 and time_limit_s > 0");
  return s;
}
}  // namespace

Suite load_suite(const std::string& path) {
  try {
    return read_suite(path);
  } catch (const YAML::Exception& e) {
    // A value of the wrong YAML shape (a list or map where a scalar belongs).
    throw FailureError({"input", "suite", "", "", "", "wrong type of value (" + e.msg + ")", "see regressions/README.md",
                        path + ":" + std::to_string(e.mark.line + 1)});
  }
}

Suite single_scenario_suite(const std::string& scenario_file) {
  Suite s;
  s.name = fs::path(scenario_file).stem().string();
  s.file = scenario_file;
  s.scenario_files = {scenario_file};
  s.baseline_metrics = kDefaultBaselineMetrics;
  return s;
}

}  // namespace npusim::regressions
