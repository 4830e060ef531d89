// One tensor-parallel rank's share of a model: heads per rank = heads / tp
// (KV heads replicated when tp exceeds them), column-parallel widths / tp.
#pragma once
#include <cstdint>

#include "engine/model_config.h"

namespace npusim::engine {

struct RankDims {
  int64_t tp = 1;
  int64_t q_heads = 0;   // attention heads on this rank
  int64_t kv_heads = 0;  // KV heads on this rank (1 latent head for MLA)
  int64_t head_dim = 0;
  int64_t rotary_dim = 0;
  int64_t intermediate = 0;         // dense MLP width on this rank
  int64_t moe_intermediate = 0;     // per-expert width on this rank
  int64_t shared_intermediate = 0;  // shared-expert width on this rank
  int64_t vocab = 0;                // LM-head rows on this rank (vocab-parallel)
};

// Throws FailureError{kind="input", parameter="tp"} when tp does not divide the heads.
RankDims rank_dims(const ModelConfig& config, int64_t tp);

}  // namespace npusim::engine
