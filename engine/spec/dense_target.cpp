#include "engine/spec/dense_target.h"

#include <cmath>

namespace npusim::engine::spec {

DenseTarget::DenseTarget(OpBuilder& builder, const DenseDims& dims, int64_t layers, uint64_t seed)
    : stack_(builder, dims, layers, "model", seed) {
  embedding_ = builder.alloc("model.embed_tokens.weight", {dims.vocab, dims.hidden}, dims.dtype);
  builder.fill(embedding_, "normal", seed + 1'000'003, 1.0);
  final_norm_ = builder.alloc("model.norm.weight", {dims.hidden}, dims.dtype);
  builder.fill(final_norm_, "ones", 0, 1.0);
  lm_head_ = builder.alloc("lm_head.weight", {dims.vocab, dims.hidden}, dims.dtype);
  builder.fill(lm_head_, "normal", seed + 2'000'003,
               1.0 / std::sqrt(static_cast<double>(dims.hidden)));
}

TensorRef DenseTarget::buffer(const std::string& name, const Shape& shape, DType dtype) const {
  std::string key = name + shape_string(shape);
  auto it = buffers_.find(key);
  if (it != buffers_.end()) return it->second;
  TensorRef tensor = stack_.builder().alloc("model.workspace." + name, shape, dtype);
  buffers_.emplace(key, tensor);
  return tensor;
}

TensorRef DenseTarget::input_ids(int64_t tokens) const {
  return buffer("input_ids", {tokens}, DType::i32);
}

TargetOutputs DenseTarget::forward(const TensorRef& ids, const PagedKvCache& cache,
                                   const StepPositions& positions, const StepTensors& step) const {
  OpBuilder& b = stack_.builder();
  const DenseDims& dims = stack_.dims();
  const int64_t t = ids.shape[0];
  TargetOutputs out;
  TensorRef x = buffer("embeds", {t, dims.hidden}, dims.dtype);
  b.op("Embedding", {slot("weight", embedding_), slot("indices", ids)}, {slot("y", x)});
  for (int64_t l = 0; l < stack_.layers(); ++l) {
    TensorRef y = buffer("hidden." + std::to_string(l), {t, dims.hidden}, dims.dtype);
    stack_.emit_layer(l, x, y, cache, positions, step, BlockAttention::causal);
    out.layer_outputs.push_back(y);
    x = y;
  }
  TensorRef normed = buffer("final_normed", {t, dims.hidden}, dims.dtype);
  b.op("RmsNorm", {slot("x", x), slot("gamma", final_norm_)}, {slot("y", normed)},
       Attrs{{"eps", dims.eps}});
  TensorRef logits = buffer("logits", {t, dims.vocab}, dims.dtype);
  b.op("MatMul", {slot("x", normed), slot("weight", lm_head_)}, {slot("y", logits)});
  out.tokens = buffer("next_tokens", {t}, DType::i32);
  b.op("ArgMax", {slot("x", logits)}, {slot("indices", out.tokens)});
  return out;
}

}  // namespace npusim::engine::spec
