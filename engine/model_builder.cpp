#include "engine/model_builder.h"

#include "engine/kernels/kernel_registry.h"
#include "engine/layers/basic_ops.h"
#include "op_stream/failure.h"

namespace npusim::engine {
namespace {
// FACTS.md: SGLang uses dsv3_router_gemm only on CUDA, for K 7168 and 256 experts.
constexpr int64_t kDsv3RouterHidden = 7168;
constexpr int64_t kDsv3RouterExperts = 256;

const TensorRef& param(const LoadedParams& params, const std::string& name) {
  auto it = params.find(name);
  if (it == params.end())
    throw FailureError({"load", "model", name, "missing", "", "parameter '" + name + "' was not loaded", "", "load"});
  return it->second;
}

std::optional<TensorRef> optional_param(const LoadedParams& params, const std::string& name) {
  auto it = params.find(name);
  return it == params.end() ? std::nullopt : std::optional<TensorRef>(it->second);
}

LinearWeights linear_weights(const LoadedParams& params, const std::string& prefix) {
  return {prefix, param(params, prefix + ".weight"), optional_param(params, prefix + ".weight_scale"),
          optional_param(params, prefix + ".bias")};
}

NormWeights norm_weights(const BuildContext& ctx, const LoadedParams& params, const std::string& prefix) {
  return {param(params, prefix + ".weight"), ctx.config.rms_norm_eps};
}

MlpWeights mlp_weights(const LoadedParams& params, const std::string& prefix) {
  return {linear_weights(params, prefix + "gate_up_proj"), linear_weights(params, prefix + "down_proj")};
}

// glm4_moe_lite's router GEMM: before sglang#22509 the CUDA kernel library was
// imported on every platform; the fix imports it only on CUDA.
void import_router_kernel(const BuildContext& ctx) {
  if (ctx.config.model_type != "glm4_moe_lite") return;
  if (!ctx.patches.on("sglang#22509")) {
    resolve_kernel("sgl_kernel", "dsv3_router_gemm", ctx.platform);
    return;
  }
  if (ctx.platform == "cuda" && ctx.config.hidden_size == kDsv3RouterHidden &&
      ctx.config.moe->n_routed_experts == kDsv3RouterExperts)
    resolve_kernel("sgl_kernel", "dsv3_router_gemm", ctx.platform);
}

MlaAttentionWeights mla_weights(const BuildContext& ctx, const LoadedParams& params, const std::string& p) {
  const MlaDims& m = *ctx.config.mla;
  const int64_t heads = ctx.dims.q_heads;
  MlaAttentionWeights w;
  w.q_a_proj = linear_weights(params, p + "q_a_proj");
  w.q_a_layernorm = norm_weights(ctx, params, p + "q_a_layernorm");
  w.q_b_proj = linear_weights(params, p + "q_b_proj");
  w.kv_a_proj_with_mqa = linear_weights(params, p + "kv_a_proj_with_mqa");
  w.kv_a_layernorm = norm_weights(ctx, params, p + "kv_a_layernorm");
  w.kv_b_proj = linear_weights(params, p + "kv_b_proj");
  w.o_proj = linear_weights(params, p + "o_proj");
  if (ctx.platform == "rocm") w.gfx95_quant_format = "";
  // Post-load: split kv_b_proj [heads*(nope+v), kv_lora] into w_kc and w_vc^T, kept for the run.
  Emitter& em = ctx.em;
  em.push_frame();
  const TensorRef kv_b = reshaped(w.kv_b_proj.weight, {heads, m.qk_nope_head_dim + m.v_head_dim, m.kv_lora_rank});
  w.w_kc = em.alloc({heads, m.qk_nope_head_dim, m.kv_lora_rank}, kv_b.dtype, p + "w_kc");
  w.w_vc = em.alloc({heads, m.kv_lora_rank, m.v_head_dim}, kv_b.dtype, p + "w_vc");
  em.op("Slice", {{"x", kv_b}}, {{"y", w.w_kc}}, {{"dim", int64_t{1}}, {"start", int64_t{0}}, {"length", m.qk_nope_head_dim}});
  const TensorRef v_half = slice(em, kv_b, 1, m.qk_nope_head_dim, m.v_head_dim);
  em.op("Transpose", {{"x", v_half}}, {{"y", w.w_vc}}, {{"perm", std::vector<int64_t>{0, 2, 1}}});
  em.pop_frame();
  return w;
}

GqaAttentionWeights gqa_weights(const BuildContext& ctx, const LoadedParams& params, const std::string& p) {
  GqaAttentionWeights w;
  w.qkv_proj = linear_weights(params, p + "qkv_proj");
  w.o_proj = linear_weights(params, p + "o_proj");
  if (ctx.config.use_qk_norm) {
    w.q_norm = norm_weights(ctx, params, p + "q_norm");
    w.k_norm = norm_weights(ctx, params, p + "k_norm");
  }
  return w;
}

MoeWeights moe_weights(const LoadedParams& params, const std::string& p, const MoeDims& m) {
  MoeWeights w;
  w.gate = {p + "gate", param(params, p + "gate.weight"), std::nullopt, std::nullopt};
  w.correction_bias = optional_param(params, p + "gate.e_score_correction_bias");
  w.w13 = param(params, p + "experts.w13_weight");
  w.w2 = param(params, p + "experts.w2_weight");
  if (m.n_shared_experts > 0) w.shared = mlp_weights(params, p + "shared_experts.");
  return w;
}
}  // namespace

LayerWeights build_layer(const BuildContext& ctx, const LoadedParams& params, int64_t layer, const std::string& prefix) {
  ctx.em.set_module(static_cast<int>(layer), prefix + "self_attn");
  LayerWeights l;
  l.index = layer;
  l.prefix = prefix;
  l.input_layernorm = norm_weights(ctx, params, prefix + "input_layernorm");
  l.post_attention_layernorm = norm_weights(ctx, params, prefix + "post_attention_layernorm");
  if (ctx.config.mla) l.mla = mla_weights(ctx, params, prefix + "self_attn.");
  else l.gqa = gqa_weights(ctx, params, prefix + "self_attn.");
  if (ctx.config.is_moe_layer(layer)) {
    import_router_kernel(ctx);
    l.moe = moe_weights(params, prefix + "mlp.", *ctx.config.moe);
  } else {
    l.mlp = mlp_weights(params, prefix + "mlp.");
  }
  return l;
}

ModelWeights build_model(const BuildContext& ctx, const LoadedParams& params) {
  ModelWeights w;
  w.embed_tokens = param(params, "model.embed_tokens.weight");
  for (int64_t i = 0; i < ctx.config.num_hidden_layers; ++i)
    w.layers.push_back(build_layer(ctx, params, i, "model.layers." + std::to_string(i) + "."));
  w.norm = norm_weights(ctx, params, "model.norm");
  auto head = params.find("lm_head.weight");
  w.lm_head = head != params.end() ? head->second : w.embed_tokens;
  return w;
}

}  // namespace npusim::engine
