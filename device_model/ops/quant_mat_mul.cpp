// QuantMatMul (w8a8): y = (x_int8 * weight_int8^T) * x_scale[m] * weight_scale[n] + bias,
// int8 on the cube (twice the fp16 K per cycle), dequantised on the way out.
#include <Eigen/Dense>

#include "device_model/kernels/kernel_io.h"
#include "device_model/ops/call_facts.h"
#include "device_model/ops/op_registry.h"
#include "device_model/ops/tiling.h"

namespace npusim::device {
namespace {
using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

Facts facts(const OpCall& call) {
  Facts f;
  const TensorRef* x = add_slot_facts(f, call, "x");
  const TensorRef* w = add_slot_facts(f, call, "weight");
  const TensorRef* ws = add_slot_facts(f, call, "weight_scale");
  const TensorRef* xs = add_slot_facts(f, call, "x_scale");
  const TensorRef* b = add_slot_facts(f, call, "bias");
  const TensorRef* y = add_output_facts(f, call, "y");
  set_if(f, "x_k", dim(x, -1));
  set_if(f, "x_rows", rows(x));
  set_if(f, "weight_k", dim(w, -1));
  set_if(f, "weight_n", dim(w, 0));
  if (ws) f.set("weight_scale_n", ws->numel());
  if (xs) f.set("x_scale_m", xs->numel());
  if (b) f.set("bias_n", b->numel());
  set_if(f, "y_n", dim(y, -1));
  set_if(f, "y_rows", rows(y));
  return f;
}

OpWork work(const OpCall& call, const HardwareSpec& spec) {
  const TensorRef* x = call.input("x");
  const TensorRef* w = call.input("weight");
  const TensorRef* y = call.output("y");
  CubeProblem p;
  p.m = rows(x).value_or(0);
  p.k = dim(x, -1).value_or(0);
  p.n = dim(w, 0).value_or(0);
  p.dtype = DType::i8;
  p.out_bytes_per_element = y ? dtype_size_bytes(y->dtype) : 2;
  double bytes = y ? y->bytes() : 0;
  for (const char* slot : {"x", "weight", "weight_scale", "x_scale", "bias"})
    if (const TensorRef* t = call.input(slot)) bytes += t->bytes();
  return matmul_work("matmul", p, bytes, spec);
}

void compute(const OpCall& call, TensorStore& store) {
  KernelIo io(call, store);
  const int64_t m = rows(&io.input("x")).value_or(0), k = dim(&io.input("x"), -1).value_or(0);
  const int64_t n = dim(&io.input("weight"), 0).value_or(0);
  const auto xv = io.load("x"), wv = io.load("weight"), xs = io.load("x_scale"), ws = io.load("weight_scale");
  io.require(static_cast<int64_t>(wv.size()) == n * k, "weight", "weight is not [N, K] with x's K");
  io.require(static_cast<int64_t>(xs.size()) == m && static_cast<int64_t>(ws.size()) == n, "x_scale",
             "scales must be [M] and [N]");
  Eigen::Map<const RowMatrix> x(xv.data(), m, k), w(wv.data(), n, k);
  RowMatrix y = x * w.transpose();  // exact: int8 products summed in fp32 stay integers here
  y = Eigen::Map<const Eigen::VectorXf>(xs.data(), m).asDiagonal() * y *
      Eigen::Map<const Eigen::VectorXf>(ws.data(), n).asDiagonal();
  if (auto bias = io.load_optional("bias")) {
    io.require(static_cast<int64_t>(bias->size()) == n, "bias", "bias is not [N]");
    y.rowwise() += Eigen::Map<const Eigen::RowVectorXf>(bias->data(), n);
  }
  io.store("y", std::vector<float>(y.data(), y.data() + y.size()));
}
}  // namespace

OpDefinition quant_mat_mul_op() {
  return {"QuantMatMul", "matmul", "w8a8 matmul with per-token and per-channel dequant scales", facts, work, compute};
}

}  // namespace npusim::device
