// `npusim presets`: device presets and their figures.
#include <iostream>
#include <sstream>

#include "device_model/config/device_config.h"
#include "sim/cli_options.h"

namespace npusim::sim {
namespace {
std::string value_text(const device::ConfigValue& value) {
  struct Visitor {
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(double d) const {
      std::ostringstream s;
      s << d;
      return s.str();
    }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const std::vector<double>& v) const {
      std::string out = "[";
      for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + operator()(v[i]);
      return out + "]";
    }
  };
  return std::visit(Visitor{}, value);
}
}  // namespace

int command_presets(const Args& args) {
  return guarded("presets", [&] {
    po::options_description options("options");
    std::string only;
    bool with_constraints = false;
    options.add_options()("preset", po::value(&only), "show one preset only")(
        "constraints", po::bool_switch(&with_constraints), "also list constraint switches");
    po::positional_options_description positional;
    positional.add("preset", 1);
    po::variables_map vm;
    if (!parse_command_line("presets", "[PRESET] [--constraints]", args, options, positional, vm)) return kExitOk;
    for (const auto& name : device::DeviceConfig::preset_names()) {
      if (!only.empty() && name != only) continue;
      const auto config = device::DeviceConfig::load(name);
      std::cout << name << "  (" << config.source_file() << ")\n";
      for (const auto& [key, value] : config.values()) {
        if (!with_constraints && key.rfind("constraints.", 0) == 0) continue;
        std::cout << "    " << key << " = " << value_text(value) << "\n";
      }
    }
    return kExitOk;
  });
}

}  // namespace npusim::sim
