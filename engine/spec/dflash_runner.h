// DFlash speculative decoding on the NPU path (sglang#23122): the Qwen3 target
// prefills, then each step the DFlash draft proposes block_size - 1 tokens in
// one replayed graph and the target verifies them in one forward (greedy,
// lossless). In functional mode the tiny target and draft load the weights
// trained offline (trained_weights_path, tools/dflash/) and acceptance is
// measured; in timing mode the accepted lengths come from
// SpecSettings::accepted_per_step.
#pragma once
#include "engine/engine.h"

namespace npusim::engine::spec {

// `target` and `draft` are the configs to run as given (tiny variants in
// functional mode). Throws FailureError like run_engine.
EngineResult run_dflash(const ModelConfig& target, const ModelConfig& draft,
                        const Workload& workload, const PatchSet& patches, OpSink& sink);

// Plain greedy decoding of the same target (same weights, graphs, caches): the
// reference DFlash must reproduce, and the baseline of its speed-up.
EngineResult run_target_greedy(const ModelConfig& target, const Workload& workload, OpSink& sink);

// DFlash's rule for which target layers feed the draft when the config's ids do
// not fit the target (tiny variants): spread over [1, layers - 3].
std::vector<int64_t> dflash_target_layer_ids(int64_t target_layers, int64_t draft_layers);

}  // namespace npusim::engine::spec
