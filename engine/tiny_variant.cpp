// Functional-mode variants: the family's structure and head counts with small
// widths. Head dims stay as they are because the device's kernels constrain
// them (FIA MLA: 512 latent + 64 rope; split_qkv_rmsnorm_rope: power of two).
#include <algorithm>

#include "engine/engine.h"

namespace npusim::engine {
namespace {
constexpr int64_t kTinyHidden = 64;
constexpr int64_t kTinyIntermediate = 128;
constexpr int64_t kTinyVocab = 512;
constexpr int64_t kTinyMaxPositions = 4096;
constexpr int64_t kTinyQLora = 32;
constexpr int64_t kTinyMlaNope = 32;
constexpr int64_t kTinyMlaValue = 32;
constexpr int64_t kTinyMoeIntermediate = 32;
constexpr int64_t kTinyMinExperts = 8;
constexpr int64_t kTinyDenseLayers = 2;
}  // namespace

ModelConfig tiny_variant(const ModelConfig& config) {
  ModelConfig t = config;
  t.name = config.name + "-tiny";
  t.hidden_size = kTinyHidden;
  t.intermediate_size = kTinyIntermediate;
  t.vocab_size = kTinyVocab;
  t.max_position_embeddings = kTinyMaxPositions;
  t.num_hidden_layers = kTinyDenseLayers;
  if (t.mla) {
    t.mla->q_lora_rank = kTinyQLora;
    t.mla->qk_nope_head_dim = kTinyMlaNope;
    t.mla->v_head_dim = kTinyMlaValue;
    t.head_dim = t.mla->qk_nope_head_dim + t.mla->qk_rope_head_dim;
  }
  if (t.moe) {
    // One dense layer (if the family has any) followed by one MoE layer.
    t.moe->first_k_dense_replace = std::min<int64_t>(t.moe->first_k_dense_replace, 1);
    t.num_hidden_layers = t.moe->first_k_dense_replace + 1;
    t.moe->n_routed_experts = std::max(kTinyMinExperts, 2 * t.moe->num_experts_per_tok);
    t.moe->moe_intermediate_size = kTinyMoeIntermediate;
    t.moe->n_group = 1;
    t.moe->topk_group = 1;
  }
  if (t.dflash) t.dflash->mask_token_id = kTinyVocab - 1;
  return t;
}

}  // namespace npusim::engine
