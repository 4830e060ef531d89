// A device preset (YAML) plus command-line overrides, flattened to dotted keys.
// Every key the code reads is declared in the preset; an override of a key the
// preset does not have is an error with a did-you-mean.
#pragma once
#include <map>
#include <set>
#include <string>
#include <variant>
#include <vector>

namespace npusim::device {

using ConfigValue = std::variant<bool, double, std::string, std::vector<double>>;

class DeviceConfig {
 public:
  // `preset` is a preset name (file in device_model/presets/) or a path to a YAML
  // file. Overrides are "key=value" strings. Throws FailureError{kind="config"}.
  static DeviceConfig load(const std::string& preset, const std::vector<std::string>& overrides = {});
  static std::string preset_dir();
  static std::vector<std::string> preset_names();

  void set(const std::string& key, const std::string& value);  // typed by the existing value
  void set(const std::string& assignment);                     // "key=value"
  bool has(const std::string& key) const { return values_.count(key) != 0; }
  double number(const std::string& key) const;   // throws config error if missing
  bool flag(const std::string& key) const;
  std::string text(const std::string& key) const;
  std::vector<double> numbers(const std::string& key) const;
  bool flag_or(const std::string& key, bool fallback) const;

  const std::map<std::string, ConfigValue>& values() const { return values_; }
  const std::string& name() const { return name_; }
  const std::string& source_file() const { return source_file_; }
  // Keys no accessor has read yet: after every reader ran, a non-empty list is a
  // preset key no code uses (the SST rule of STYLE.md).
  std::vector<std::string> unread_keys() const;
  // "FILE:LINE" of a key in the preset (the file alone for declared keys), for
  // error messages about its value.
  std::string where(const std::string& key) const;

 private:
  const ConfigValue& lookup(const std::string& key, const char* expected) const;

  std::string name_;
  std::string source_file_;
  std::map<std::string, ConfigValue> values_;
  std::map<std::string, int> lines_;       // key -> line in source_file_ (1-based)
  mutable std::set<std::string> read_;     // keys read through an accessor
};

std::string config_value_string(const ConfigValue& value);

}  // namespace npusim::device
