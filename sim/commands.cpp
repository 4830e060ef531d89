#include "sim/commands.h"

namespace npusim::sim {

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"ops", "list the operator library and each op's declared constraints", command_ops},
      {"presets", "list device presets and their figures", command_presets},
      {"exec", "execute an op stream (JSON Lines) on a device preset", command_exec},
      {"stream", "write the op stream the engine issues for a model and workload", command_stream},
      {"run", "run one scenario (all its variants) and write reports", command_run},
      {"regress", "run a regression suite, check expectations and baselines", command_regress},
      {"import", "map a stream recorded from PyTorch (tools/torch_capture.py) onto device ops", command_import},
      {"check", "will a model hit an operator constraint on a device? tp x phase matrix", command_check},
      {"sweep", "run a what-if study (axes over preset keys, patches, workload) and plot it", command_sweep},
      {"merge", "combine the reports of a study's shards into one", command_merge},
  };
  return table;
}

}  // namespace npusim::sim
