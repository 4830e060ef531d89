#include "sim/cli_options.h"

#include <iostream>

#include "op_stream/failure.h"

namespace npusim::sim {

bool parse_command_line(const std::string& command, const std::string& synopsis, const Args& args,
                        po::options_description& options,
                        const po::positional_options_description& positional,
                        po::variables_map& vm) {
  options.add_options()("help,h", "show this help");
  try {
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
    if (vm.count("help")) {
      std::cout << "usage: npusim " << command << " " << synopsis << "\n\n" << options << "\n";
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(std::string(e.what()) + " (see npusim " + command + " --help)");
  }
  return true;
}

int guarded(const std::string& command, const std::function<int()>& body) {
  try {
    return body();
  } catch (const UsageError& e) {
    std::cerr << "npusim " << command << ": " << e.what() << "\n";
    return kExitBadInput;
  } catch (const FailureError& e) {
    const Failure& f = e.failure();
    if (!f.where.empty() && (f.kind == "input" || f.kind == "config"))
      std::cerr << f.where << ": " << f.message << (f.hint.empty() ? "" : " (" + f.hint + ")") << "\n";
    else
      std::cerr << "npusim " << command << ": " << f.to_string() << "\n";
    const bool bad_input = f.kind == "input" || f.kind == "config" || f.kind == "usage";
    return bad_input ? kExitBadInput : kExitSimulatedFailure;
  } catch (const std::exception& e) {
    std::cerr << "npusim " << command << ": internal error: " << e.what() << "\n";
    return kExitBadInput;
  }
}

}  // namespace npusim::sim
