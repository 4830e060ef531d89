// Accuracy figures of a functional run: the engine's last-step logits and
// greedy tokens against the independent fp32 reference (engine/reference/),
// and for speculative runs, the tokens against the same engine without
// speculation (speculative greedy decoding must be lossless).
#pragma once
#include "engine/engine.h"
#include "reports/run_result.h"

namespace npusim::device {
class DeviceConfig;
}

namespace npusim::sim {

void add_accuracy_metrics(const engine::ModelConfig& tiny_model, const engine::Workload& workload,
                          const engine::PatchSet& patches, const device::DeviceConfig& device_config,
                          const engine::EngineResult& result, reports::RunResult& run);

// Fraction of positions where two token lists agree (over the shorter length
// of each sequence pair); 0 when there is nothing to compare.
double token_agreement(const std::vector<std::vector<int32_t>>& a, const std::vector<std::vector<int32_t>>& b);

}  // namespace npusim::sim
