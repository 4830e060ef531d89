#include "engine/spec/dense_target.h"

#include <cmath>

namespace npusim::engine::spec {

DenseTarget::DenseTarget(Emitter& em, const DenseDims& dims, int64_t layers, uint64_t seed)
    : stack_(em, dims, layers, "model", seed) {
  embedding_ = stack_.add_parameter("model.embed_tokens.weight", {dims.vocab, dims.hidden},
                                    "normal", seed + 1'000'003, 1.0);
  final_norm_ = stack_.add_parameter("model.norm.weight", {dims.hidden}, "ones", 0, 1.0);
  lm_head_ = stack_.add_parameter("lm_head.weight", {dims.vocab, dims.hidden}, "normal",
                                  seed + 2'000'003, 1.0 / std::sqrt(static_cast<double>(dims.hidden)));
}

void DenseTarget::load_weights(const SafetensorsFile& checkpoint) const {
  stack_.load_weights(checkpoint, "target", "spec.target.weights");
}

TensorRef DenseTarget::buffer(const std::string& name, const Shape& shape, DType dtype) const {
  std::string key = name + shape_string(shape);
  auto it = buffers_.find(key);
  if (it != buffers_.end()) return it->second;
  TensorRef tensor = stack_.emitter().alloc(shape, dtype, "model.workspace." + name);
  buffers_.emplace(key, tensor);
  return tensor;
}

TensorRef DenseTarget::input_ids(int64_t tokens) const {
  return buffer("input_ids", {tokens}, DType::i32);
}

TargetOutputs DenseTarget::forward(const TensorRef& ids, const PagedKvCache& cache,
                                   const StepPositions& positions, const StepTensors& step) const {
  Emitter& b = stack_.emitter();
  const DenseDims& dims = stack_.dims();
  const int64_t t = ids.shape[0];
  TargetOutputs out;
  TensorRef x = buffer("embeds", {t, dims.hidden}, dims.dtype);
  b.op("Embedding", {{"weight", embedding_}, {"indices", ids}}, {{"y", x}});
  for (int64_t l = 0; l < stack_.layers(); ++l) {
    TensorRef y = buffer("hidden." + std::to_string(l), {t, dims.hidden}, dims.dtype);
    stack_.emit_layer(l, x, y, cache, positions, step, BlockAttention::causal);
    out.layer_outputs.push_back(y);
    x = y;
  }
  TensorRef normed = buffer("final_normed", {t, dims.hidden}, dims.dtype);
  b.op("RmsNorm", {{"x", x}, {"gamma", final_norm_}}, {{"y", normed}},
       Attrs{{"eps", dims.eps}});
  TensorRef logits = buffer("logits", {t, dims.vocab}, dims.dtype);
  b.op("MatMul", {{"x", normed}, {"weight", lm_head_}}, {{"y", logits}});
  out.tokens = buffer("next_tokens", {t}, DType::i32);
  b.op("ArgMax", {{"x", logits}}, {{"indices", out.tokens}});
  return out;
}

}  // namespace npusim::engine::spec
