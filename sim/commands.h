// The npusim subcommands. Each takes the arguments after its name and returns
// the process exit code: 0 ok, 1 a simulated failure or an unmet expectation,
// 2 bad usage or bad input.
#pragma once
#include <string>
#include <vector>

namespace npusim::sim {

using Args = std::vector<std::string>;

struct Command {
  const char* name;
  const char* summary;
  int (*run)(const Args& args);
};

int command_ops(const Args& args);
int command_presets(const Args& args);
int command_exec(const Args& args);
int command_stream(const Args& args);
int command_run(const Args& args);
int command_regress(const Args& args);
int command_import(const Args& args);
int command_check(const Args& args);
int command_sweep(const Args& args);
int command_merge(const Args& args);

const std::vector<Command>& commands();

constexpr int kExitOk = 0;
constexpr int kExitSimulatedFailure = 1;
constexpr int kExitBadInput = 2;

}  // namespace npusim::sim
