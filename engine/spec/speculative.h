// Entry point of speculative decoding for run_engine: dispatches on
// Workload::spec.method ("dflash", "nextn").
#pragma once
#include "engine/engine.h"

namespace npusim::engine::spec {

bool is_speculative(const Workload& workload);
// The DFlash draft config for a target: spec.draft_model (a shipped name or a
// path), by default the shipped Qwen3-8B DFlash draft; its tiny variant in
// functional mode, like the target the caller passes.
ModelConfig dflash_draft_config(const Workload& workload, bool functional);
// Throws FailureError{kind="input", parameter="spec.method"} for an unknown method.
EngineResult run_speculative(const ModelConfig& config, const Workload& workload,
                             const PatchSet& patches, OpSink& sink);

// Greedy decoding of the same workload without speculation, by the target the
// speculative runner verifies with (DFlash: its stand-in Qwen3 target; NextN:
// the same runner with the draft off). Speculative greedy decoding must reproduce these tokens.
EngineResult run_plain_greedy(const ModelConfig& config, const Workload& workload, const PatchSet& patches,
                              OpSink& sink);

}  // namespace npusim::engine::spec
