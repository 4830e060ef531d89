// YAML → Scenario, with FILE:LINE errors, unknown-key did-you-means and the
// base settings merged into every variant.
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <set>

#include "op_stream/did_you_mean.h"
#include "op_stream/failure.h"
#include "scenarios/scenario.h"

namespace npusim::scenarios {
namespace {
namespace fs = std::filesystem;

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  SourceMark mark(const YAML::Node& node) const {
    return {file_, node.Mark().line >= 0 ? node.Mark().line + 1 : 0};
  }

  [[noreturn]] void fail(const YAML::Node& node, const std::string& what, const std::string& expected = "") const {
    Failure f;
    f.kind = "input";
    f.op = "scenario";
    f.where = mark(node).to_string();
    f.message = what + (expected.empty() ? "" : ", expected " + expected);
    throw FailureError(f);
  }

  void check_keys(const YAML::Node& map, const std::vector<std::string>& allowed, const std::string& context) const {
    if (!map.IsMap()) fail(map, context + " is not a mapping", "KEY: VALUE pairs");
    for (const auto& item : map) {
      const std::string key = item.first.as<std::string>();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
        fail(item.first, "unknown key '" + key + "' in " + context + did_you_mean(key, allowed));
    }
  }

  std::string text(const YAML::Node& map, const char* key, bool required, const std::string& context) const {
    const YAML::Node node = map[key];
    if (!node) {
      if (required) fail(map, std::string("missing key '") + key + "' in " + context);
      return "";
    }
    if (!node.IsScalar()) fail(node, std::string("'") + key + "' is not a scalar", "a string");
    return node.as<std::string>();
  }

  double number(const YAML::Node& node, const std::string& what) const {
    if (!node.IsScalar()) fail(node, what + " is not a number");
    try {
      return node.as<double>();
    } catch (const YAML::Exception&) {
      fail(node, what + " '" + node.as<std::string>() + "' is not a number");
    }
  }

  bool on_off(const YAML::Node& node, const std::string& what) const {
    const std::string v = node.IsScalar() ? node.as<std::string>() : "";
    if (v == "on" || v == "true") return true;
    if (v == "off" || v == "false") return false;
    fail(node, what + " is '" + v + "'", "on or off");
  }

  std::vector<std::string> string_list(const YAML::Node& node, const std::string& what) const {
    std::vector<std::string> out;
    if (node.IsScalar()) return {node.as<std::string>()};
    if (!node.IsSequence()) fail(node, what + " is not a list", "a list of strings");
    for (const auto& item : node) {
      if (!item.IsScalar()) fail(item, "an entry of " + what + " is not a string");
      out.push_back(item.as<std::string>());
    }
    return out;
  }

  // Nested maps flatten to dotted keys; lists of scalars join with commas.
  void settings(const YAML::Node& node, const std::string& prefix, Settings& out) const {
    if (!node.IsMap()) fail(node, "'" + (prefix.empty() ? std::string("workload") : prefix) + "' is not a mapping");
    for (const auto& item : node) {
      const std::string key = (prefix.empty() ? "" : prefix + ".") + item.first.as<std::string>();
      if (item.second.IsMap()) {
        settings(item.second, key, out);
      } else if (item.second.IsSequence()) {
        std::string joined;
        for (const auto& v : item.second) {
          if (!v.IsScalar()) fail(v, "'" + key + "' holds a non-scalar");
          joined += (joined.empty() ? "" : ",") + v.as<std::string>();
        }
        out[key] = {joined, mark(item.second)};
      } else {
        out[key] = {item.second.as<std::string>(), mark(item.second)};
      }
    }
  }

  std::vector<std::string> modes(const YAML::Node& node) const {
    const std::string m = node.as<std::string>();
    if (m == "both") return {"functional", "timing"};
    if (m == "timing" || m == "functional") return {m};
    fail(node, "mode '" + m + "'", "timing, functional or both");
  }

  Expectation expectation(const YAML::Node& node) const {
    check_keys(node, {"outcome", "failure", "metrics"}, "expect");
    Expectation e;
    e.outcome = text(node, "outcome", true, "expect");
    if (e.outcome != "ok" && e.outcome != "failed") fail(node["outcome"], "outcome '" + e.outcome + "'", "ok or failed");
    if (const YAML::Node f = node["failure"]) {
      const std::vector<std::string> fields{"kind", "op", "parameter", "parameter_contains", "rule", "phase", "message_contains"};
      check_keys(f, fields, "expect.failure");
      FailureSignature sig;
      for (const auto& item : f) sig[item.first.as<std::string>()] = item.second.as<std::string>();
      e.failure = sig;
      if (e.outcome != "failed") fail(f, "a failure signature with outcome '" + e.outcome + "'", "outcome: failed");
    }
    if (const YAML::Node m = node["metrics"]) {
      if (!m.IsMap()) fail(m, "expect.metrics is not a mapping", "METRIC: {min: X, max: Y}");
      for (const auto& item : m) {
        MetricBound b;
        b.metric = item.first.as<std::string>();
        b.mark = mark(item.first);
        if (b.metric.find('.') == std::string::npos)
          fail(item.first, "metric '" + b.metric + "' names no mode", "MODE.METRIC, e.g. timing.tpot_ms");
        check_keys(item.second, {"min", "max"}, "bound of " + b.metric);
        if (item.second["min"]) b.min = number(item.second["min"], "min");
        if (item.second["max"]) b.max = number(item.second["max"], "max");
        e.metrics.push_back(b);
      }
    }
    return e;
  }

  std::vector<Fault> faults(const YAML::Node& node) const {
    if (!node.IsSequence()) fail(node, "'faults' is not a list");
    std::vector<Fault> out;
    for (const auto& item : node) {
      check_keys(item, {"phase", "op", "occurrence", "request"}, "fault");
      Fault f;
      f.mark = mark(item);
      f.phase = text(item, "phase", false, "fault");
      f.op = text(item, "op", false, "fault");
      if (item["occurrence"]) f.occurrence = static_cast<int>(number(item["occurrence"], "occurrence"));
      if (item["request"]) f.request = static_cast<int>(number(item["request"], "request"));
      if (f.occurrence < 1) fail(item["occurrence"], "occurrence must be >= 1");
      out.push_back(f);
    }
    return out;
  }

  Variant variant(const YAML::Node& node, const Variant& base) const {
    check_keys(node, {"name", "description", "patches", "device", "set", "workload", "timing_workload", "mode", "faults", "expect"}, "variant");
    Variant v = base;
    v.mark = mark(node);
    v.name = text(node, "name", true, "variant");
    v.description = text(node, "description", false, "variant");
    if (const YAML::Node p = node["patches"]) {
      if (!p.IsMap()) fail(p, "'patches' is not a mapping", "PATCH_ID: on|off");
      for (const auto& item : p) v.patches[item.first.as<std::string>()] = on_off(item.second, "patch " + item.first.as<std::string>());
    }
    if (node["device"]) v.device = text(node, "device", true, "variant");
    if (node["set"]) {
      for (const auto& s : string_list(node["set"], "set")) v.device_overrides.push_back(s);
    }
    if (node["workload"]) settings(node["workload"], "", v.workload);
    if (node["timing_workload"]) settings(node["timing_workload"], "", v.timing_workload);
    if (node["mode"]) v.modes = modes(node["mode"]);
    if (node["faults"]) v.faults = faults(node["faults"]);
    if (!node["expect"]) fail(node, "variant '" + v.name + "' has no 'expect'", "expect: {outcome: ok|failed, ...}");
    v.expect = expectation(node["expect"]);
    return v;
  }

  Comparison comparison(const YAML::Node& node) const {
    check_keys(node, {"name", "description", "metric", "variant", "baseline_variant", "ratio"}, "comparison");
    Comparison c;
    c.mark = mark(node);
    c.name = text(node, "name", true, "comparison");
    c.description = text(node, "description", false, "comparison");
    c.metric = text(node, "metric", true, "comparison");
    c.variant = text(node, "variant", true, "comparison");
    c.baseline_variant = text(node, "baseline_variant", true, "comparison");
    if (const YAML::Node r = node["ratio"]) {
      check_keys(r, {"min", "max"}, "ratio");
      if (r["min"]) c.min = number(r["min"], "ratio.min");
      if (r["max"]) c.max = number(r["max"], "ratio.max");
    }
    return c;
  }

 private:
  std::string file_;
};
}  // namespace

const Variant* Scenario::find_variant(const std::string& name) const {
  for (const auto& v : variants)
    if (v.name == name) return &v;
  return nullptr;
}

namespace {
Scenario read_scenario(const std::string& path) {
  Reader reader(path);
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw FailureError({"input", "scenario", "", "", "", "cannot open scenario file", "check the path", path});
  } catch (const YAML::Exception& e) {
    throw FailureError({"input", "scenario", "", "", "", "malformed YAML: " + e.msg, "valid YAML",
                        path + ":" + std::to_string(e.mark.line + 1)});
  }
  if (!root.IsMap()) reader.fail(root, "scenario file is not a mapping");
  reader.check_keys(root, {"scenario", "upstream", "title", "summary", "trigger", "model", "device", "set",
                           "mode", "fidelity", "workload", "timing_workload", "faults", "patches", "variants", "comparisons"},
                    "scenario");
  Scenario s;
  s.file = path;
  s.id = reader.text(root, "scenario", true, "scenario");
  s.upstream = reader.text(root, "upstream", true, "scenario");
  s.title = reader.text(root, "title", true, "scenario");
  s.summary = reader.text(root, "summary", true, "scenario");
  s.trigger = reader.text(root, "trigger", true, "scenario");
  const std::string model = reader.text(root, "model", true, "scenario");
  s.model = (fs::path(path).parent_path() / model).lexically_normal().string();
  std::error_code ec;  // the throwing overload fails on names the OS refuses (too long)
  if (!fs::exists(s.model, ec)) reader.fail(root["model"], "model config '" + s.model + "' does not exist");
  s.fidelity = reader.text(root, "fidelity", false, "scenario");
  if (s.fidelity.empty()) s.fidelity = "systemc";
  if (s.fidelity != "systemc" && s.fidelity != "analytic") reader.fail(root["fidelity"], "fidelity '" + s.fidelity + "'", "systemc or analytic");

  Variant base;
  base.modes = {"functional", "timing"};
  base.device = reader.text(root, "device", false, "scenario");
  if (base.device.empty()) base.device = "ascend910b";
  if (root["mode"]) base.modes = reader.modes(root["mode"]);
  if (root["set"]) base.device_overrides = reader.string_list(root["set"], "set");
  if (root["workload"]) reader.settings(root["workload"], "", base.workload);
  if (root["timing_workload"]) reader.settings(root["timing_workload"], "", base.timing_workload);
  if (root["faults"]) base.faults = reader.faults(root["faults"]);
  if (const YAML::Node p = root["patches"]) {
    if (!p.IsMap()) reader.fail(p, "'patches' is not a mapping", "PATCH_ID: on|off");
    for (const auto& item : p) base.patches[item.first.as<std::string>()] = reader.on_off(item.second, "patch");
  }
  const YAML::Node variants = root["variants"];
  if (!variants || !variants.IsSequence() || variants.size() == 0)
    reader.fail(variants ? variants : root, "a scenario needs a non-empty 'variants' list");
  std::set<std::string> names;
  for (const auto& node : variants) {
    Variant v = reader.variant(node, base);
    if (!names.insert(v.name).second) reader.fail(node, "duplicate variant name '" + v.name + "'");
    s.variants.push_back(std::move(v));
  }
  if (const YAML::Node comparisons = root["comparisons"]) {
    if (!comparisons.IsSequence()) reader.fail(comparisons, "'comparisons' is not a list");
    for (const auto& node : comparisons) {
      Comparison c = reader.comparison(node);
      for (const auto* v : {&c.variant, &c.baseline_variant})
        if (!names.count(*v)) reader.fail(node, "comparison names unknown variant '" + *v + "'" +
                                                    did_you_mean(*v, std::vector<std::string>(names.begin(), names.end())));
      s.comparisons.push_back(std::move(c));
    }
  }
  return s;
}
}  // namespace

Scenario load_scenario(const std::string& path) {
  try {
    return read_scenario(path);
  } catch (const YAML::Exception& e) {
    // A value of the wrong YAML shape (a list or map where a scalar belongs).
    throw FailureError({"input", "scenario", "", "", "", "wrong type of value (" + e.msg + ")",
                        "a scalar, list or mapping as scenarios/README.md describes",
                        SourceMark{path, e.mark.line >= 0 ? e.mark.line + 1 : 0}.to_string()});
  }
}

}  // namespace npusim::scenarios
