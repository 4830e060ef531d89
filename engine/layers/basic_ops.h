// Thin emitters for the ops every model family uses: each allocates its
// outputs in the current scratch frame and issues one op (two for a w8a8 linear).
#pragma once
#include <string>
#include <utility>

#include "engine/emitter.h"
#include "engine/model_weights.h"

namespace npusim::engine {

// x [T, K] -> [T, N]: MatMul, or DynamicQuant + QuantMatMul for w8a8 weights.
TensorRef linear(Emitter& em, const LinearWeights& w, const TensorRef& x);
TensorRef rms_norm(Emitter& em, const NormWeights& w, const TensorRef& x);
// Returns {normed, residual_out}.
std::pair<TensorRef, TensorRef> add_rms_norm(Emitter& em, const NormWeights& w, const TensorRef& x,
                                             const TensorRef& residual);
TensorRef silu_mul(Emitter& em, const TensorRef& gate_up);  // [.., 2I] -> [.., I]
TensorRef gather_rows(Emitter& em, const TensorRef& table, const TensorRef& indices, const std::string& what);
TensorRef slice(Emitter& em, const TensorRef& x, int64_t dim, int64_t start, int64_t length);
TensorRef concat(Emitter& em, const std::vector<TensorRef>& parts, int64_t dim);
TensorRef transpose(Emitter& em, const TensorRef& x, const std::vector<int64_t>& perm);
TensorRef batch_matmul(Emitter& em, const TensorRef& a, const TensorRef& b);  // [B,M,K] x [B,K,N]
// Rotates query/key in place of new outputs: {query_out, key_out}, same shapes as given.
std::pair<TensorRef, TensorRef> rotary(Emitter& em, const TensorRef& query, const TensorRef& key, const TensorRef& cos,
                                       const TensorRef& sin, int64_t head_dim, int64_t rotary_dim, bool neox);

}  // namespace npusim::engine
