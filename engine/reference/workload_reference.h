// The fp32 reference run of a workload: the prompts and synthetic checkpoint
// run_engine uses, through the independent reference implementation. Only
// meaningful where the engine's rank computes the whole model: tp 1, no
// quantization, no speculation (speculative greedy must equal plain greedy).
#pragma once
#include <optional>
#include <string>

#include "engine/engine.h"
#include "engine/reference/reference_model.h"

namespace npusim::engine {

// nullopt with `why` set when the workload has no comparable reference.
std::optional<ReferenceResult> reference_for_workload(const ModelConfig& config, const Workload& workload,
                                                      std::string& why);

}  // namespace npusim::engine
