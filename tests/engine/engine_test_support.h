// Helpers shared by the engine tests: running the engine into a recording
// sink, and picking records out of the stream.
#pragma once
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/recording_sink.h"

namespace npusim::engine::testing {

// Stand-in for a device's declared limits in tests of the engine alone: an NPU
// whose FIA takes 1, 2, 4, ..., 128 heads in MLA mode (FACTS.md). Tests of the
// padding decision itself use a real device (tensor_parallel_test.cpp).
class NpuLikeCapabilities : public OpCapabilities {
 public:
  explicit NpuLikeCapabilities(std::string platform = "npu") : platform_(std::move(platform)) {}
  std::optional<std::vector<int64_t>> allowed_values(const std::string& op, const std::string& parameter,
                                                     const Attrs& facts) const override {
    if (op == "FusedInferAttentionScore" && parameter == "num_heads" && facts.bool_or("mla", false))
      return std::vector<int64_t>{1, 2, 4, 8, 16, 32, 64, 128};
    return std::nullopt;
  }
  std::string platform() const override { return platform_; }

 private:
  std::string platform_;
};

struct Recorded {
  std::vector<OpCall> records;
  EngineResult result;
};

inline Recorded record(const ModelConfig& config, const Workload& workload, const PatchSet& patches = {},
                       const OpCapabilities& caps = NpuLikeCapabilities()) {
  RecordingSink sink(caps);
  EngineResult result = run_engine(config, workload, patches, sink);
  return {sink.records(), result};
}

inline Workload decode_workload(int64_t batch = 1, int64_t tp = 1) {
  Workload w;
  w.phase = "decode";
  w.batch = batch;
  w.prompt_len = 8;
  w.decode_steps = 1;
  w.tp = tp;
  w.use_graph = false;
  return w;
}

// Ops (kind op) of `layer` issued in `phase`, in order.
inline std::vector<const OpCall*> layer_ops(const std::vector<OpCall>& records, int layer, const std::string& phase) {
  std::vector<const OpCall*> out;
  for (const auto& r : records)
    if (r.kind == RecordKind::op && r.origin.layer == layer && r.origin.phase == phase) out.push_back(&r);
  return out;
}

inline std::vector<std::string> op_names(const std::vector<const OpCall*>& ops) {
  std::vector<std::string> names;
  for (const auto* op : ops) names.push_back(op->op);
  return names;
}

inline std::vector<const OpCall*> find_ops(const std::vector<OpCall>& records, const std::string& name,
                                           const std::string& phase = "") {
  std::vector<const OpCall*> out;
  for (const auto& r : records)
    if (r.kind == RecordKind::op && r.op == name && (phase.empty() || r.origin.phase == phase)) out.push_back(&r);
  return out;
}

// 2·M·N·K of a MatMul / QuantMatMul record (x [.., M, K], weight [N, K]).
inline double matmul_flops(const OpCall& op) {
  const TensorRef& x = *op.input("x");
  const TensorRef& w = *op.input("weight");
  return 2.0 * static_cast<double>(x.numel()) * static_cast<double>(w.shape[0]);
}

inline ModelConfig shipped(const std::string& name) { return load_model(name); }

}  // namespace npusim::engine::testing
