// The feed-forward half of a decoder layer: x [T, H] -> [T, H].
#pragma once
#include "engine/emitter.h"
#include "engine/model_config.h"
#include "engine/model_weights.h"

namespace npusim::engine {

// gate_up -> silu_mul -> down (dense layers and the shared expert).
TensorRef dense_mlp(Emitter& em, const MlpWeights& w, const TensorRef& x);
// Router -> MoeGatingTopK -> MoeInitRouting -> GroupedMatMul gate_up -> silu_mul
// -> GroupedMatMul down -> MoeFinalizeRouting (adding the shared expert).
TensorRef moe(Emitter& em, const MoeDims& config, const MoeWeights& w, const TensorRef& x);

}  // namespace npusim::engine
