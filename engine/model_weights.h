// The loaded model as the forward pass sees it: device tensors per module.
// Attributes a model may lack are std::optional, like Python attributes that
// are only set on some paths: code that reads one unconditionally fails the
// way an AttributeError does (see require()).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "engine/model_config.h"
#include "engine/rank_dims.h"
#include "engine/weights/loader.h"

namespace npusim::engine {

struct LinearWeights {
  std::string name;  // module path, e.g. "model.layers.0.self_attn.qkv_proj"
  TensorRef weight;
  std::optional<TensorRef> weight_scale;  // w8a8
  std::optional<TensorRef> bias;
};

struct NormWeights {
  TensorRef gamma;
  double eps = 1e-6;
};

struct GqaAttentionWeights {
  LinearWeights qkv_proj, o_proj;
  std::optional<NormWeights> q_norm, k_norm;  // only with QK-norm
};

struct MlaAttentionWeights {
  LinearWeights q_a_proj, q_b_proj, kv_a_proj_with_mqa, o_proj;
  NormWeights q_a_layernorm, kv_a_layernorm;
  TensorRef w_kc;  // [heads, qk_nope, kv_lora]: kv_b_proj's key half (absorbed into the query)
  TensorRef w_vc;  // [heads, kv_lora, v_head]: kv_b_proj's value half, transposed
  LinearWeights kv_b_proj;
  // Set only by the ROCm path of deepseek_v2-style attention (sglang#22509).
  std::optional<std::string> gfx95_quant_format;
};

struct MlpWeights {
  LinearWeights gate_up_proj, down_proj;
};

struct MoeWeights {
  LinearWeights gate;
  std::optional<TensorRef> correction_bias;
  TensorRef w13, w2;  // [E, 2I, H], [E, H, I]
  std::optional<MlpWeights> shared;
};

struct LayerWeights {
  int64_t index = 0;
  std::string prefix;  // "model.layers.3."
  NormWeights input_layernorm, post_attention_layernorm;
  std::optional<GqaAttentionWeights> gqa;
  std::optional<MlaAttentionWeights> mla;
  std::optional<MlpWeights> mlp;
  std::optional<MoeWeights> moe;
};

struct ModelWeights {
  TensorRef embed_tokens;
  std::vector<LayerWeights> layers;
  NormWeights norm;
  TensorRef lm_head;
};

// Python-style attribute access on an optional member: throws
// FailureError{kind="attribute", op=module, parameter=attribute, where}; `where`
// (e.g. the emitter's origin, with its phase) defaults to the module path.
template <typename T>
const T& require(const std::optional<T>& attribute, const std::string& module, const std::string& attribute_name,
                 const std::string& class_name, const std::string& where = "");
[[noreturn]] void attribute_error(const std::string& module, const std::string& attribute_name,
                                  const std::string& class_name, const std::string& where = "");

template <typename T>
const T& require(const std::optional<T>& attribute, const std::string& module, const std::string& attribute_name,
                 const std::string& class_name, const std::string& where) {
  if (!attribute) attribute_error(module, attribute_name, class_name, where);
  return *attribute;
}

}  // namespace npusim::engine
