// BatchMatMul: y[b] = a[b] * b[b] for [B, M, K] x [B, K, N] (MLA absorption, per head).

#include "device_model/kernels/kernel_io.h"
#include "device_model/kernels/mat_mul.h"
#include "device_model/ops/call_facts.h"
#include "device_model/ops/op_registry.h"
#include "device_model/ops/tiling.h"

namespace npusim::device {
namespace {
Facts facts(const OpCall& call) {
  Facts f;
  const TensorRef* a = add_slot_facts(f, call, "a");
  const TensorRef* b = add_slot_facts(f, call, "b");
  const TensorRef* y = add_output_facts(f, call, "y");
  set_if(f, "a_batch", dim(a, 0));
  set_if(f, "b_batch", dim(b, 0));
  set_if(f, "a_k", dim(a, -1));
  set_if(f, "b_k", dim(b, -2));
  if (y && a && b && a->rank() == 3 && b->rank() == 3) {
    f.set("y_numel", y->numel());
    f.set("y_numel_expected", a->shape[0] * a->shape[1] * b->shape[2]);
  }
  return f;
}

OpWork work(const OpCall& call, const HardwareSpec& spec) {
  const TensorRef* a = call.input("a");
  const TensorRef* b = call.input("b");
  const TensorRef* y = call.output("y");
  CubeProblem p;
  p.batch = dim(a, 0).value_or(1);
  p.m = dim(a, 1).value_or(0);
  p.k = dim(a, 2).value_or(0);
  p.n = dim(b, 2).value_or(0);
  p.dtype = a ? a->dtype : DType::bf16;
  p.out_bytes_per_element = y ? dtype_size_bytes(y->dtype) : 2;
  return matmul_work("matmul", p, (a ? a->bytes() : 0) + (b ? b->bytes() : 0) + (y ? y->bytes() : 0), spec);
}

void compute(const OpCall& call, TensorStore& store) {
  KernelIo io(call, store);
  const TensorRef &at = io.input("a"), &bt = io.input("b");
  io.require(at.rank() == 3 && bt.rank() == 3 && at.shape[0] == bt.shape[0] && at.shape[2] == bt.shape[1], "b",
             "operands are not [B, M, K] and [B, K, N]");
  const int64_t batch = at.shape[0], m = at.shape[1], k = at.shape[2], n = bt.shape[2];
  const auto av = io.load("a"), bv = io.load("b");
  std::vector<float> y(batch * m * n);
  for (int64_t i = 0; i < batch; ++i)
    mat_mul(&av[i * m * k], &bv[i * k * n], WeightLayout::k_by_n, m, n, k, &y[i * m * n]);
  io.store("y", y);
}
}  // namespace

OpDefinition batch_mat_mul_op() {
  return {"BatchMatMul", "matmul", "per-batch [M, K] x [K, N] products on the cube cores", facts, work, compute};
}

}  // namespace npusim::device
