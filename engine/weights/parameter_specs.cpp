#include "engine/weights/parameter_specs.h"

#include <cmath>

namespace npusim::engine {
namespace {
// int8 weights are drawn with this spread and dequantized by 1/(spread*sqrt(K)),
// so a quantized linear has the same output scale as an unquantized one.
constexpr double kInt8Spread = 40.0;
constexpr double kBiasScale = 0.02;
constexpr double kCorrectionBiasScale = 0.1;

double fan_in_scale(int64_t in) { return 1.0 / std::sqrt(static_cast<double>(in)); }

void add_mlp(ParamList& list, const std::string& prefix, int64_t hidden, int64_t width, bool quantized) {
  list.add_linear(prefix + "gate_up_proj", 2 * width, hidden, false, quantized);
  list.add_linear(prefix + "down_proj", hidden, width, false, quantized);
}

void add_attention(ParamList& list, const ModelConfig& c, const RankDims& d, bool q8, const std::string& p) {
  if (c.mla) {
    const MlaDims& m = *c.mla;
    list.add_linear(p + "q_a_proj", m.q_lora_rank, c.hidden_size, false, q8);
    list.add_norm(p + "q_a_layernorm", m.q_lora_rank);
    list.add_linear(p + "q_b_proj", d.q_heads * (m.qk_nope_head_dim + m.qk_rope_head_dim), m.q_lora_rank, false, q8);
    list.add_linear(p + "kv_a_proj_with_mqa", m.kv_lora_rank + m.qk_rope_head_dim, c.hidden_size, false, q8);
    list.add_norm(p + "kv_a_layernorm", m.kv_lora_rank);
    // Absorbed into BatchMatMul weights at load time: kept unquantized.
    list.add_linear(p + "kv_b_proj", d.q_heads * (m.qk_nope_head_dim + m.v_head_dim), m.kv_lora_rank, false, false);
    list.add_linear(p + "o_proj", c.hidden_size, d.q_heads * m.v_head_dim, false, q8);
    return;
  }
  const int64_t qkv = (d.q_heads + 2 * d.kv_heads) * d.head_dim;
  list.add_linear(p + "qkv_proj", qkv, c.hidden_size, c.attention_bias, q8);
  list.add_linear(p + "o_proj", c.hidden_size, d.q_heads * d.head_dim, false, q8);
  if (c.use_qk_norm) {
    list.add_norm(p + "q_norm", d.head_dim);
    list.add_norm(p + "k_norm", d.head_dim);
  }
}

void add_moe(ParamList& list, const ModelConfig& c, const RankDims& d, bool q8, const std::string& p) {
  const MoeDims& m = *c.moe;
  const int64_t e = m.n_routed_experts;
  list.add({p + "gate.weight", {e, c.hidden_size}, list.dtype(), "normal", fan_in_scale(c.hidden_size)});
  if (m.correction_bias) list.add({p + "gate.e_score_correction_bias", {e}, DType::f32, "uniform", kCorrectionBiasScale});
  list.add({p + "experts.w13_weight", {e, 2 * d.moe_intermediate, c.hidden_size}, list.dtype(), "normal",
            fan_in_scale(c.hidden_size)});
  list.add({p + "experts.w2_weight", {e, c.hidden_size, d.moe_intermediate}, list.dtype(), "normal",
            fan_in_scale(m.moe_intermediate_size)});
  if (m.n_shared_experts > 0) add_mlp(list, p + "shared_experts.", c.hidden_size, d.shared_intermediate, q8);
}
}  // namespace

void ParamList::add_linear(const std::string& prefix, int64_t out, int64_t in, bool bias, bool quantized) {
  if (quantized) {
    add({prefix + ".weight", {out, in}, DType::i8, "normal", kInt8Spread});
    add({prefix + ".weight_scale", {out}, DType::f32, "ones", fan_in_scale(in) / kInt8Spread});
  } else {
    add({prefix + ".weight", {out, in}, dtype_, "normal", fan_in_scale(in)});
  }
  if (bias) add({prefix + ".bias", {out}, dtype_, "normal", kBiasScale});
}

void ParamList::add_norm(const std::string& prefix, int64_t size) {
  add({prefix + ".weight", {size}, dtype_, "ones", 1.0});
}

void add_decoder_layer_specs(ParamList& list, const ModelConfig& c, const RankDims& d, const QuantConfig& quant,
                             int64_t layer, const std::string& prefix) {
  const bool q8 = quant.quantizes_linears();
  list.add_norm(prefix + "input_layernorm", c.hidden_size);
  add_attention(list, c, d, q8, prefix + "self_attn.");
  list.add_norm(prefix + "post_attention_layernorm", c.hidden_size);
  if (c.is_moe_layer(layer)) add_moe(list, c, d, q8, prefix + "mlp.");
  else add_mlp(list, prefix + "mlp.", c.hidden_size, d.intermediate, q8);
}

ParamList model_parameter_specs(const ModelConfig& c, const RankDims& d, const QuantConfig& quant, DType dtype) {
  ParamList list(dtype);
  // Embedding rows are replicated on every rank (vocab-parallel embedding not modelled).
  list.add({"model.embed_tokens.weight", {c.vocab_size, c.hidden_size}, dtype, "normal", 1.0});
  for (int64_t i = 0; i < c.num_hidden_layers; ++i)
    add_decoder_layer_specs(list, c, d, quant, i, "model.layers." + std::to_string(i) + ".");
  list.add_norm("model.norm", c.hidden_size);
  if (!(c.tie_word_embeddings && d.tp == 1))
    list.add({"lm_head.weight", {d.vocab, c.hidden_size}, dtype, "normal", fan_in_scale(c.hidden_size)});
  return list;
}

}  // namespace npusim::engine
