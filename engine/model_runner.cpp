#include "engine/model_runner.h"

#include <cmath>

#include "engine/layers/attention.h"
#include "engine/layers/basic_ops.h"
#include "engine/layers/feed_forward.h"
#include "engine/weights/loader.h"

namespace npusim::engine {

std::vector<float> rope_table(int64_t positions, int64_t rotary_dim, double theta, bool neox, bool cosine) {
  const int64_t half = rotary_dim / 2;
  std::vector<float> table(static_cast<size_t>(positions * rotary_dim));
  for (int64_t p = 0; p < positions; ++p)
    for (int64_t i = 0; i < half; ++i) {
      const double freq = std::pow(theta, -2.0 * static_cast<double>(i) / static_cast<double>(rotary_dim));
      const double angle = static_cast<double>(p) * freq;
      const float v = static_cast<float>(cosine ? std::cos(angle) : std::sin(angle));
      float* row = &table[static_cast<size_t>(p * rotary_dim)];
      if (neox) row[i] = row[i + half] = v;
      else row[2 * i] = row[2 * i + 1] = v;
    }
  return table;
}

ModelRunner::ModelRunner(Emitter& em, const ModelConfig& config, const PatchSet& patches, const RunOptions& options)
    : em_(em), config_(config), patches_(patches), options_(options), dims_(rank_dims(config, options.tp)),
      backend_(em, patches, options.dtype, options.kv_block_size) {}

std::vector<ParamSpec> ModelRunner::parameter_specs() const {
  return model_parameter_specs(config_, dims_, options_.quant, options_.dtype).specs();
}

void ModelRunner::write_rope_tables(int64_t max_tokens) {
  const bool neox = !config_.is_mla();  // deepseek_v2-style MLA rope is interleaved
  const int64_t r = dims_.rotary_dim;
  em_.set_module(-1, "model.rotary_emb");
  cos_cache_ = em_.alloc({max_tokens, r}, options_.dtype, "model.rotary_emb.cos_cache");
  sin_cache_ = em_.alloc({max_tokens, r}, options_.dtype, "model.rotary_emb.sin_cache");
  em_.write(cos_cache_, em_.functional() ? rope_table(max_tokens, r, config_.rope_theta, neox, true) : std::vector<float>{});
  em_.write(sin_cache_, em_.functional() ? rope_table(max_tokens, r, config_.rope_theta, neox, false) : std::vector<float>{});
}

void ModelRunner::load(const Checkpoint& checkpoint, int64_t sequences, int64_t max_tokens) {
  const std::string phase = em_.phase();
  em_.set_phase("load");
  const LoadedParams params = load_parameters(em_, parameter_specs(), checkpoint);
  weights_ = build_model({em_, config_, dims_, patches_, em_.capabilities().platform()}, params);
  kv_cache_ = std::make_unique<KvCache>(em_, config_, dims_, options_.dtype, config_.num_hidden_layers, sequences,
                                        max_tokens, options_.kv_block_size);
  write_rope_tables(max_tokens);
  em_.set_module(-1, "attention");
  backend_.allocate_mask();
  em_.set_phase(phase);
}

TensorRef ModelRunner::layer_forward(const LayerWeights& l, const ForwardBatch& batch, const TensorRef& cos,
                                     const TensorRef& sin, TensorRef& hidden, std::optional<TensorRef>& residual) {
  em_.set_module(static_cast<int>(l.index), l.prefix + "input_layernorm");
  TensorRef x;
  if (residual) {
    std::tie(x, *residual) = add_rms_norm(em_, l.input_layernorm, hidden, *residual);
  } else {
    residual = hidden;
    x = rms_norm(em_, l.input_layernorm, hidden);
  }
  const LayerContext ctx{em_, backend_, patches_, config_, dims_, batch, cos, sin, kv_cache_->layer(l.index)};
  const TensorRef attn = l.mla ? mla_attention(ctx, *l.mla, x, l.prefix + "self_attn")
                               : gqa_attention(ctx, *l.gqa, x, l.prefix + "self_attn");
  em_.set_module(static_cast<int>(l.index), l.prefix + "post_attention_layernorm");
  std::tie(x, *residual) = add_rms_norm(em_, l.post_attention_layernorm, attn, *residual);
  em_.set_module(static_cast<int>(l.index), l.prefix + "mlp");
  hidden = l.moe ? moe(em_, *config_.moe, *l.moe, x) : dense_mlp(em_, *l.mlp, x);
  return hidden;
}

ForwardOutputs ModelRunner::forward(const ForwardBatch& batch, const std::map<int64_t, TensorRef>& capture) {
  const size_t caller = em_.frame_depth() - 1;
  em_.push_frame();
  em_.set_module(-1, "model.embed_tokens");
  TensorRef hidden = batch.input_embeds ? *batch.input_embeds
                                        : gather_rows(em_, weights_.embed_tokens, batch.input_ids, "embedding.out");
  em_.set_module(-1, "model.rotary_emb");
  const TensorRef cos = gather_rows(em_, cos_cache_, batch.positions, "rope.cos");
  const TensorRef sin = gather_rows(em_, sin_cache_, batch.positions, "rope.sin");
  std::optional<TensorRef> residual;
  for (const LayerWeights& l : weights_.layers) {
    em_.push_frame();
    layer_forward(l, batch, cos, sin, hidden, residual);
    if (auto it = capture.find(l.index); it != capture.end())
      em_.op("Elementwise", {{"x", hidden}, {"other", *residual}}, {{"y", it->second}}, {{"fn", std::string("add")}});
    // The previous layer's scratch is dead once this layer consumed its outputs.
    if (l.index > 0) em_.pop_frame_below_top();
  }
  em_.set_module(-1, "model.norm");
  const TensorRef rows_hidden = batch.logits_indices ? gather_rows(em_, hidden, *batch.logits_indices, "logits_rows.hidden") : hidden;
  const TensorRef rows_residual =
      batch.logits_indices ? gather_rows(em_, *residual, *batch.logits_indices, "logits_rows.residual") : *residual;
  ForwardOutputs out;
  out.hidden = em_.temp_in(caller, rows_hidden.shape, rows_hidden.dtype, "final_hidden");
  const TensorRef residual_out = em_.temp(rows_hidden.shape, rows_hidden.dtype, "final_residual");
  em_.op("AddRmsNorm", {{"x", rows_hidden}, {"residual", rows_residual}, {"gamma", weights_.norm.gamma}},
         {{"y", out.hidden}, {"residual_out", residual_out}}, {{"eps", weights_.norm.eps}});
  em_.set_module(-1, "lm_head");
  out.logits = em_.temp_in(caller, {out.hidden.shape[0], weights_.lm_head.shape[0]}, options_.dtype, "logits");
  em_.op("MatMul", {{"x", out.hidden}, {"weight", weights_.lm_head}, {"bias", std::nullopt}}, {{"y", out.logits}});
  em_.pop_frame();  // the last layer's scratch
  em_.pop_frame();  // embedding and rope rows
  return out;
}

}  // namespace npusim::engine
