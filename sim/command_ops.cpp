// `npusim ops`: the operator library and its declared constraint tables.
#include <iostream>

#include "device_model/config/device_config.h"
#include "device_model/ops/op_library.h"
#include "sim/cli_options.h"

namespace npusim::sim {

int command_ops(const Args& args) {
  return guarded("ops", [&] {
    po::options_description options("options");
    std::string preset, only;
    std::vector<std::string> sets;
    options.add_options()("device", po::value(&preset)->default_value("ascend910b"), "device preset")(
        "set", po::value(&sets)->composing(), "override a preset key: KEY=VALUE (repeatable)")(
        "op", po::value(&only), "show one op only");
    po::positional_options_description positional;
    positional.add("op", 1);
    po::variables_map vm;
    if (!parse_command_line("ops", "[OP] [--device PRESET] [--set KEY=VALUE]...", args, options, positional, vm))
      return kExitOk;
    const auto config = device::DeviceConfig::load(preset, sets);
    const device::OpLibrary library(config);
    bool found = only.empty();
    for (const auto& name : library.op_names()) {
      if (!only.empty() && name != only) continue;
      found = true;
      const auto* def = library.find(name);
      std::cout << name << "  [" << def->op_class << "]  " << def->summary << "\n";
      for (const auto& rule : library.rules(name))
        std::cout << "    " << (rule.enabled ? "  " : "- ") << rule.id << ": " << rule.condition
                  << (rule.source.empty() ? "" : "  (" + rule.source + ")") << "\n";
    }
    if (!found) throw UsageError("no op named '" + only + "' in the library (npusim ops lists them)");
    return kExitOk;
  });
}

}  // namespace npusim::sim
