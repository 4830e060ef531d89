// `npusim import CAPTURE.jsonl -o MAPPED.jsonl`: maps a stream recorded from
// PyTorch (tools/torch_capture.py) onto device ops, lists every aten op that has
// no device op, and prints the device ops' counts and FLOPs per phase as the
// device's cost models count them. The mapped stream then runs with
// `npusim exec` and is checked with `npusim check --stream`.
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "device_model/config/hardware_spec.h"
#include "device_model/ops/op_library.h"
#include "engine/aten/aten_import.h"
#include "op_stream/op_stream.h"
#include "sim/cli_options.h"

namespace npusim::sim {
namespace {
using nlohmann::json;

struct OpTotals {
  int64_t count = 0;
  double flops = 0;
};

// Device-op totals keyed by (phase, op).
std::map<std::pair<std::string, std::string>, OpTotals> device_totals(const OpStream& stream,
                                                                      const device::DeviceConfig& config) {
  const device::OpLibrary library(config);
  const auto spec = device::HardwareSpec::from_config(config);
  std::map<std::pair<std::string, std::string>, OpTotals> totals;
  for (const auto& call : stream.records) {
    if (call.kind != RecordKind::op) continue;
    auto& entry = totals[{call.origin.phase, call.op}];
    ++entry.count;
    if (const auto* def = library.find(call.op)) entry.flops += def->work(call, spec).flops;
  }
  return totals;
}

json counts_json(const std::map<std::string, int64_t>& counts) {
  json out = json::object();
  for (const auto& [op, n] : counts) out[op] = n;
  return out;
}

void print_counts(const std::string& title, const std::map<std::string, int64_t>& counts) {
  int64_t total = 0;
  for (const auto& entry : counts) total += entry.second;
  std::cout << fmt::format("{}: {} calls of {} ops\n", title, total, counts.size());
  for (const auto& [op, n] : counts) std::cout << fmt::format("  {:<40} {:>6}\n", op, n);
}
}  // namespace

int command_import(const Args& args) {
  return guarded("import", [&] {
    po::options_description options("options");
    std::string path, out_path, summary_path, preset;
    std::vector<std::string> sets;
    options.add_options()("capture", po::value(&path)->required(), "stream recorded by tools/torch_capture.py")(
        "output,o", po::value(&out_path), "write the mapped op stream (JSON Lines) here")(
        "summary", po::value(&summary_path), "write op counts and FLOPs as JSON here")(
        "device", po::value(&preset)->default_value("ascend910b"), "device preset whose cost models count FLOPs")(
        "set", po::value(&sets)->composing(), "override a preset key: KEY=VALUE (repeatable)");
    po::positional_options_description positional;
    positional.add("capture", 1);
    po::variables_map vm;
    if (!parse_command_line("import", "CAPTURE.jsonl [-o MAPPED.jsonl] [--summary FILE.json]", args, options,
                            positional, vm))
      return kExitOk;
    const OpStream captured = read_op_stream_file(path);
    if (!engine::is_torch_capture(captured))
      throw UsageError(path + ": header source is '" + captured.source + "', not '" + engine::kTorchCaptureSource +
                       "' (record it with tools/torch_capture.py)");
    const engine::AtenImport imported = engine::import_aten_stream(captured);
    if (!out_path.empty()) write_op_stream_file(out_path, imported.stream);

    std::cout << fmt::format("{}: {} records from {} (torch {})\n\n", path, captured.records.size(), captured.source,
                             captured.meta.string_or("torch_version", "?"));
    print_counts("mapped onto device ops", imported.mapped);
    print_counts("views (no op)", imported.views);
    print_counts("UNMAPPED (not in the mapped stream)", imported.unmapped);

    const auto totals = device_totals(imported.stream, device::DeviceConfig::load(preset, sets));
    std::cout << fmt::format("\n{:<10} {:<28} {:>6} {:>16}\n", "phase", "device op", "count", "flops");
    json device_ops = json::array();
    for (const auto& [key, t] : totals) {
      std::cout << fmt::format("{:<10} {:<28} {:>6} {:>16.0f}\n", key.first, key.second, t.count, t.flops);
      device_ops.push_back({{"phase", key.first}, {"op", key.second}, {"count", t.count}, {"flops", t.flops}});
    }
    if (!out_path.empty()) std::cout << "\nmapped stream: " << out_path << "\n";
    if (!summary_path.empty()) {
      const json doc = {{"capture", path},        {"mapped", counts_json(imported.mapped)},
                        {"views", counts_json(imported.views)}, {"unmapped", counts_json(imported.unmapped)},
                        {"device_ops", device_ops}};
      std::ofstream out(summary_path);
      out << doc.dump(2) << "\n";
      if (!out) throw UsageError("cannot write " + summary_path);
    }
    return kExitOk;
  });
}

}  // namespace npusim::sim
