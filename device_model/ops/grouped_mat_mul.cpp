// GroupedMatMul (MoE experts): rows of group e (in expert order, group_list[e]
// rows each) multiply weight[e]^T.
#include <numeric>

#include "device_model/kernels/kernel_io.h"
#include "device_model/kernels/mat_mul.h"
#include "device_model/ops/matmul_operands.h"
#include "device_model/ops/op_registry.h"

namespace npusim::device {
namespace {
constexpr int kWeightN = 1;  // weight [E, N, K]

Facts facts(const OpCall& call) {
  Facts f;
  const MatmulOperands o = add_matmul_facts(f, call, kWeightN);
  set_if(f, "weight_experts", dim(o.weight, 0));
  if (const TensorRef* g = add_slot_facts(f, call, "group_list")) f.set("group_list_size", g->numel());
  return f;
}

// Without data the routing is unknown: assume rows spread evenly over the
// experts that can receive any (min(E, T)); each expert's M pads to the fractal.
OpWork work(const OpCall& call, const HardwareSpec& spec) {
  const MatmulOperands o = matmul_operands(call, kWeightN);
  CubeProblem p = matmul_problem(o);
  const int64_t t = p.m, experts = dim(o.weight, 0).value_or(1);
  const int64_t active = std::max<int64_t>(1, std::min(experts, t));
  p.batch = active;
  p.m = ceil_div(t, active);
  const double weight_bytes = slot_bytes(o.weight) * active / std::max<int64_t>(1, experts);
  OpWork work = matmul_work("matmul", p, slot_bytes(o.x) + weight_bytes + slot_bytes(o.y), spec);
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
    mat_mul(&xv[row * k], &wv[e * n * k], WeightLayout::n_by_k, count, n, k, &y[row * n]);
    row += count;
  }
  io.store("y", y);
}
}  // namespace

OpDefinition grouped_mat_mul_op() {
  return {"GroupedMatMul", "matmul", "MoE expert matmuls over rows grouped by expert", facts, work, compute};
}

}  // namespace npusim::device
