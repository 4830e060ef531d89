// Self-attention of one decoder layer: x [T, H] -> [T, H], writing this
// forward's keys/values into the paged cache.
#pragma once
#include <string>

#include "engine/layers/layer_context.h"
#include "engine/model_weights.h"

namespace npusim::engine {

// GQA (Qwen3, glm4_moe, glm4v_moe_text). glm4 MoE models take the fused
// SplitQkvRmsnormRope on NPU decode; prefill/extend and Qwen3 the unfused path.
TensorRef gqa_attention(const LayerContext& ctx, const GqaAttentionWeights& w, const TensorRef& x,
                        const std::string& module);
// MLA (glm4_moe_lite, deepseek_v2 style): absorbed decode, MHA-form prefill.
TensorRef mla_attention(const LayerContext& ctx, const MlaAttentionWeights& w, const TensorRef& x,
                        const std::string& module);

}  // namespace npusim::engine
