#include "engine/layers/basic_ops.h"
#include "engine/layers/feed_forward.h"

namespace npusim::engine {
namespace {
TensorRef grouped_matmul(Emitter& em, const TensorRef& x, const TensorRef& weight, const TensorRef& group_list) {
  TensorRef y = em.temp({x.shape[0], weight.shape[1]}, x.dtype, "grouped_matmul.out");
  em.op("GroupedMatMul", {{"x", x}, {"weight", weight}, {"group_list", group_list}}, {{"y", y}});
  return y;
}
}  // namespace

TensorRef moe(Emitter& em, const MoeDims& c, const MoeWeights& w, const TensorRef& x) {
  const int64_t t = x.shape[0], k = c.num_experts_per_tok, e = c.n_routed_experts, h = x.shape[1];
  const TensorRef logits = linear(em, w.gate, x);
  const TensorRef weights = em.temp({t, k}, DType::f32, "topk_weights");
  const TensorRef ids = em.temp({t, k}, DType::i32, "topk_ids");
  em.op("MoeGatingTopK", {{"logits", logits}, {"bias", w.correction_bias}}, {{"weights", weights}, {"indices", ids}},
        {{"k", k}, {"scoring", c.scoring_func}, {"norm_topk_prob", c.norm_topk_prob},
         {"routed_scaling_factor", c.routed_scaling_factor}});
  const TensorRef expanded_x = em.temp({t * k, h}, x.dtype, "expanded_x");
  const TensorRef row_idx = em.temp({t * k}, DType::i32, "expanded_row_idx");
  const TensorRef group_list = em.temp({e}, DType::i64, "group_list");
  em.op("MoeInitRouting", {{"x", x}, {"indices", ids}},
        {{"expanded_x", expanded_x}, {"expanded_row_idx", row_idx}, {"group_list", group_list}},
        {{"num_experts", e}});
  const TensorRef act = silu_mul(em, grouped_matmul(em, expanded_x, w.w13, group_list));
  const TensorRef down = grouped_matmul(em, act, w.w2, group_list);
  std::optional<TensorRef> shared;
  if (w.shared) shared = dense_mlp(em, *w.shared, x);
  const TensorRef y = em.temp({t, h}, x.dtype, "moe.out");
  em.op("MoeFinalizeRouting",
        {{"expanded_y", down}, {"weights", weights}, {"expanded_row_idx", row_idx}, {"shared", shared}}, {{"y", y}});
  return y;
}

}  // namespace npusim::engine
