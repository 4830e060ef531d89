#include <cmath>

#include "engine/layers/attention.h"
#include "engine/layers/basic_ops.h"
#include "op_stream/failure.h"

namespace npusim::engine {
namespace {
// Absorbed decode: q_nope·W_UK per head gives a query in the latent space; the
// latent-space output ·W_UV gives the value heads back.
TensorRef absorbed_decode(const LayerContext& ctx, const MlaAttentionWeights& w, const TensorRef& q_nope,
                          const TensorRef& q_pe, double scale) {
  Emitter& em = ctx.em;
  TensorRef q_latent = transpose(em, batch_matmul(em, transpose(em, q_nope, {1, 0, 2}), w.w_kc), {1, 0, 2});
  TensorRef o = ctx.backend.mla_decode(ctx.batch, q_latent, q_pe, ctx.cache.key, ctx.cache.value, scale);
  return transpose(em, batch_matmul(em, transpose(em, o, {1, 0, 2}), w.w_vc), {1, 0, 2});
}

// Prefill without a cached prefix: keys/values up-projected from the latent (MHA form).
TensorRef mha_prefill(const LayerContext& ctx, const MlaAttentionWeights& w, const TensorRef& latent,
                      const TensorRef& q_nope, const TensorRef& q_pe, const TensorRef& k_pe, double scale) {
  Emitter& em = ctx.em;
  const MlaDims& m = *ctx.config.mla;
  const int64_t t = latent.shape[0], heads = ctx.dims.q_heads;
  const TensorRef kv = reshaped(linear(em, w.kv_b_proj, latent), {t, heads, m.qk_nope_head_dim + m.v_head_dim});
  const TensorRef k_nope = slice(em, kv, 2, 0, m.qk_nope_head_dim);
  const TensorRef v = slice(em, kv, 2, m.qk_nope_head_dim, m.v_head_dim);
  // The single rope key is shared by every head.
  const std::vector<TensorRef> copies(heads, reshaped(k_pe, {t, 1, m.qk_rope_head_dim}));
  const TensorRef k = concat(em, {k_nope, concat(em, copies, 1)}, 2);
  const TensorRef q = concat(em, {q_nope, q_pe}, 2);
  return ctx.backend.mha_prefill(ctx.batch, q, k, v, scale);
}
}  // namespace

TensorRef mla_attention(const LayerContext& ctx, const MlaAttentionWeights& w, const TensorRef& x,
                        const std::string& module) {
  Emitter& em = ctx.em;
  const MlaDims& m = *ctx.config.mla;
  const int64_t t = x.shape[0], heads = ctx.dims.q_heads, rope = m.qk_rope_head_dim;
  const bool decode = ctx.batch.mode == "decode";
  em.set_module(em.origin().layer, module);
  // deepseek_v2's forward reads this ROCm-only attribute (sglang#22509 review fix: default "").
  const std::string quant_format = ctx.patches.on("sglang#22509/gfx95-attr")
                                       ? w.gfx95_quant_format.value_or("")
                                       : require(w.gfx95_quant_format, module, "_gfx95_quant_format", "DeepseekV2AttentionMLA");
  (void)quant_format;  // selects a ROCm-only fp4/fp8 path, never taken on the NPU

  TensorRef q = rms_norm(em, w.q_a_layernorm, linear(em, w.q_a_proj, x));
  const TensorRef q3 = reshaped(linear(em, w.q_b_proj, q), {t, heads, m.qk_nope_head_dim + rope});
  const TensorRef q_nope = slice(em, q3, 2, 0, m.qk_nope_head_dim);
  const TensorRef q_pe = slice(em, q3, 2, m.qk_nope_head_dim, rope);
  const TensorRef kv_a = linear(em, w.kv_a_proj_with_mqa, x);
  const TensorRef latent = rms_norm(em, w.kv_a_layernorm, slice(em, kv_a, 1, 0, m.kv_lora_rank));
  const TensorRef k_pe = slice(em, kv_a, 1, m.kv_lora_rank, rope);
  // The rotary op takes [T, heads*rope]; before sglang#21408's rope fix the 3-D tensor was passed.
  const TensorRef rope_query = ctx.patches.on("sglang#21408/rope-2d") ? reshaped(q_pe, {t, heads * rope}) : q_pe;
  auto [q_pe_rot, k_pe_rot] = rotary(em, rope_query, k_pe, ctx.cos, ctx.sin, rope, rope, false);
  q_pe_rot = reshaped(q_pe_rot, {t, heads, rope});
  em.op("ReshapeAndCache",
        {{"key", reshaped(latent, {t, 1, m.kv_lora_rank})}, {"value", reshaped(k_pe_rot, {t, 1, rope})},
         {"key_cache", ctx.cache.key}, {"value_cache", ctx.cache.value}, {"slot_mapping", ctx.batch.slot_mapping}},
        {{"key_cache", ctx.cache.key}, {"value_cache", ctx.cache.value}});

  const double scale = 1.0 / std::sqrt(static_cast<double>(m.qk_nope_head_dim + rope));
  TensorRef o;
  if (decode) {
    o = absorbed_decode(ctx, w, q_nope, q_pe_rot, scale);
  } else {
    if (!ctx.batch.prefix_free())
      throw FailureError({"input", "mla_attention", "mode", "extend", "",
                          "MLA extend over a cached prefix is not modelled (only prefill and decode)", "", module});
    o = mha_prefill(ctx, w, latent, q_nope, q_pe_rot, k_pe_rot, scale);
  }
  return linear(em, w.o_proj, reshaped(o, {t, heads * m.v_head_dim}));
}

}  // namespace npusim::engine
