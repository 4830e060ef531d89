// Slice: y = x.narrow(dim, start, length), written contiguous.
#include "device_model/kernels/kernel_io.h"
#include "device_model/ops/call_facts.h"
#include "device_model/ops/op_registry.h"
#include "device_model/ops/tiling.h"

namespace npusim::device {
namespace {

Facts facts(const OpCall& call) {
  Facts f;
  const TensorRef* x = add_slot_facts(f, call, "x");
  const TensorRef* y = add_output_facts(f, call, "y");
  for (const char* attr : {"dim", "start", "length"}) set_if(f, attr, call.attrs.get_int(attr));
  if (!x) return f;
  const int64_t d = call.attrs.int_or("dim", 0), axis = d < 0 ? d + x->rank() : d;
  f.set("dim_normalized", axis);
  f.set("dim_spare", x->rank() - 1 - axis);
  if (axis < 0 || axis >= x->rank()) return f;
  const int64_t start = call.attrs.int_or("start", 0), length = call.attrs.int_or("length", 0);
  f.set("slice_end_spare", x->shape[axis] - start - length);
  if (y) f.set("y_numel", y->numel()), f.set("y_numel_expected", x->numel() / std::max<int64_t>(1, x->shape[axis]) * length);
  return f;
}

OpWork work(const OpCall& call, const HardwareSpec& spec) {
  const TensorRef* y = call.output("y");
  const double bytes = y ? y->bytes() : 0;  // only the slice is read
  return vector_work("copy", 0, 0, bytes, bytes, spec);
}

void compute(const OpCall& call, TensorStore& store) {
  KernelIo io(call, store);
  const TensorRef& xt = io.input("x");
  const int64_t d = call.attrs.int_or("dim", 0), axis = d < 0 ? d + xt.rank() : d;
  const int64_t start = call.attrs.int_or("start", 0), length = call.attrs.int_or("length", 0);
  io.require(axis >= 0 && axis < xt.rank() && start >= 0 && length >= 0 && start + length <= xt.shape[axis], "start",
             "slice outside x");
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= xt.shape[i];
  for (int64_t i = axis + 1; i < xt.rank(); ++i) inner *= xt.shape[i];
  const auto x = io.load("x");
  std::vector<float> y;
  y.reserve(outer * length * inner);
  for (int64_t o = 0; o < outer; ++o) {
    const auto first = x.begin() + (o * xt.shape[axis] + start) * inner;
    y.insert(y.end(), first, first + length * inner);
  }
  io.store("y", y);
}
}  // namespace

OpDefinition slice_op() {
  return {"Slice", "copy", "y = x.narrow(dim, start, length), contiguous", facts, work, compute};
}

}  // namespace npusim::device
