// GroupedMatMul (MoE experts): rows of group e (in expert order, group_list[e]
// rows each) multiply weight[e]^T.
#include <Eigen/Dense>
#include <numeric>

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
  const TensorRef* g = add_slot_facts(f, call, "group_list");
  const TensorRef* y = add_output_facts(f, call, "y");
  set_if(f, "x_k", dim(x, -1));
  set_if(f, "x_rows", rows(x));
  set_if(f, "weight_experts", dim(w, 0));
  set_if(f, "weight_n", dim(w, 1));
  set_if(f, "weight_k", dim(w, -1));
  if (g) f.set("group_list_size", g->numel());
  set_if(f, "y_n", dim(y, -1));
  set_if(f, "y_rows", rows(y));
  return f;
}

// Without data the routing is unknown: assume rows spread evenly over the
// experts that can receive any (min(E, T)); each expert's M pads to the fractal.
OpWork work(const OpCall& call, const HardwareSpec& spec) {
  const TensorRef* x = call.input("x");
  const TensorRef* w = call.input("weight");
  const TensorRef* y = call.output("y");
  const int64_t t = rows(x).value_or(0), experts = dim(w, 0).value_or(1);
  const int64_t active = std::max<int64_t>(1, std::min(experts, t));
  CubeProblem p;
  p.batch = active;
  p.m = ceil_div(t, active);
  p.k = dim(x, -1).value_or(0);
  p.n = dim(w, 1).value_or(0);
  p.dtype = x ? x->dtype : DType::bf16;
  p.out_bytes_per_element = y ? dtype_size_bytes(y->dtype) : 2;
  const double weight_bytes = w ? static_cast<double>(w->bytes()) * active / std::max<int64_t>(1, experts) : 0;
  OpWork work = matmul_work("matmul", p, (x ? x->bytes() : 0) + weight_bytes + (y ? y->bytes() : 0), spec);
  work.flops = 2.0 * t * p.n * p.k;  // useful work: the real rows, not the evened-out padding
  return work;
}

void compute(const OpCall& call, TensorStore& store) {
  KernelIo io(call, store);
  const TensorRef &xt = io.input("x"), &wt = io.input("weight");
  io.require(xt.rank() == 2 && wt.rank() == 3 && wt.shape[2] == xt.shape[1], "weight",
             "operands are not [T, K] and [E, N, K]");
  const int64_t t = xt.shape[0], k = xt.shape[1], experts = wt.shape[0], n = wt.shape[1];
  const auto xv = io.load("x"), wv = io.load("weight"), groups = io.load("group_list");
  io.require(static_cast<int64_t>(groups.size()) == experts, "group_list", "group_list must have one count per expert");
  io.require(std::accumulate(groups.begin(), groups.end(), 0.0) == static_cast<double>(t), "group_list",
             "group_list counts must add up to x's rows");
  std::vector<float> y(t * n);
  int64_t row = 0;
  for (int64_t e = 0; e < experts; ++e) {
    const auto count = static_cast<int64_t>(groups[e]);
    io.require(count >= 0, "group_list", "negative group count");
    if (count == 0) continue;
    Eigen::Map<const RowMatrix> xe(&xv[row * k], count, k), we(&wv[e * n * k], n, k);
    Eigen::Map<RowMatrix>(&y[row * n], count, n) = xe * we.transpose();
    row += count;
  }
  io.store("y", y);
}
}  // namespace

OpDefinition grouped_mat_mul_op() {
  return {"GroupedMatMul", "matmul", "MoE expert matmuls over rows grouped by expert", facts, work, compute};
}

}  // namespace npusim::device
