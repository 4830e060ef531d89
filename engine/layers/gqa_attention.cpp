#include <cmath>

#include "engine/layers/attention.h"
#include "engine/layers/basic_ops.h"

namespace npusim::engine {
namespace {
bool uses_fused_qkv_on_decode(const ModelConfig& c) {
  return c.model_type == "glm4_moe" || c.model_type == "glm4v_moe_text";
}

struct Qkv {
  TensorRef q, k, v;  // [T, Nq*D], [T, Nkv*D], [T, Nkv*D]
};

// NPU decode: one fused kernel. Without QK-norm the fix passes None (eps null)
// and the kernel skips the norm; before it (sglang#22961 off) q_norm was read
// unconditionally.
Qkv fused_split_norm_rope(const LayerContext& ctx, const GqaAttentionWeights& w, const TensorRef& qkv,
                          const std::string& module) {
  const RankDims& d = ctx.dims;
  std::optional<TensorRef> q_weight, k_weight;
  std::optional<double> eps;  // nullopt: the kernel skips the norm
  if (ctx.patches.on("sglang#22961")) {
    if (w.q_norm && w.k_norm) {
      q_weight = w.q_norm->gamma;
      k_weight = w.k_norm->gamma;
      eps = w.q_norm->eps;
    }
  } else {
    const std::string where = ctx.em.origin().to_string();
    const NormWeights& q_norm = require(w.q_norm, module, "q_norm", "Glm4MoeAttention", where);
    const NormWeights& k_norm = require(w.k_norm, module, "k_norm", "Glm4MoeAttention", where);
    q_weight = q_norm.gamma;
    k_weight = k_norm.gamma;
    eps = q_norm.eps;
  }
  const int64_t t = qkv.shape[0];
  Qkv out{ctx.em.temp({t, d.q_heads * d.head_dim}, qkv.dtype, "q"),
          ctx.em.temp({t, d.kv_heads * d.head_dim}, qkv.dtype, "k"),
          ctx.em.temp({t, d.kv_heads * d.head_dim}, qkv.dtype, "v")};
  Attrs attrs{{"q_hidden_size", d.q_heads * d.head_dim}, {"kv_hidden_size", d.kv_heads * d.head_dim},
              {"head_dim", d.head_dim}, {"rotary_dim", d.rotary_dim}, {"is_neox_style", true}};
  if (eps) attrs.set("eps", *eps);
  else attrs.set("eps", std::monostate{});
  ctx.em.op("SplitQkvRmsnormRope",
            {{"input", qkv}, {"cos", ctx.cos}, {"sin", ctx.sin}, {"q_weight", q_weight}, {"k_weight", k_weight},
             {"q_bias", std::nullopt}, {"k_bias", std::nullopt}},
            {{"q", out.q}, {"k", out.k}, {"v", out.v}}, std::move(attrs));
  return out;
}

Qkv unfused_split_norm_rope(const LayerContext& ctx, const GqaAttentionWeights& w, const TensorRef& qkv) {
  const RankDims& d = ctx.dims;
  const int64_t t = qkv.shape[0], q_size = d.q_heads * d.head_dim, kv_size = d.kv_heads * d.head_dim;
  Qkv out{slice(ctx.em, qkv, 1, 0, q_size), slice(ctx.em, qkv, 1, q_size, kv_size),
          slice(ctx.em, qkv, 1, q_size + kv_size, kv_size)};
  if (w.q_norm && w.k_norm) {
    out.q = reshaped(rms_norm(ctx.em, *w.q_norm, reshaped(out.q, {t, d.q_heads, d.head_dim})), {t, q_size});
    out.k = reshaped(rms_norm(ctx.em, *w.k_norm, reshaped(out.k, {t, d.kv_heads, d.head_dim})), {t, kv_size});
  }
  std::tie(out.q, out.k) = rotary(ctx.em, out.q, out.k, ctx.cos, ctx.sin, d.head_dim, d.rotary_dim, true);
  return out;
}
}  // namespace

TensorRef gqa_attention(const LayerContext& ctx, const GqaAttentionWeights& w, const TensorRef& x,
                        const std::string& module) {
  const RankDims& d = ctx.dims;
  const bool decode = ctx.batch.mode == "decode";
  const int64_t t = x.shape[0];
  ctx.em.set_module(ctx.em.origin().layer, module);
  TensorRef qkv = linear(ctx.em, w.qkv_proj, x);
  const Qkv p = decode && uses_fused_qkv_on_decode(ctx.config) ? fused_split_norm_rope(ctx, w, qkv, module)
                                                               : unfused_split_norm_rope(ctx, w, qkv);
  const TensorRef k3 = reshaped(p.k, {t, d.kv_heads, d.head_dim});
  const TensorRef v3 = reshaped(p.v, {t, d.kv_heads, d.head_dim});
  ctx.em.op("ReshapeAndCache",
            {{"key", k3}, {"value", v3}, {"key_cache", ctx.cache.key}, {"value_cache", ctx.cache.value},
             {"slot_mapping", ctx.batch.slot_mapping}},
            {{"key_cache", ctx.cache.key}, {"value_cache", ctx.cache.value}});
  const TensorRef q3 = reshaped(p.q, {t, d.q_heads, d.head_dim});
  const double scale = 1.0 / std::sqrt(static_cast<double>(d.head_dim));
  const TensorRef attn = decode ? ctx.backend.gqa_decode(ctx.batch, q3, ctx.cache.key, ctx.cache.value, d.kv_heads, scale)
                                : ctx.backend.gqa_extend(ctx.batch, q3, ctx.cache.key, ctx.cache.value, d.kv_heads, scale);
  return linear(ctx.em, w.o_proj, reshaped(attn, {t, d.q_heads * d.head_dim}));
}

}  // namespace npusim::engine
