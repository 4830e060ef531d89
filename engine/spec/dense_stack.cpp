#include "engine/spec/dense_stack.h"

#include <cmath>
#include <numeric>

#include "op_stream/failure.h"

namespace npusim::engine::spec {

namespace {

// FIA's sparse modes 2-4 take this optimised lower-triangular mask (FACTS.md,
// npu_fused_infer_attention_score: "2048x2048").
constexpr int64_t kCompressedMaskSide = 2048;
constexpr int64_t kUnboundedWindow = 2147483647;  // FIA's default pre/next_tokens

std::string layer_name(const std::string& prefix, int64_t layer, const std::string& leaf) {
  return prefix + ".layers." + std::to_string(layer) + "." + leaf;
}

}  // namespace

DenseDims dense_dims(const ModelConfig& config, DType dtype) {
  DenseDims dims;
  dims.hidden = config.hidden_size;
  dims.heads = config.num_attention_heads;
  dims.kv_heads = config.num_key_value_heads;
  dims.head_dim = config.head_dim;
  dims.intermediate = config.intermediate_size;
  dims.vocab = config.vocab_size;
  dims.eps = config.rms_norm_eps;
  dims.rope_theta = config.rope_theta;
  dims.dtype = dtype;
  return dims;
}

int64_t StepPositions::total_tokens() const {
  return std::accumulate(query_tokens.begin(), query_tokens.end(), int64_t{0});
}

DenseStack::DenseStack(Emitter& em, const DenseDims& dims, int64_t layers,
                       const std::string& prefix, uint64_t seed)
    : em_(em), dims_(dims), prefix_(prefix) {
  const DType dt = dims.dtype;
  const int64_t h = dims.hidden, d = dims.head_dim, inter = dims.intermediate;
  const int64_t qkv_rows = dims.q_size() + 2 * dims.kv_size();
  auto linear = [&](int64_t layer, const std::string& leaf, int64_t out, int64_t in) {
    const std::string name = layer_name(prefix, layer, leaf);
    TensorRef w = em_.alloc({out, in}, dt, name);
    // 1/sqrt(fan_in) keeps activations O(1) through the random stack.
    em_.fill(w, "normal", seed++, 1.0 / std::sqrt(static_cast<double>(in)));
    parameters_.emplace(name, w);
    return w;
  };
  auto norm = [&](int64_t layer, const std::string& leaf, int64_t size) {
    const std::string name = layer_name(prefix, layer, leaf);
    TensorRef g = em_.alloc({size}, dt, name);
    em_.fill(g, "ones", 0, 1.0);
    parameters_.emplace(name, g);
    return g;
  };
  for (int64_t l = 0; l < layers; ++l) {
    LayerWeights w;
    w.input_norm = norm(l, "input_layernorm.weight", h);
    w.qkv = linear(l, "self_attn.qkv_proj.weight", qkv_rows, h);
    w.q_norm = norm(l, "self_attn.q_norm.weight", d);
    w.k_norm = norm(l, "self_attn.k_norm.weight", d);
    w.o = linear(l, "self_attn.o_proj.weight", h, dims.q_size());
    w.post_norm = norm(l, "post_attention_layernorm.weight", h);
    w.gate_up = linear(l, "mlp.gate_up_proj.weight", 2 * inter, h);
    w.down = linear(l, "mlp.down_proj.weight", h, inter);
    weights_.push_back(w);
  }
  causal_mask_ = em_.alloc({kCompressedMaskSide, kCompressedMaskSide}, DType::i8, prefix + ".attn_mask");
  std::vector<float> mask;
  if (em_.functional()) {
    mask.resize(kCompressedMaskSide * kCompressedMaskSide);
    for (int64_t i = 0; i < kCompressedMaskSide; ++i)
      for (int64_t j = i + 1; j < kCompressedMaskSide; ++j) mask[i * kCompressedMaskSide + j] = 1.0f;
  }
  em_.write(causal_mask_, std::move(mask));
}

TensorRef DenseStack::add_parameter(const std::string& name, const Shape& shape,
                                    const std::string& init, uint64_t seed, double scale) {
  TensorRef tensor = em_.alloc(shape, dims_.dtype, name);
  em_.fill(tensor, init, seed, scale);
  parameters_.emplace(name, tensor);
  return tensor;
}

void DenseStack::load_weights(const SafetensorsFile& checkpoint, const std::string& component,
                              const std::string& rule) const {
  auto fail = [&](const std::string& name, const std::string& message) {
    throw FailureError(Failure{"load", component, name, "", rule, message,
                               "the checkpoint must hold exactly this model's weights; retrain "
                               "it for this config (engine/models/README.md)",
                               checkpoint.path});
  };
  for (const auto& [name, tensor] : checkpoint.tensors)
    if (!parameters_.count(name)) fail(name, "the checkpoint has a tensor this model does not");
  for (const auto& [name, ref] : parameters_) {
    auto it = checkpoint.tensors.find(name);
    if (it == checkpoint.tensors.end()) fail(name, "the checkpoint lacks this weight");
    if (it->second.shape != ref.shape)
      fail(name, "shape " + shape_string(it->second.shape) + " in the checkpoint, " +
                     shape_string(ref.shape) + " in the model");
    em_.write(ref, it->second.values);
  }
}

TensorRef DenseStack::scratch(const std::string& name, const Shape& shape, DType dtype) const {
  std::string key = name + shape_string(shape) + std::string(dtype_name(dtype));
  auto it = scratch_.find(key);
  if (it != scratch_.end()) return it->second;
  TensorRef tensor = em_.alloc(shape, dtype, prefix_ + ".workspace." + name);
  scratch_.emplace(key, tensor);
  return tensor;
}

PagedKvCache DenseStack::make_cache(int64_t batch, int64_t max_tokens, int64_t block_size) const {
  PagedKvCache cache;
  cache.batch = batch;
  cache.block_size = block_size;
  cache.blocks_per_sequence = (max_tokens + block_size - 1) / block_size;
  const int64_t blocks = batch * cache.blocks_per_sequence;
  for (int64_t l = 0; l < layers(); ++l) {
    cache.key.push_back(em_.alloc({blocks, block_size, dims_.kv_size()}, dims_.dtype, layer_name(prefix_, l, "k_cache")));
    cache.value.push_back(em_.alloc({blocks, block_size, dims_.kv_size()}, dims_.dtype, layer_name(prefix_, l, "v_cache")));
  }
  cache.block_table =
      em_.alloc({batch, cache.blocks_per_sequence}, DType::i32, prefix_ + ".block_table");
  std::vector<float> table;
  if (em_.functional()) {
    table.resize(blocks);
    std::iota(table.begin(), table.end(), 0.0f);
  }
  em_.write(cache.block_table, std::move(table));
  return cache;
}

StepTensors DenseStack::make_step_tensors(int64_t tokens) const {
  const std::string suffix = "." + std::to_string(tokens);
  return StepTensors{scratch("cos" + suffix, {tokens, dims_.head_dim}, DType::f32),
                     scratch("sin" + suffix, {tokens, dims_.head_dim}, DType::f32),
                     scratch("slot_mapping" + suffix, {tokens}, DType::i32)};
}

void DenseStack::write_positions(const PagedKvCache& cache, const StepPositions& positions,
                                 const StepTensors& tensors) const {
  std::vector<float> cos, sin, slots;
  if (em_.functional()) {
    const int64_t d = dims_.head_dim, half = d / 2;
    for (size_t b = 0; b < positions.query_tokens.size(); ++b) {
      const int64_t first = positions.kv_lengths[b] - positions.query_tokens[b];
      for (int64_t p = first; p < positions.kv_lengths[b]; ++p) {
        slots.push_back(static_cast<float>(
            cache.slot(positions.first_sequence + static_cast<int64_t>(b), p)));
        for (int64_t j = 0; j < d; ++j) {
          // Neox layout: R/2 frequencies duplicated to R (docs/OPS.md RotaryEmbedding).
          double inv_freq = std::pow(dims_.rope_theta, -2.0 * static_cast<double>(j % half) / d);
          cos.push_back(static_cast<float>(std::cos(p * inv_freq)));
          sin.push_back(static_cast<float>(std::sin(p * inv_freq)));
        }
      }
    }
  }
  em_.write(tensors.cos, std::move(cos));
  em_.write(tensors.sin, std::move(sin));
  em_.write(tensors.slot_mapping, std::move(slots));
}

TensorRef DenseStack::qkv_projection(int64_t layer, const TensorRef& normed) const {
  const int64_t t = normed.shape[0];
  TensorRef qkv = scratch("qkv", {t, dims_.q_size() + 2 * dims_.kv_size()}, dims_.dtype);
  em_.op("MatMul", {{"x", normed}, {"weight", weights_[layer].qkv}},
         {{"y", qkv}});
  return qkv;
}

void DenseStack::split_norm_rope(int64_t layer, const TensorRef& qkv, const StepTensors& step,
                                 bool fused, const TensorRef& q, const TensorRef& k,
                                 const TensorRef& v) const {
  const LayerWeights& w = weights_[layer];
  const int64_t t = qkv.shape[0], d = dims_.head_dim;
  if (fused) {
    em_.op("SplitQkvRmsnormRope",
           {{"input", qkv}, {"cos", step.cos}, {"sin", step.sin},
            {"q_weight", w.q_norm}, {"k_weight", w.k_norm}, {"q_bias", std::nullopt},
            {"k_bias", std::nullopt}},
           {{"q", q}, {"k", k}, {"v", v}},
           Attrs{{"q_hidden_size", dims_.q_size()},
                 {"kv_hidden_size", dims_.kv_size()},
                 {"head_dim", d},
                 {"rotary_dim", d},
                 {"eps", dims_.eps},
                 {"is_neox_style", true}});
    return;
  }
  // The generic path: split, per-head RMSNorm of q and k, then rotary.
  TensorRef q_raw = scratch("q_raw", {t, dims_.q_size()}, dims_.dtype);
  TensorRef k_raw = scratch("k_raw", {t, dims_.kv_size()}, dims_.dtype);
  em_.op("Slice", {{"x", qkv}}, {{"y", q_raw}},
         Attrs{{"dim", int64_t{1}}, {"start", int64_t{0}}, {"length", dims_.q_size()}});
  em_.op("Slice", {{"x", qkv}}, {{"y", k_raw}},
         Attrs{{"dim", int64_t{1}}, {"start", dims_.q_size()}, {"length", dims_.kv_size()}});
  em_.op("Slice", {{"x", qkv}}, {{"y", v}},
         Attrs{{"dim", int64_t{1}},
               {"start", dims_.q_size() + dims_.kv_size()},
               {"length", dims_.kv_size()}});
  TensorRef q_normed = scratch("q_normed", {t, dims_.q_size()}, dims_.dtype);
  TensorRef k_normed = scratch("k_normed", {t, dims_.kv_size()}, dims_.dtype);
  em_.op("RmsNorm", {{"x", view(q_raw, 0, {t, dims_.heads, d})}, {"gamma", w.q_norm}},
         {{"y", view(q_normed, 0, {t, dims_.heads, d})}}, Attrs{{"eps", dims_.eps}});
  em_.op("RmsNorm",
         {{"x", view(k_raw, 0, {t, dims_.kv_heads, d})}, {"gamma", w.k_norm}},
         {{"y", view(k_normed, 0, {t, dims_.kv_heads, d})}}, Attrs{{"eps", dims_.eps}});
  em_.op("RotaryEmbedding",
         {{"query", q_normed}, {"key", k_normed}, {"cos", step.cos},
          {"sin", step.sin}},
         {{"query_out", q}, {"key_out", k}},
         Attrs{{"head_dim", d}, {"rotary_dim", d}, {"is_neox_style", true}});
}

void DenseStack::cache_kv(int64_t layer, const TensorRef& k, const TensorRef& v,
                          const PagedKvCache& cache, const StepTensors& step) const {
  const int64_t t = k.shape[0];
  em_.op("ReshapeAndCache",
         {{"key", view(k, 0, {t, dims_.kv_heads, dims_.head_dim})},
          {"value", view(v, 0, {t, dims_.kv_heads, dims_.head_dim})},
          {"key_cache", cache.key[layer]}, {"value_cache", cache.value[layer]},
          {"slot_mapping", step.slot_mapping}},
         {{"key_cache", cache.key[layer]}, {"value_cache", cache.value[layer]}});
}

void DenseStack::emit_kv_append(int64_t layer, const TensorRef& x, const PagedKvCache& cache,
                                const StepTensors& step, bool fused) const {
  const int64_t t = x.shape[0];
  TensorRef qkv = qkv_projection(layer, x);
  TensorRef q = scratch("q", {t, dims_.q_size()}, dims_.dtype);
  TensorRef k = scratch("k", {t, dims_.kv_size()}, dims_.dtype);
  TensorRef v = scratch("v", {t, dims_.kv_size()}, dims_.dtype);
  split_norm_rope(layer, qkv, step, fused, q, k, v);
  cache_kv(layer, k, v, cache, step);
}

void DenseStack::emit_layer(int64_t layer, const TensorRef& x, const TensorRef& out,
                            const PagedKvCache& cache, const StepPositions& positions,
                            const StepTensors& step, BlockAttention attention) const {
  const LayerWeights& w = weights_[layer];
  const int64_t t = x.shape[0], h = dims_.hidden, d = dims_.head_dim;
  TensorRef normed = scratch("normed", {t, h}, dims_.dtype);
  em_.op("RmsNorm", {{"x", x}, {"gamma", w.input_norm}}, {{"y", normed}},
         Attrs{{"eps", dims_.eps}});
  TensorRef qkv = qkv_projection(layer, normed);
  TensorRef q = scratch("q", {t, dims_.q_size()}, dims_.dtype);
  TensorRef k = scratch("k", {t, dims_.kv_size()}, dims_.dtype);
  TensorRef v = scratch("v", {t, dims_.kv_size()}, dims_.dtype);
  split_norm_rope(layer, qkv, step, /*fused=*/true, q, k, v);
  cache_kv(layer, k, v, cache, step);

  std::vector<int64_t> query_ends, kv_lengths = positions.kv_lengths;
  int64_t end = 0;
  for (int64_t n : positions.query_tokens) query_ends.push_back(end += n);
  const bool causal = attention == BlockAttention::causal;
  TensorRef attn = scratch("attn", {t, dims_.q_size()}, dims_.dtype);
  em_.op("FusedInferAttentionScore",
         {{"query", view(q, 0, {t, dims_.heads, d})}, {"key", cache.key[layer]},
          {"value", cache.value[layer]},
          causal ? NamedTensor{"atten_mask", causal_mask_} : NamedTensor{"atten_mask", std::nullopt},
          {"block_table", cache.block_table}},
         {{"attention_out", view(attn, 0, {t, dims_.heads, d})}},
         Attrs{{"num_heads", dims_.heads},
               {"num_key_value_heads", dims_.kv_heads},
               {"input_layout", std::string("TND")},
               {"sparse_mode", int64_t{causal ? 3 : 0}},
               {"scale", 1.0 / std::sqrt(static_cast<double>(d))},
               {"block_size", cache.block_size},
               {"actual_seq_lengths", query_ends},
               {"actual_seq_lengths_kv", kv_lengths},
               {"pre_tokens", kUnboundedWindow},
               {"next_tokens", causal ? int64_t{0} : kUnboundedWindow}});
  TensorRef o = scratch("o", {t, h}, dims_.dtype);
  em_.op("MatMul", {{"x", attn}, {"weight", w.o}}, {{"y", o}});
  TensorRef post = scratch("post_normed", {t, h}, dims_.dtype);
  TensorRef residual = scratch("residual", {t, h}, dims_.dtype);
  em_.op("AddRmsNorm", {{"x", o}, {"residual", x}, {"gamma", w.post_norm}},
         {{"y", post}, {"residual_out", residual}}, Attrs{{"eps", dims_.eps}});
  TensorRef gate_up = scratch("gate_up", {t, 2 * dims_.intermediate}, dims_.dtype);
  em_.op("MatMul", {{"x", post}, {"weight", w.gate_up}}, {{"y", gate_up}});
  TensorRef act = scratch("act", {t, dims_.intermediate}, dims_.dtype);
  em_.op("Elementwise", {{"x", gate_up}}, {{"y", act}},
         Attrs{{"fn", std::string("silu_mul")}});
  TensorRef mlp = scratch("mlp", {t, h}, dims_.dtype);
  em_.op("MatMul", {{"x", act}, {"weight", w.down}}, {{"y", mlp}});
  em_.op("Elementwise", {{"x", mlp}, {"other", residual}}, {{"y", out}},
         Attrs{{"fn", std::string("add")}});
}

}  // namespace npusim::engine::spec
