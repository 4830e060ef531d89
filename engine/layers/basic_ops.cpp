#include "engine/layers/basic_ops.h"

namespace npusim::engine {
namespace {
std::optional<TensorRef> opt(const std::optional<TensorRef>& t) { return t; }
}  // namespace

TensorRef linear(Emitter& em, const LinearWeights& w, const TensorRef& x) {
  const int64_t rows = x.shape[0];
  const int64_t out = w.weight.shape[0];
  TensorRef y = em.temp({rows, out}, x.dtype, w.name + ".out");
  if (w.weight_scale) {
    TensorRef xq = em.temp(x.shape, DType::i8, w.name + ".x_int8");
    TensorRef xs = em.temp({rows}, DType::f32, w.name + ".x_scale");
    em.op("DynamicQuant", {{"x", x}}, {{"y", xq}, {"scale", xs}});
    em.op("QuantMatMul",
          {{"x", xq}, {"weight", w.weight}, {"weight_scale", *w.weight_scale}, {"x_scale", xs}, {"bias", opt(w.bias)}},
          {{"y", y}});
  } else {
    em.op("MatMul", {{"x", x}, {"weight", w.weight}, {"bias", opt(w.bias)}}, {{"y", y}});
  }
  return y;
}

TensorRef rms_norm(Emitter& em, const NormWeights& w, const TensorRef& x) {
  TensorRef y = em.temp(x.shape, x.dtype, "rms_norm.out");
  em.op("RmsNorm", {{"x", x}, {"gamma", w.gamma}}, {{"y", y}}, {{"eps", w.eps}});
  return y;
}

std::pair<TensorRef, TensorRef> add_rms_norm(Emitter& em, const NormWeights& w, const TensorRef& x,
                                             const TensorRef& residual) {
  TensorRef y = em.temp(x.shape, x.dtype, "add_rms_norm.out");
  TensorRef r = em.temp(x.shape, x.dtype, "residual");
  em.op("AddRmsNorm", {{"x", x}, {"residual", residual}, {"gamma", w.gamma}}, {{"y", y}, {"residual_out", r}},
        {{"eps", w.eps}});
  return {y, r};
}

TensorRef silu_mul(Emitter& em, const TensorRef& gate_up) {
  Shape shape = gate_up.shape;
  shape.back() /= 2;
  TensorRef y = em.temp(shape, gate_up.dtype, "silu_mul.out");
  em.op("Elementwise", {{"x", gate_up}}, {{"y", y}}, {{"fn", std::string("silu_mul")}});
  return y;
}

TensorRef gather_rows(Emitter& em, const TensorRef& table, const TensorRef& indices, const std::string& what) {
  TensorRef y = em.temp({indices.shape[0], table.shape[1]}, table.dtype, what);
  em.op("Embedding", {{"weight", table}, {"indices", indices}}, {{"y", y}});
  return y;
}

TensorRef slice(Emitter& em, const TensorRef& x, int64_t dim, int64_t start, int64_t length) {
  Shape shape = x.shape;
  shape[dim] = length;
  TensorRef y = em.temp(shape, x.dtype, "slice.out");
  em.op("Slice", {{"x", x}}, {{"y", y}}, {{"dim", dim}, {"start", start}, {"length", length}});
  return y;
}

TensorRef concat(Emitter& em, const std::vector<TensorRef>& parts, int64_t dim) {
  Shape shape = parts.front().shape;
  shape[dim] = 0;
  Slots inputs;
  for (size_t i = 0; i < parts.size(); ++i) {
    shape[dim] += parts[i].shape[dim];
    inputs.push_back({"x" + std::to_string(i), parts[i]});
  }
  TensorRef y = em.temp(shape, parts.front().dtype, "concat.out");
  em.op("Concat", std::move(inputs), {{"y", y}}, {{"dim", dim}});
  return y;
}

TensorRef transpose(Emitter& em, const TensorRef& x, const std::vector<int64_t>& perm) {
  Shape shape;
  for (int64_t p : perm) shape.push_back(x.shape[p]);
  TensorRef y = em.temp(shape, x.dtype, "transpose.out");
  em.op("Transpose", {{"x", x}}, {{"y", y}}, {{"perm", perm}});
  return y;
}

TensorRef batch_matmul(Emitter& em, const TensorRef& a, const TensorRef& b) {
  TensorRef y = em.temp({a.shape[0], a.shape[1], b.shape[2]}, a.dtype, "bmm.out");
  em.op("BatchMatMul", {{"a", a}, {"b", b}}, {{"y", y}});
  return y;
}

std::pair<TensorRef, TensorRef> rotary(Emitter& em, const TensorRef& query, const TensorRef& key, const TensorRef& cos,
                                       const TensorRef& sin, int64_t head_dim, int64_t rotary_dim, bool neox) {
  TensorRef q = em.temp(query.shape, query.dtype, "rope.query");
  TensorRef k = em.temp(key.shape, key.dtype, "rope.key");
  em.op("RotaryEmbedding", {{"query", query}, {"key", key}, {"cos", cos}, {"sin", sin}},
        {{"query_out", q}, {"key_out", k}},
        {{"head_dim", head_dim}, {"rotary_dim", rotary_dim}, {"is_neox_style", neox}});
  return {q, k};
}

}  // namespace npusim::engine
