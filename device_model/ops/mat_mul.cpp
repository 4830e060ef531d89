// MatMul: y = x * weight^T + bias (torch Linear layout), on the cube cores.
#include "device_model/kernels/kernel_io.h"
#include "device_model/kernels/mat_mul.h"
#include "device_model/ops/matmul_operands.h"
#include "device_model/ops/op_registry.h"

namespace npusim::device {
namespace {
constexpr int kWeightN = 0;  // weight [N, K]

Facts facts(const OpCall& call) {
  Facts f;
  add_matmul_facts(f, call, kWeightN);
  set_if(f, "bias_n", dim(add_slot_facts(f, call, "bias"), -1));
  return f;
}

OpWork work(const OpCall& call, const HardwareSpec& spec) {
  const MatmulOperands o = matmul_operands(call, kWeightN);
  const double bytes = slot_bytes(o.x) + slot_bytes(o.weight) + slot_bytes(call.input("bias")) + slot_bytes(o.y);
  return matmul_work("matmul", matmul_problem(o), bytes, spec);
}

void compute(const OpCall& call, TensorStore& store) {
  KernelIo io(call, store);
  const TensorRef& xt = io.input("x");
  const TensorRef& wt = io.input("weight");
  const int64_t k = dim(&xt, -1).value_or(0), n = dim(&wt, 0).value_or(0);
  const int64_t m = rows(&xt).value_or(0);
  io.require(wt.numel() == n * k, "weight", "weight is not [N, K] with x's K");
  const auto xv = io.load("x"), wv = io.load("weight");
  std::vector<float> y(m * n);
  mat_mul(xv.data(), wv.data(), WeightLayout::n_by_k, m, n, k, y.data());
  if (auto bias = io.load_optional("bias")) {
    io.require(static_cast<int64_t>(bias->size()) == n, "bias", "bias is not [N]");
    for (int64_t row = 0; row < m; ++row)
      for (int64_t col = 0; col < n; ++col) y[row * n + col] += (*bias)[col];
  }
  io.store("y", y);
}
}  // namespace

OpDefinition mat_mul_op() {
  return {"MatMul", "matmul", "y = x * weight^T + bias on the cube cores", facts, work, compute};
}

}  // namespace npusim::device
