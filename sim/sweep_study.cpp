#include "sim/sweep_study.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>

#include "op_stream/did_you_mean.h"
#include "op_stream/failure.h"
#include "sim/scenario_runner.h"

namespace npusim::sim {
namespace {
namespace fs = std::filesystem;

const std::vector<std::string> kStudyKeys = {"study",    "title", "description", "scenario",     "variant", "mode",
                                             "fidelity", "axes",  "metrics",     "plots",        "time_limit_s"};
const std::vector<std::string> kAxisKeys = {"name", "key", "values"};
const std::vector<std::string> kPlotKeys = {"kind", "x", "y", "metric", "ratio_to"};
const std::vector<std::string> kAssignmentPrefixes = {"set.", "patch.", "workload.", "device"};

[[noreturn]] void fail(const std::string& file, const YAML::Node& node, const std::string& what) {
  Failure f;
  f.kind = "input";
  f.op = "study";
  f.where = file + (node.Mark().line >= 0 ? ":" + std::to_string(node.Mark().line + 1) : "");
  f.message = what;
  throw FailureError(f);
}

void check_keys(const std::string& file, const YAML::Node& map, const std::vector<std::string>& allowed,
                const std::string& context) {
  if (!map.IsMap()) fail(file, map, context + " is not a mapping");
  for (const auto& item : map) {
    const std::string key = item.first.as<std::string>();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      fail(file, item.first, "unknown key '" + key + "' in " + context + did_you_mean(key, allowed));
  }
}

std::string scalar(const std::string& file, const YAML::Node& node, const std::string& what) {
  if (!node || !node.IsScalar()) fail(file, node, what + " must be a scalar");
  return node.as<std::string>();
}

void check_assignment_key(const std::string& file, const YAML::Node& node, const std::string& key) {
  for (const auto& prefix : kAssignmentPrefixes)
    if (key.rfind(prefix, 0) == 0 && (key.size() > prefix.size() || prefix == "device")) return;
  fail(file, node, "axis key '" + key + "' must be set.KEY, patch.ID, workload.KEY or device");
}

// `values` items are scalars (with the axis's `key`) or {label: ..., KEY: VALUE, ...} bundles.
Axis load_axis(const std::string& file, const YAML::Node& node) {
  check_keys(file, node, kAxisKeys, "an axis");
  Axis axis;
  axis.name = scalar(file, node["name"], "an axis's name");
  const std::string key = node["key"] ? scalar(file, node["key"], "an axis's key") : "";
  if (!key.empty()) check_assignment_key(file, node["key"], key);
  const YAML::Node values = node["values"];
  if (!values || !values.IsSequence() || values.size() == 0) fail(file, node, "axis '" + axis.name + "' needs a list of values");
  for (const auto& item : values) {
    AxisValue v;
    if (item.IsScalar()) {
      if (key.empty()) fail(file, item, "axis '" + axis.name + "' has scalar values but no key");
      v.label = item.as<std::string>();
      v.assignments.push_back({key, v.label});
    } else if (item.IsMap()) {
      v.label = scalar(file, item["label"], "a bundled axis value's label");
      for (const auto& kv : item) {
        const std::string k = kv.first.as<std::string>();
        if (k == "label") continue;
        check_assignment_key(file, kv.first, k);
        v.assignments.push_back({k, scalar(file, kv.second, "the value of " + k)});
      }
    } else {
      fail(file, item, "an axis value must be a scalar or a {label: ..., KEY: VALUE} mapping");
    }
    axis.values.push_back(std::move(v));
  }
  return axis;
}

Plot load_plot(const std::string& file, const YAML::Node& node, const StudyHeader& header) {
  check_keys(file, node, kPlotKeys, "a plot");
  Plot p{scalar(file, node["kind"], "a plot's kind"), scalar(file, node["x"], "a plot's x axis"),
         node["y"] ? scalar(file, node["y"], "a plot's y axis") : "", scalar(file, node["metric"], "a plot's metric"),
         node["ratio_to"] ? scalar(file, node["ratio_to"], "a plot's ratio_to") : ""};
  if (p.kind != "line" && p.kind != "heatmap") fail(file, node, "plot kind '" + p.kind + "' is not line or heatmap");
  auto known = [&](const std::string& axis) {
    return std::find(header.axis_names.begin(), header.axis_names.end(), axis) != header.axis_names.end();
  };
  if (!known(p.x)) fail(file, node, "plot x '" + p.x + "' is not an axis" + did_you_mean(p.x, header.axis_names));
  if (p.kind == "heatmap" && (!known(p.y) || p.y == p.x)) fail(file, node, "a heatmap's y must be another axis");
  if (!p.ratio_to.empty()) {
    const auto eq = p.ratio_to.find('=');
    const std::string axis = p.ratio_to.substr(0, eq);
    const size_t a = std::find(header.axis_names.begin(), header.axis_names.end(), axis) - header.axis_names.begin();
    if (eq == std::string::npos || a == header.axis_names.size() ||
        std::find(header.axis_labels[a].begin(), header.axis_labels[a].end(), p.ratio_to.substr(eq + 1)) ==
            header.axis_labels[a].end())
      fail(file, node, "ratio_to '" + p.ratio_to + "' must be AXIS=LABEL of this study");
  }
  return p;
}

bool on_off(const std::string& value, const std::string& what) {
  if (value == "on" || value == "true") return true;
  if (value == "off" || value == "false") return false;
  Failure f;
  f.kind = "input";
  f.op = "study";
  f.parameter = what;
  f.value = value;
  f.message = what + " is '" + value + "', expected on or off";
  throw FailureError(f);
}

}  // namespace

size_t StudyHeader::point_count() const {
  size_t n = 1;
  for (const auto& labels : axis_labels) n *= labels.size();
  return n;
}

std::vector<std::string> StudyHeader::labels_of(size_t index) const {
  std::vector<std::string> out(axis_labels.size());
  for (size_t a = axis_labels.size(); a-- > 0;) {
    out[a] = axis_labels[a][index % axis_labels[a].size()];
    index /= axis_labels[a].size();
  }
  return out;
}

scenarios::Variant Study::point_variant(size_t index) const {
  const scenarios::Variant* base = scenario.find_variant(variant);
  scenarios::Variant v = *base;
  v.expect = {};
  v.expect.outcome = "ok";
  if (!modes.empty()) v.modes = modes;
  v.name = header.id + "-" + std::to_string(index);
  for (size_t a = axes.size(), rest = index; a-- > 0;) {
    const AxisValue& value = axes[a].values[rest % axes[a].values.size()];
    rest /= axes[a].values.size();
    for (const auto& [key, text] : value.assignments) {
      const scenarios::Setting setting{text, {file, 0}};
      if (key == "device") {
        v.device = text;
      } else if (key.rfind("set.", 0) == 0) {
        v.device_overrides.push_back(key.substr(4) + "=" + text);
      } else if (key.rfind("patch.", 0) == 0) {
        v.patches[key.substr(6)] = on_off(text, key);
      } else {
        // A workload axis applies to the timing run too, even where the
        // scenario gives the timing run its own value for the key.
        const std::string k = key.substr(9);
        v.workload[k] = setting;
        if (v.timing_workload.count(k)) v.timing_workload[k] = setting;
      }
    }
  }
  return v;
}

Study load_study(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw FailureError({"input", "study", "", "", "", "cannot open study file", "check the path", path});
  } catch (const YAML::Exception& e) {
    const std::string where = e.mark.line < 0 ? path : path + ":" + std::to_string(e.mark.line + 1) + ":" +
                                                           std::to_string(e.mark.column + 1);
    throw FailureError({"input", "study", "", "", "", "malformed YAML: " + e.msg, "valid YAML", where});
  }
  check_keys(path, root, kStudyKeys, "a study");
  Study s;
  s.file = path;
  s.header.id = scalar(path, root["study"], "study");
  s.header.title = root["title"] ? scalar(path, root["title"], "title") : s.header.id;
  s.header.description = root["description"] ? scalar(path, root["description"], "description") : "";
  const std::string scenario_file =
      (fs::path(path).parent_path() / scalar(path, root["scenario"], "scenario")).lexically_normal().string();
  s.scenario = scenarios::load_scenario(scenario_file);
  s.variant = scalar(path, root["variant"], "variant");
  if (!s.scenario.find_variant(s.variant)) fail(path, root["variant"], "scenario has no variant '" + s.variant + "'");
  if (root["mode"]) {
    const std::string mode = scalar(path, root["mode"], "mode");
    if (mode == "both") s.modes = {"functional", "timing"};
    else if (mode == "timing" || mode == "functional") s.modes = {mode};
    else fail(path, root["mode"], "mode must be timing, functional or both");
  }
  s.fidelity = root["fidelity"] ? scalar(path, root["fidelity"], "fidelity") : "analytic";
  if (s.fidelity != "analytic" && s.fidelity != "systemc") fail(path, root["fidelity"], "fidelity must be analytic or systemc");
  if (root["time_limit_s"]) {
    try {
      s.time_limit_s = root["time_limit_s"].as<double>();
    } catch (const YAML::Exception&) {
      fail(path, root["time_limit_s"], "time_limit_s must be a number of seconds");
    }
    if (!(s.time_limit_s > 0)) fail(path, root["time_limit_s"], "time_limit_s must be positive");
  }
  if (!root["axes"] || !root["axes"].IsSequence() || root["axes"].size() == 0) fail(path, root, "a study needs axes");
  for (const auto& node : root["axes"]) {
    s.axes.push_back(load_axis(path, node));
    s.header.axis_names.push_back(s.axes.back().name);
    s.header.axis_labels.emplace_back();
    for (const auto& v : s.axes.back().values) s.header.axis_labels.back().push_back(v.label);
  }
  if (root["metrics"])
    for (const auto& m : root["metrics"]) s.header.metrics.push_back(scalar(path, m, "a metric"));
  if (root["plots"])
    for (const auto& p : root["plots"]) s.header.plots.push_back(load_plot(path, p, s.header));
  // Bad axis values are input errors before anything runs.
  for (size_t i = 0; i < s.header.point_count(); ++i) {
    try {
      validate_variant(s.scenario, s.point_variant(i));
    } catch (const FailureError& e) {
      Failure f = e.failure();
      f.message = "point " + std::to_string(i) + " of " + path + ": " + f.message;
      throw FailureError(f);
    }
  }
  return s;
}

std::vector<size_t> shard_points(size_t count, const std::string& shard) {
  size_t k = 0, n = 0;
  const auto slash = shard.find('/');
  try {
    if (slash == std::string::npos) throw std::invalid_argument(shard);
    k = std::stoul(shard.substr(0, slash));
    n = std::stoul(shard.substr(slash + 1));
  } catch (const std::exception&) {
    n = 0;
  }
  if (n == 0 || k < 1 || k > n)
    throw FailureError({"usage", "sweep", "shard", shard, "", "--shard must be K/N with 1 <= K <= N", "e.g. --shard 2/3", ""});
  std::vector<size_t> out;
  for (size_t i = k - 1; i < count; i += n) out.push_back(i);
  return out;
}

}  // namespace npusim::sim
