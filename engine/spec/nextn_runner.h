// NextN/MTP speculative decoding for GLM-4.7 (sglang#25524): the target runs
// with its quantization, the NextN draft layer is loaded with its own
// (nextn_draft_quant), proposes spec.num_steps tokens per step from the
// target's hidden state, and the target verifies them greedily. Requests are
// served one after another by the same process, so process-level state a
// request leaves behind (RuntimeEnv overrides) is seen by the next one.
#pragma once
#include "engine/engine.h"

namespace npusim::engine::spec {

// Serves workload.spec.requests requests (each: batch sequences, prefill,
// then speculative decoding of 1 + decode_steps tokens). With spec.method
// "none" the same requests decode without the draft: the reference NextN must
// reproduce. A device fault of kind injected_fault (device::FaultInjectingSink)
// aborts that request; its failure is listed in spec.failed_requests and the next request
// runs. Any other failure is thrown.
EngineResult run_nextn(const ModelConfig& config, const Workload& workload,
                       const PatchSet& patches, OpSink& sink);

}  // namespace npusim::engine::spec
