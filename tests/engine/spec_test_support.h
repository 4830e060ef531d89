// Helpers of the speculative-decoding tests: real devices as sinks, the tiny
// and full-size Qwen3-8B + DFlash pair, and time per generated token from a
// device's records.
#pragma once
#include <algorithm>
#include <string>
#include <vector>

#include "device_model/config/device_config.h"
#include "device_model/runtime/device.h"
#include "device_model/timing/timing_model.h"
#include "engine/engine.h"

namespace npusim::engine::spec::testing {

inline device::Device make_device(bool functional) {
  return device::Device(device::DeviceConfig::load("ascend910b"), functional);
}

inline ModelConfig target_config(bool tiny) {
  ModelConfig c = load_model("qwen3-8b");
  return tiny ? tiny_variant(c) : c;
}
inline ModelConfig draft_config(bool tiny) {
  ModelConfig c = load_model("qwen3-8b-dflash-b16");
  return tiny ? tiny_variant(c) : c;
}

inline Workload dflash_workload(int64_t decode_steps) {
  Workload w;
  w.batch = 1;
  w.prompt_len = 8;
  w.decode_steps = decode_steps;
  w.use_graph = true;
  w.seed = 11;
  w.spec.method = "dflash";
  return w;
}

inline int64_t count_ops(const std::vector<OpCall>& records, const std::string& phase = "") {
  return std::count_if(records.begin(), records.end(), [&](const OpCall& r) {
    return r.kind == RecordKind::op && (phase.empty() || r.origin.phase == phase);
  });
}

// Simulated time per token generated after the prefill (analytic timing of
// the device's records; the prefill ends at its step mark).
inline double ns_per_generated_token(const device::Device& device, const EngineResult& result) {
  const auto timing = device::simulate_timing(device.records(), device.config(),
                                              device::Fidelity::analytic);
  int64_t prefill_end = 0;
  for (const auto& mark : result.steps)
    if (mark.kind == "prefill") prefill_end = mark.records_end;
  // Ops are in launch order; a replayed node keeps its capture's record, so
  // the prefill is done with the last op launched before the first record past it.
  double prefill_done_ns = 0;
  for (const auto& op : timing.ops) {
    if (static_cast<int64_t>(op.record) >= prefill_end) break;
    prefill_done_ns = std::max(prefill_done_ns, op.end_ns);
  }
  const double tokens = static_cast<double>(result.tokens.at(0).size() - 1);
  return (timing.total_ns - prefill_done_ns) / tokens;
}

}  // namespace npusim::engine::spec::testing
