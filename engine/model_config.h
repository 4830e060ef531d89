// A parsed HF config.json: the fields the engine's model families read, with
// optional groups (MLA, MoE) present only when the config has them.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace npusim::engine {

// Multi-head latent attention (DeepSeek-V2 style, glm4_moe_lite).
struct MlaDims {
  int64_t q_lora_rank = 0;
  int64_t kv_lora_rank = 0;
  int64_t qk_nope_head_dim = 0;
  int64_t qk_rope_head_dim = 0;
  int64_t v_head_dim = 0;
};

struct MoeDims {
  int64_t n_routed_experts = 0;
  int64_t n_shared_experts = 0;
  int64_t num_experts_per_tok = 0;
  int64_t moe_intermediate_size = 0;
  int64_t first_k_dense_replace = 0;  // layers [0, k) use the dense MLP
  int64_t n_group = 1;
  int64_t topk_group = 1;
  std::string scoring_func = "sigmoid";  // sigmoid | softmax
  double routed_scaling_factor = 1.0;
  bool norm_topk_prob = true;
  bool correction_bias = true;  // topk_method noaux_tc: e_score_correction_bias
};

// DFlash draft fields (the speculative-decoding engineer reads them).
struct DraftDims {
  int64_t block_size = 0;
  std::vector<int64_t> target_layer_ids;
  int64_t mask_token_id = 0;
};

struct ModelConfig {
  std::string name;          // file stem, e.g. "glm-4.7-flash"
  std::string source_path;   // where it was read from
  std::string architecture;  // architectures[0]
  std::string model_type;    // glm4_moe_lite | glm4_moe | glm4v_moe_text | qwen3
  int64_t hidden_size = 0;
  int64_t num_hidden_layers = 0;
  int64_t num_attention_heads = 0;
  int64_t num_key_value_heads = 0;
  int64_t head_dim = 0;           // GQA head dim (MLA: qk_nope + qk_rope)
  int64_t intermediate_size = 0;  // dense MLP
  int64_t vocab_size = 0;
  int64_t max_position_embeddings = 0;
  double rms_norm_eps = 1e-6;
  double rope_theta = 10000.0;
  double partial_rotary_factor = 1.0;
  std::vector<int64_t> mrope_section;  // empty: plain RoPE
  bool use_qk_norm = false;
  bool attention_bias = false;
  bool tie_word_embeddings = false;
  std::string torch_dtype = "bfloat16";
  int64_t num_nextn_predict_layers = 0;
  std::optional<MlaDims> mla;
  std::optional<MoeDims> moe;
  std::optional<DraftDims> dflash;

  bool is_mla() const { return mla.has_value(); }
  bool is_moe_layer(int64_t layer) const {
    return moe && layer >= moe->first_k_dense_replace;
  }
  int64_t rotary_dim() const;  // rotated dims per head
};

}  // namespace npusim::engine
