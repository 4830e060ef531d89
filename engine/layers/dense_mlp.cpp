#include "engine/layers/basic_ops.h"
#include "engine/layers/feed_forward.h"

namespace npusim::engine {

TensorRef dense_mlp(Emitter& em, const MlpWeights& w, const TensorRef& x) {
  return linear(em, w.down_proj, silu_mul(em, linear(em, w.gate_up_proj, x)));
}

}  // namespace npusim::engine
