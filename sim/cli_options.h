// Shared command-line parsing for the subcommands (Boost.Program_options):
// bad usage becomes a UsageError that the command turns into exit code 2.
#pragma once
#include <boost/program_options.hpp>
#include <functional>
#include <stdexcept>
#include <string>

#include "sim/commands.h"

namespace npusim::sim {

namespace po = boost::program_options;

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Parses `args`; returns false (after printing help) when --help was given.
bool parse_command_line(const std::string& command, const std::string& synopsis, const Args& args,
                        po::options_description& options,
                        const po::positional_options_description& positional,
                        po::variables_map& vm);

// Runs a command body, mapping FailureError kinds and usage errors to exit codes
// and printing them on stderr.
int guarded(const std::string& command, const std::function<int()>& body);

}  // namespace npusim::sim
