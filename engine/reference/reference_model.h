// An independent fp32 implementation of each model family's math on one rank
// (tp 1): no padding, fusion, graphs, paging or MLA absorption, and no OpSink.
// It reads the same synthetic checkpoint the engine loads, so its logits and
// greedy tokens are what the engine's stream should compute up to the
// device's bf16/fp16 storage error.
#pragma once
#include <cstdint>
#include <vector>

#include "engine/model_config.h"
#include "engine/weights/checkpoint.h"

namespace npusim::engine {

struct ReferenceResult {
  std::vector<std::vector<int32_t>> tokens;  // per sequence: the prefill's token, then one per decode step
  std::vector<float> final_logits;           // [batch, vocab] of the last step
};

// Greedy generation: 1 + decode_steps tokens per prompt.
ReferenceResult reference_generate(const ModelConfig& config, const Checkpoint& checkpoint,
                                   const std::vector<std::vector<int32_t>>& prompts, int64_t decode_steps);

}  // namespace npusim::engine
