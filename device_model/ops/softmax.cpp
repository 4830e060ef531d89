// Softmax over the last dim, computed in fp32.
#include <algorithm>
#include <cmath>

#include "device_model/kernels/kernel_io.h"
#include "device_model/ops/call_facts.h"
#include "device_model/ops/op_registry.h"
#include "device_model/ops/tiling.h"

namespace npusim::device {
namespace {
// Max, subtract, exp, sum, divide.
constexpr double kOpsPerElement = 5;

Facts facts(const OpCall& call) {
  Facts f;
  const TensorRef* x = add_slot_facts(f, call, "x");
  const TensorRef* y = add_output_facts(f, call, "y");
  if (x) f.set("x_numel", x->numel());
  if (y) f.set("y_numel", y->numel());
  return f;
}

OpWork work(const OpCall& call, const HardwareSpec& spec) {
  const TensorRef* x = call.input("x");
  const TensorRef* y = call.output("y");
  return vector_work("norm", x ? x->numel() : 0, kOpsPerElement, x ? x->bytes() : 0, y ? y->bytes() : 0, spec);
}

void compute(const OpCall& call, TensorStore& store) {
  KernelIo io(call, store);
  auto x = io.load("x");
  const int64_t width = dim(&io.input("x"), -1).value_or(0);
  io.require(width > 0, "x", "softmax needs a non-empty last dim");
  for (size_t r = 0; r < x.size() / width; ++r) {
    float* row = &x[r * width];
    const float peak = *std::max_element(row, row + width);
    double sum = 0;
    for (int64_t i = 0; i < width; ++i) sum += (row[i] = std::exp(row[i] - peak));
    for (int64_t i = 0; i < width; ++i) row[i] = static_cast<float>(row[i] / sum);
  }
  io.store("y", x);
}
}  // namespace

OpDefinition softmax_op() {
  return {"Softmax", "norm", "softmax over the last dim", facts, work, compute};
}

}  // namespace npusim::device
