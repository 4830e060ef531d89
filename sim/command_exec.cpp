// `npusim exec STREAM.jsonl`: run a recorded op stream on a device preset and
// print per-op simulated time, the total, and the first refused record.
#include <fmt/format.h>

#include <iostream>
#include <map>

#include "op_stream/op_stream.h"
#include "sim/cli_options.h"
#include "sim/stream_execution.h"

namespace npusim::sim {
namespace {
void print_timing(const device::TimingResult& timing, size_t max_lines) {
  std::cout << fmt::format("{:>6}  {:<28} {:<34} {:>12} {:>12}\n", "#", "op", "origin", "start_us", "dur_us");
  std::map<std::string, std::pair<int, double>> by_class;
  size_t line = 0;
  for (const auto& op : timing.ops) {
    const double dur = op.end_ns - op.start_ns;
    auto& entry = by_class[op.op_class().empty() ? op.op() : op.op_class()];
    entry.first += 1;
    entry.second += dur;
    if (line++ < max_lines)
      std::cout << fmt::format("{:>6}  {:<28} {:<34} {:>12.3f} {:>12.3f}\n", op.record,
                               op.op() + (op.graph().empty() ? "" : " @" + op.graph()),
                               op.origin().to_string().substr(0, 34), op.start_ns / 1e3, dur / 1e3);
  }
  if (timing.ops.size() > max_lines)
    std::cout << fmt::format("  ... {} more ops (--max-lines to show more)\n", timing.ops.size() - max_lines);
  std::cout << "\nby op class:\n";
  for (const auto& [name, entry] : by_class)
    std::cout << fmt::format("  {:<16} {:>6} ops {:>14.3f} us\n", name, entry.first, entry.second / 1e3);
  std::cout << fmt::format("\ntotal simulated time: {:.3f} us ({} device ops, host launch {:.3f} us)\n",
                           timing.total_ns / 1e3, timing.ops.size(), timing.host_launch_ns / 1e3);
}

// Refusals that say the stream itself is wrong (undefined buffers, unknown ops
// or graphs) rather than that the device cannot run a well-formed stream.
bool malformed_stream(const Failure& f) {
  return f.kind == "input" || f.kind == "runtime" || f.kind == "unsupported_op" || f.kind == "graph";
}
}  // namespace

int command_exec(const Args& args) {
  return guarded("exec", [&] {
    po::options_description options("options");
    std::string path, preset, mode, fidelity_name;
    std::vector<std::string> sets;
    size_t max_lines = 60;
    options.add_options()("stream", po::value(&path)->required(), "op stream file (JSON Lines)")(
        "device", po::value(&preset)->default_value("ascend910b"), "device preset name or YAML path")(
        "set", po::value(&sets)->composing(), "override a preset key: KEY=VALUE (repeatable)")(
        "mode", po::value(&mode)->default_value("timing"), "timing (shapes only) | functional (values)")(
        "fidelity", po::value(&fidelity_name)->default_value("systemc"), "systemc | analytic")(
        "max-lines", po::value(&max_lines)->default_value(60), "per-op lines to print");
    po::positional_options_description positional;
    positional.add("stream", 1);
    po::variables_map vm;
    if (!parse_command_line("exec", "STREAM.jsonl [--device PRESET] [--set KEY=VALUE]...", args, options,
                            positional, vm))
      return kExitOk;
    if (mode != "timing" && mode != "functional") throw UsageError("--mode must be timing or functional, not '" + mode + "'");
    const auto fidelity = parse_fidelity(fidelity_name);
    if (!fidelity) throw UsageError("--fidelity must be systemc or analytic, not '" + fidelity_name + "'");
    const OpStream stream = read_op_stream_file(path);
    const auto config = device::DeviceConfig::load(preset, sets);
    const StreamExecution result = execute_stream(stream.records, config, mode == "functional", *fidelity);
    std::cout << fmt::format("{}: {} records on {} ({} mode, {} fidelity)\n\n", path, stream.records.size(),
                             config.name(), mode, fidelity_name);
    print_timing(result.timing, max_lines);
    std::cout << fmt::format("device memory peak: {:.3f} MiB\n", result.memory_peak_bytes / 1048576.0);
    if (result.failure) {
      const Failure& f = *result.failure;
      std::cerr << fmt::format("{}:{}: record {} refused: {}\n", path, stream.record_lines.at(result.failed_record),
                               result.failed_record, f.to_string());
      return malformed_stream(f) ? kExitBadInput : kExitSimulatedFailure;
    }
    return kExitOk;
  });
}

}  // namespace npusim::sim
