// RmsNorm: y = x / sqrt(mean(x^2) + eps) * gamma over the last dim.
#include "device_model/kernels/kernel_io.h"
#include "device_model/kernels/rms_norm.h"
#include "device_model/ops/call_facts.h"
#include "device_model/ops/op_registry.h"
#include "device_model/ops/tiling.h"

namespace npusim::device {
namespace {
// Square, sum, scale, multiply by gamma.
constexpr double kOpsPerElement = 4;

Facts facts(const OpCall& call) {
  Facts f;
  const TensorRef* x = add_slot_facts(f, call, "x");
  const TensorRef* g = add_slot_facts(f, call, "gamma");
  const TensorRef* y = add_output_facts(f, call, "y");
  if (!call.attrs.is_null("eps")) f.set("eps", call.attrs.double_or("eps", 0));
  set_if(f, "x_width", dim(x, -1));
  if (g) f.set("gamma_width", g->numel());
  if (x) f.set("x_numel", x->numel());
  if (y) f.set("y_numel", y->numel());
  return f;
}

OpWork work(const OpCall& call, const HardwareSpec& spec) {
  const TensorRef* x = call.input("x");
  const TensorRef* g = call.input("gamma");
  const TensorRef* y = call.output("y");
  return vector_work("norm", x ? x->numel() : 0, kOpsPerElement, (x ? x->bytes() : 0) + (g ? g->bytes() : 0),
                     y ? y->bytes() : 0, spec);
}

void compute(const OpCall& call, TensorStore& store) {
  KernelIo io(call, store);
  auto x = io.load("x");
  const auto gamma = io.load("gamma");
  const auto width = static_cast<int64_t>(gamma.size());
  io.require(width > 0 && x.size() % width == 0, "gamma", "gamma width differs from x's last dim");
  for (size_t r = 0; r < x.size() / width; ++r)
    rms_norm_row(&x[r * width], width, call.attrs.double_or("eps", 0), gamma.data(), nullptr);
  io.store("y", x);
}
}  // namespace

OpDefinition rms_norm_op() {
  return {"RmsNorm", "norm", "RMS normalisation over the last dim, times gamma", facts, work, compute};
}

}  // namespace npusim::device
