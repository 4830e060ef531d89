#include "engine/spec/dflash_draft.h"

#include <cmath>

namespace npusim::engine::spec {

DflashDraft::DflashDraft(Emitter& em, const DenseDims& dims, int64_t layers,
                         int64_t target_feature_layers, uint64_t seed)
    : stack_(em, dims, layers, "draft", seed) {
  const int64_t in = target_feature_layers * dims.hidden;
  fc_ = stack_.add_parameter("draft.fc.weight", {dims.hidden, in}, "normal", seed + 3'000'017,
                             1.0 / std::sqrt(static_cast<double>(in)));
  hidden_norm_ = stack_.add_parameter("draft.hidden_norm.weight", {dims.hidden}, "ones", 0, 1.0);
  final_norm_ = stack_.add_parameter("draft.norm.weight", {dims.hidden}, "ones", 0, 1.0);
  readout_ = stack_.add_parameter("draft.lm_head.weight", {dims.vocab, dims.hidden}, "normal",
                                  seed + 4'000'037, 1.0 / std::sqrt(static_cast<double>(dims.hidden)));
}

void DflashDraft::load_weights(const SafetensorsFile& checkpoint) const {
  stack_.load_weights(checkpoint, "dflash", "spec.dflash.weights");
}

TensorRef DflashDraft::buffer(const std::string& name, const Shape& shape, DType dtype) const {
  std::string key = name + shape_string(shape);
  auto it = buffers_.find(key);
  if (it != buffers_.end()) return it->second;
  Emitter& b = stack_.emitter();
  TensorRef tensor = b.alloc(shape, dtype, "draft.workspace." + name);
  buffers_.emplace(key, tensor);
  return tensor;
}

TensorRef DflashDraft::static_input_embeds(int64_t tokens) const {
  const std::string key = "input_embeds" + shape_string({tokens, stack_.dims().hidden});
  bool fresh = buffers_.count(key) == 0;
  TensorRef tensor = buffer("input_embeds", {tokens, stack_.dims().hidden}, stack_.dims().dtype);
  if (fresh) stack_.emitter().fill(tensor, "zeros", 0, 0.0);
  return tensor;
}

void DflashDraft::append_context(const TensorRef& target_features, const PagedKvCache& cache,
                                 const StepTensors& step, bool fused) const {
  Emitter& b = stack_.emitter();
  const DenseDims& dims = stack_.dims();
  const int64_t n = target_features.shape[0];
  TensorRef projected = buffer("ctx_projected", {n, dims.hidden}, dims.dtype);
  b.op("MatMul", {{"x", target_features}, {"weight", fc_}}, {{"y", projected}});
  TensorRef normed = buffer("ctx_normed", {n, dims.hidden}, dims.dtype);
  b.op("RmsNorm", {{"x", projected}, {"gamma", hidden_norm_}}, {{"y", normed}},
       Attrs{{"eps", dims.eps}});
  for (int64_t l = 0; l < stack_.layers(); ++l) stack_.emit_kv_append(l, normed, cache, step, fused);
}

TensorRef DflashDraft::block_forward(const TensorRef& input_embeds, const PagedKvCache& cache,
                                     const StepPositions& positions, const StepTensors& step,
                                     BlockAttention attention) const {
  Emitter& b = stack_.emitter();
  const DenseDims& dims = stack_.dims();
  const int64_t t = input_embeds.shape[0];
  TensorRef x = input_embeds;
  for (int64_t l = 0; l < stack_.layers(); ++l) {
    TensorRef y = buffer("hidden." + std::to_string(l % 2), {t, dims.hidden}, dims.dtype);
    stack_.emit_layer(l, x, y, cache, positions, step, attention);
    x = y;
  }
  TensorRef features = buffer("features", {t, dims.hidden}, dims.dtype);
  b.op("RmsNorm", {{"x", x}, {"gamma", final_norm_}}, {{"y", features}},
       Attrs{{"eps", dims.eps}});
  TensorRef logits = buffer("logits", {t, dims.vocab}, dims.dtype);
  b.op("MatMul", {{"x", features}, {"weight", readout_}}, {{"y", logits}});
  TensorRef tokens = buffer("tokens", {t}, DType::i32);
  b.op("ArgMax", {{"x", logits}}, {{"indices", tokens}});
  return tokens;
}

}  // namespace npusim::engine::spec
