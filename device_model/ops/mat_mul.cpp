// MatMul: y = x * weight^T + bias (torch Linear layout), on the cube cores.
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
  const TensorRef* b = add_slot_facts(f, call, "bias");
  const TensorRef* y = add_output_facts(f, call, "y");
  set_if(f, "x_k", dim(x, -1));
  set_if(f, "weight_k", dim(w, -1));
  set_if(f, "weight_n", dim(w, 0));
  set_if(f, "bias_n", dim(b, -1));
  set_if(f, "y_n", dim(y, -1));
  set_if(f, "x_rows", rows(x));
  set_if(f, "y_rows", rows(y));
  return f;
}

OpWork work(const OpCall& call, const HardwareSpec& spec) {
  const TensorRef* x = call.input("x");
  const TensorRef* w = call.input("weight");
  const TensorRef* b = call.input("bias");
  const TensorRef* y = call.output("y");
  CubeProblem p;
  p.m = rows(x).value_or(0);
  p.k = dim(x, -1).value_or(0);
  p.n = dim(w, 0).value_or(0);
  p.dtype = x ? x->dtype : DType::bf16;
  p.out_bytes_per_element = y ? dtype_size_bytes(y->dtype) : 2;
  const double bytes = (x ? x->bytes() : 0) + (w ? w->bytes() : 0) + (b ? b->bytes() : 0) +
                       (y ? y->bytes() : 0);
  return matmul_work("matmul", p, bytes, spec);
}

void compute(const OpCall& call, TensorStore& store) {
  KernelIo io(call, store);
  const TensorRef& xt = io.input("x");
  const TensorRef& wt = io.input("weight");
  const int64_t k = dim(&xt, -1).value_or(0), n = dim(&wt, 0).value_or(0);
  const int64_t m = rows(&xt).value_or(0);
  io.require(wt.numel() == n * k, "weight", "weight is not [N, K] with x's K");
  const auto xv = io.load("x"), wv = io.load("weight");
  Eigen::Map<const RowMatrix> x(xv.data(), m, k), w(wv.data(), n, k);
  RowMatrix y = x * w.transpose();
  if (auto bias = io.load_optional("bias")) {
    io.require(static_cast<int64_t>(bias->size()) == n, "bias", "bias is not [N]");
    y.rowwise() += Eigen::Map<const Eigen::RowVectorXf>(bias->data(), n);
  }
  io.store("y", std::vector<float>(y.data(), y.data() + y.size()));
}
}  // namespace

OpDefinition mat_mul_op() {
  return {"MatMul", "matmul", "y = x * weight^T + bias on the cube cores", facts, work, compute};
}

}  // namespace npusim::device
