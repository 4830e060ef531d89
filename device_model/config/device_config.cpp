#include "device_model/config/device_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "device_model/ops/op_library.h"
#include "op_stream/did_you_mean.h"
#include "op_stream/failure.h"

namespace npusim::device {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void config_error(const std::string& parameter, const std::string& value,
                               const std::string& message, const std::string& hint,
                               const std::string& where) {
  Failure f;
  f.kind = "config";
  f.op = "device config";
  f.parameter = parameter;
  f.value = value;
  f.message = message;
  f.hint = hint;
  f.where = where;
  throw FailureError(f);
}

std::string mark_where(const std::string& file, const YAML::Mark& mark) {
  if (mark.line < 0) return file;
  return file + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

// Whole-string number parse; rejects trailing text, NaN and infinities.
bool parse_number(const std::string& text, double& out) {
  if (text.empty()) return false;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size() && std::isfinite(out);
}

bool parse_bool(const std::string& text, bool& out) {
  if (text == "true" || text == "on" || text == "1") return out = true, true;
  if (text == "false" || text == "off" || text == "0") return out = false, true;
  return false;
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

// "[1, 2, 3]" or "1,2,3" -> numbers; false on any non-number element.
bool parse_numbers(std::string text, std::vector<double>& out) {
  text = trim(text);
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  out.clear();
  if (trim(text).empty()) return true;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    double v = 0;
    if (!parse_number(trim(text.substr(start, comma - start)), v)) return false;
    out.push_back(v);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return true;
}

const char* type_name(const ConfigValue& value) {
  switch (value.index()) {
    case 0: return "a boolean (true/false)";
    case 1: return "a number";
    case 2: return "a string";
    default: return "a list of numbers";
  }
}

class Flattener {
 public:
  Flattener(std::string file, std::map<std::string, ConfigValue>& values, std::map<std::string, int>& lines)
      : file_(std::move(file)), values_(values), lines_(lines) {}

  void node(const YAML::Node& n, const std::string& key) {
    const std::string where = mark_where(file_, n.Mark());
    if (n.IsMap()) {
      for (const auto& item : n) {
        const std::string child = item.first.as<std::string>();
        if (child.empty() || child.find('.') != std::string::npos)
          config_error(child, "", "preset key '" + child + "' is empty or contains '.'",
                       "nest keys as YAML maps instead", mark_where(file_, item.first.Mark()));
        node(item.second, key.empty() ? child : key + "." + child);
      }
      return;
    }
    if (key.empty()) config_error("", "", "a preset must be a YAML map of keys", "see device_model/presets/ascend910b.yaml", where);
    lines_[key] = n.Mark().line + 1;
    if (n.IsScalar()) {
      values_[key] = scalar(n);
    } else if (n.IsSequence()) {
      std::vector<double> numbers;
      for (const auto& e : n) {
        double v = 0;
        if (!e.IsScalar() || !parse_number(e.Scalar(), v))
          config_error(key, "", "list '" + key + "' holds a non-number", "lists hold numbers only", mark_where(file_, e.Mark()));
        numbers.push_back(v);
      }
      values_[key] = numbers;
    } else {
      config_error(key, "", "key '" + key + "' has no value", "give it a value or remove it", where);
    }
  }

 private:
  static ConfigValue scalar(const YAML::Node& n) {
    const std::string& text = n.Scalar();
    if (n.Tag() == "!") return text;  // quoted: always a string
    bool b = false;
    if ((text == "true" || text == "false") && parse_bool(text, b)) return b;
    double d = 0;
    if (parse_number(text, d)) return d;
    return text;
  }

  std::string file_;
  std::map<std::string, ConfigValue>& values_;
  std::map<std::string, int>& lines_;
};

std::string resolve_preset(const std::string& preset) {
  const bool is_path = preset.find('/') != std::string::npos || fs::path(preset).extension() == ".yaml" ||
                       fs::path(preset).extension() == ".yml";
  const std::string path = is_path ? preset : DeviceConfig::preset_dir() + "/" + preset + ".yaml";
  std::error_code ec;  // the throwing overload fails on names the OS refuses (too long)
  if (fs::is_regular_file(path, ec)) return path;
  if (is_path) config_error("preset", preset, "preset file '" + preset + "' does not exist", "check the path", preset);
  config_error("preset", preset, "unknown device preset '" + preset + "'" + did_you_mean(preset, DeviceConfig::preset_names()),
               "`npusim presets` lists them", DeviceConfig::preset_dir());
}

}  // namespace

std::string config_value_string(const ConfigValue& value) {
  struct Visitor {
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(double d) const {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.10g", d);
      return buf;
    }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const std::vector<double>& v) const {
      std::string out = "[";
      for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + (*this)(v[i]);
      return out + "]";
    }
  };
  return std::visit(Visitor{}, value);
}

std::string DeviceConfig::preset_dir() { return NPUSIM_PRESET_DIR; }

std::vector<std::string> DeviceConfig::preset_names() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(preset_dir(), ec))
    if (entry.path().extension() == ".yaml") names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

DeviceConfig DeviceConfig::load(const std::string& preset, const std::vector<std::string>& overrides) {
  DeviceConfig config;
  config.source_file_ = resolve_preset(preset);
  config.name_ = fs::path(config.source_file_).stem().string();
  YAML::Node root;
  try {
    root = YAML::LoadFile(config.source_file_);
  } catch (const YAML::Exception& e) {
    config_error("", "", "malformed preset: " + e.msg, "fix the YAML syntax", mark_where(config.source_file_, e.mark));
  }
  Flattener(config.source_file_, config.values_, config.lines_).node(root, "");
  // Constraint-rule switches are declared by the op library, so they can be
  // overridden like any preset key; a preset may also set them.
  for (const auto& [key, value] : OpLibrary::declared_config_keys()) config.values_.emplace(key, value);
  for (const auto& assignment : overrides) config.set(assignment);
  return config;
}

void DeviceConfig::set(const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos)
    config_error(assignment, "", "override '" + assignment + "' is not key=value",
                 "write --set section.key=value", source_file_);
  set(trim(assignment.substr(0, eq)), trim(assignment.substr(eq + 1)));
}

void DeviceConfig::set(const std::string& key, const std::string& value) {
  auto it = values_.find(key);
  if (it == values_.end()) {
    std::vector<std::string> known;
    for (const auto& entry : values_) known.push_back(entry.first);
    config_error(key, value, "unknown device key '" + key + "'" + did_you_mean(key, known),
                 "`npusim presets` lists the keys of preset '" + name_ + "'", source_file_);
  }
  ConfigValue parsed;
  bool ok = false;
  switch (it->second.index()) {
    case 0: { bool b = false; ok = parse_bool(value, b); parsed = b; break; }
    case 1: { double d = 0; ok = parse_number(value, d); parsed = d; break; }
    case 2: { ok = true; parsed = value; break; }
    default: { std::vector<double> v; ok = parse_numbers(value, v); parsed = v; break; }
  }
  if (!ok)
    config_error(key, value, "override of '" + key + "' with '" + value + "': expected " + type_name(it->second),
                 "current value is " + config_value_string(it->second), where(key));
  it->second = std::move(parsed);
}

const ConfigValue& DeviceConfig::lookup(const std::string& key, const char* expected) const {
  auto it = values_.find(key);
  if (it == values_.end())
    config_error(key, "", "preset '" + name_ + "' has no key '" + key + "' (" + expected + ")",
                 "add it to the preset with a source comment", source_file_);
  read_.insert(key);
  return it->second;
}

std::string DeviceConfig::where(const std::string& key) const {
  auto line = lines_.find(key);
  return line == lines_.end() ? source_file_ : source_file_ + ":" + std::to_string(line->second);
}

double DeviceConfig::number(const std::string& key) const {
  const ConfigValue& v = lookup(key, "a number");
  if (auto d = std::get_if<double>(&v)) return *d;
  config_error(key, config_value_string(v), "key '" + key + "' is " + type_name(v) + ", expected a number", "", where(key));
}

bool DeviceConfig::flag(const std::string& key) const {
  const ConfigValue& v = lookup(key, "a boolean");
  if (auto b = std::get_if<bool>(&v)) return *b;
  config_error(key, config_value_string(v), "key '" + key + "' is " + type_name(v) + ", expected a boolean", "", where(key));
}

std::string DeviceConfig::text(const std::string& key) const {
  const ConfigValue& v = lookup(key, "a string");
  if (auto s = std::get_if<std::string>(&v)) return *s;
  config_error(key, config_value_string(v), "key '" + key + "' is " + type_name(v) + ", expected a string", "", where(key));
}

std::vector<double> DeviceConfig::numbers(const std::string& key) const {
  const ConfigValue& v = lookup(key, "a list of numbers");
  if (auto l = std::get_if<std::vector<double>>(&v)) return *l;
  config_error(key, config_value_string(v), "key '" + key + "' is " + type_name(v) + ", expected a list of numbers", "", where(key));
}

bool DeviceConfig::flag_or(const std::string& key, bool fallback) const {
  return has(key) ? flag(key) : fallback;
}

std::vector<std::string> DeviceConfig::unread_keys() const {
  std::vector<std::string> out;
  for (const auto& entry : values_)
    if (!read_.count(entry.first)) out.push_back(entry.first);
  return out;
}

}  // namespace npusim::device
