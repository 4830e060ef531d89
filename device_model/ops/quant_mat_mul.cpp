// QuantMatMul (w8a8): y = (x_int8 * weight_int8^T) * x_scale[m] * weight_scale[n] + bias,
// int8 on the cube (twice the fp16 K per cycle), dequantised on the way out.
#include <Eigen/Dense>

#include "device_model/kernels/kernel_io.h"
#include "device_model/kernels/mat_mul.h"
#include "device_model/ops/matmul_operands.h"
#include "device_model/ops/op_registry.h"

namespace npusim::device {
namespace {
using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

constexpr int kWeightN = 0;  // weight [N, K]

Facts facts(const OpCall& call) {
  Facts f;
  add_matmul_facts(f, call, kWeightN);
  if (const TensorRef* ws = add_slot_facts(f, call, "weight_scale")) f.set("weight_scale_n", ws->numel());
  if (const TensorRef* xs = add_slot_facts(f, call, "x_scale")) f.set("x_scale_m", xs->numel());
  if (const TensorRef* b = add_slot_facts(f, call, "bias")) f.set("bias_n", b->numel());
  return f;
}

OpWork work(const OpCall& call, const HardwareSpec& spec) {
  const MatmulOperands o = matmul_operands(call, kWeightN);
  CubeProblem p = matmul_problem(o);
  p.dtype = DType::i8;  // the cube runs int8 whatever x's slot says
  double bytes = slot_bytes(o.y);
  for (const char* slot : {"x", "weight", "weight_scale", "x_scale", "bias"}) bytes += slot_bytes(call.input(slot));
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
  // int8 products summed in fp32: exact integers while K * 127^2 < 2^24.
  std::vector<float> yv(m * n);
  mat_mul(xv.data(), wv.data(), WeightLayout::n_by_k, m, n, k, yv.data());
  Eigen::Map<RowMatrix> y(yv.data(), m, n);
  y = Eigen::Map<const Eigen::VectorXf>(xs.data(), m).asDiagonal() * y *
      Eigen::Map<const Eigen::VectorXf>(ws.data(), n).asDiagonal();
  if (auto bias = io.load_optional("bias")) {
    io.require(static_cast<int64_t>(bias->size()) == n, "bias", "bias is not [N]");
    y.rowwise() += Eigen::Map<const Eigen::RowVectorXf>(bias->data(), n);
  }
  io.store("y", yv);
}
}  // namespace

OpDefinition quant_mat_mul_op() {
  return {"QuantMatMul", "matmul", "w8a8 matmul with per-token and per-channel dequant scales", facts, work, compute};
}

}  // namespace npusim::device
