// npusim command-line entry point. libsystemc.so owns main() and calls sc_main.
#include <cstdlib>
#include <iostream>
#include <systemc>

#include "sim/commands.h"

int sc_main(int argc, char* argv[]) {
  using namespace npusim::sim;
  const Args all(argv + 1, argv + argc);
  auto usage = [](std::ostream& out) {
    out << "usage: npusim COMMAND [options]   (npusim COMMAND --help for its options)\n\ncommands:\n";
    for (const auto& c : commands()) out << "  " << c.name << std::string(10 - std::string(c.name).size(), ' ') << c.summary << "\n";
  };
  if (all.empty() || all[0] == "--help" || all[0] == "-h" || all[0] == "help") {
    usage(all.empty() ? std::cerr : std::cout);
    return all.empty() ? kExitBadInput : kExitOk;
  }
  for (const auto& c : commands())
    if (all[0] == c.name) return c.run(Args(all.begin() + 1, all.end()));
  std::cerr << "npusim: unknown command '" << all[0] << "'\n\n";
  usage(std::cerr);
  return kExitBadInput;
}

// sc_elab_and_sim prints SystemC's banner on stderr before calling sc_main
// unless this variable is set, so set it first and enter SystemC ourselves.
int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
