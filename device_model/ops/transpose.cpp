// Transpose: y = x.permute(perm), written contiguous.
#include <algorithm>

#include "device_model/kernels/kernel_io.h"
#include "device_model/ops/call_facts.h"
#include "device_model/ops/op_registry.h"
#include "device_model/ops/tiling.h"

namespace npusim::device {
namespace {

bool is_permutation(const std::vector<int64_t>& perm, int64_t rank) {
  std::vector<int64_t> sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  for (int64_t i = 0; i < static_cast<int64_t>(sorted.size()); ++i)
    if (sorted[i] != i) return false;
  return static_cast<int64_t>(perm.size()) == rank;
}

Facts facts(const OpCall& call) {
  Facts f;
  const TensorRef* x = add_slot_facts(f, call, "x");
  const TensorRef* y = add_output_facts(f, call, "y");
  const auto perm = call.attrs.get_ints("perm");
  if (perm) f.set("perm", static_cast<int64_t>(perm->size()));
  if (perm && x) {
    f.set("perm_is_permutation", is_permutation(*perm, x->rank()));
    if (y && is_permutation(*perm, x->rank())) {
      Shape expected;
      for (int64_t p : *perm) expected.push_back(x->shape[p]);
      f.set("y_shape", shape_string(y->shape));
      f.set("y_shape_expected", shape_string(expected));
    }
  }
  return f;
}

OpWork work(const OpCall& call, const HardwareSpec& spec) {
  const TensorRef* x = call.input("x");
  const TensorRef* y = call.output("y");
  // One vector gather/scatter pass through the UB per element.
  return vector_work("copy", x ? x->numel() : 0, 1, x ? x->bytes() : 0, y ? y->bytes() : 0, spec);
}

void compute(const OpCall& call, TensorStore& store) {
  KernelIo io(call, store);
  const TensorRef& xt = io.input("x");
  const auto perm = call.attrs.get_ints("perm").value_or(std::vector<int64_t>{});
  io.require(is_permutation(perm, xt.rank()), "perm", "perm is not a permutation of x's axes");
  const auto x = io.load("x");
  const int64_t rank = xt.rank();
  std::vector<int64_t> in_stride(rank, 1), out_shape(rank);
  for (int64_t d = rank - 2; d >= 0; --d) in_stride[d] = in_stride[d + 1] * xt.shape[d + 1];
  for (int64_t d = 0; d < rank; ++d) out_shape[d] = xt.shape[perm[d]];
  std::vector<float> y(x.size());
  std::vector<int64_t> index(rank, 0);  // output coordinates, advanced like an odometer
  for (size_t o = 0; o < y.size(); ++o) {
    int64_t src = 0;
    for (int64_t d = 0; d < rank; ++d) src += index[d] * in_stride[perm[d]];
    y[o] = x[src];
    for (int64_t d = rank - 1; d >= 0 && ++index[d] == out_shape[d]; --d) index[d] = 0;
  }
  io.store("y", y);
}
}  // namespace

OpDefinition transpose_op() {
  return {"Transpose", "copy", "y = x.permute(perm), contiguous", facts, work, compute};
}

}  // namespace npusim::device
