// AddRmsNorm: residual_out = x + residual; y = RmsNorm(residual_out) * gamma.
#include "device_model/kernels/kernel_io.h"
#include "device_model/kernels/rms_norm.h"
#include "device_model/ops/call_facts.h"
#include "device_model/ops/op_registry.h"
#include "device_model/ops/tiling.h"

namespace npusim::device {
namespace {
// Add, square, sum, scale, multiply by gamma.
constexpr double kOpsPerElement = 5;

Facts facts(const OpCall& call) {
  Facts f;
  const TensorRef* x = add_slot_facts(f, call, "x");
  const TensorRef* r = add_slot_facts(f, call, "residual");
  const TensorRef* g = add_slot_facts(f, call, "gamma");
  const TensorRef* y = add_output_facts(f, call, "y");
  const TensorRef* ro = add_output_facts(f, call, "residual_out");
  if (!call.attrs.is_null("eps")) f.set("eps", call.attrs.double_or("eps", 0));
  set_if(f, "x_width", dim(x, -1));
  if (g) f.set("gamma_width", g->numel());
  for (auto [name, t] : {std::pair{"x_numel", x}, {"residual_numel", r}, {"y_numel", y}, {"residual_out_numel", ro}})
    if (t) f.set(name, t->numel());
  return f;
}

OpWork work(const OpCall& call, const HardwareSpec& spec) {
  double load = 0, store = 0;
  for (const char* slot : {"x", "residual", "gamma"})
    if (const TensorRef* t = call.input(slot)) load += t->bytes();
  for (const char* slot : {"y", "residual_out"})
    if (const TensorRef* t = call.output(slot)) store += t->bytes();
  const TensorRef* x = call.input("x");
  return vector_work("norm", x ? x->numel() : 0, kOpsPerElement, load, store, spec);
}

void compute(const OpCall& call, TensorStore& store) {
  KernelIo io(call, store);
  auto x = io.load("x");
  const auto residual = io.load("residual"), gamma = io.load("gamma");
  const auto width = static_cast<int64_t>(gamma.size());
  io.require(residual.size() == x.size(), "residual", "residual differs in size from x");
  io.require(width > 0 && x.size() % width == 0, "gamma", "gamma width differs from x's last dim");
  for (size_t i = 0; i < x.size(); ++i) x[i] += residual[i];
  io.store("residual_out", x);
  // The norm reads the sum as stored (rounded to residual_out's dtype), as the fused kernel does.
  x = store.load(io.output("residual_out"));
  for (size_t r = 0; r < x.size() / width; ++r)
    rms_norm_row(&x[r * width], width, call.attrs.double_or("eps", 0), gamma.data(), nullptr);
  io.store("y", x);
}
}  // namespace

OpDefinition add_rms_norm_op() {
  return {"AddRmsNorm", "norm", "residual add fused with RMS normalisation", facts, work, compute};
}

}  // namespace npusim::device
