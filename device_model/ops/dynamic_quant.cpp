// DynamicQuant: per-token symmetric int8 quantisation, scale = max|x| / 127.
#include <cmath>
#include <limits>

#include "device_model/kernels/kernel_io.h"
#include "device_model/ops/call_facts.h"
#include "device_model/ops/op_registry.h"
#include "device_model/ops/tiling.h"

namespace npusim::device {
namespace {
// abs-max reduction, divide, round per element.
constexpr double kOpsPerElement = 3;
constexpr float kInt8Max = std::numeric_limits<int8_t>::max();

Facts facts(const OpCall& call) {
  Facts f;
  const TensorRef* x = add_slot_facts(f, call, "x");
  const TensorRef* y = add_output_facts(f, call, "y");
  const TensorRef* s = add_output_facts(f, call, "scale");
  if (x) f.set("x_numel", x->numel());
  if (y) f.set("y_numel", y->numel());
  set_if(f, "x_rows", rows(x));
  if (s) f.set("scale_numel", s->numel());
  return f;
}

OpWork work(const OpCall& call, const HardwareSpec& spec) {
  const TensorRef* x = call.input("x");
  const TensorRef* y = call.output("y");
  const TensorRef* s = call.output("scale");
  return vector_work("elementwise", x ? x->numel() : 0, kOpsPerElement, x ? x->bytes() : 0,
                     (y ? y->bytes() : 0) + (s ? s->bytes() : 0), spec);
}

void compute(const OpCall& call, TensorStore& store) {
  KernelIo io(call, store);
  const auto x = io.load("x");
  const int64_t width = dim(&io.input("x"), -1).value_or(0);
  io.require(width > 0 && io.output("y").numel() == static_cast<int64_t>(x.size()), "y", "y must match x");
  const int64_t m = static_cast<int64_t>(x.size()) / width;
  io.require(io.output("scale").numel() == m, "scale", "scale must be [M]");
  std::vector<float> y(x.size()), scale(m);
  for (int64_t r = 0; r < m; ++r) {
    float amax = 0;
    for (int64_t c = 0; c < width; ++c) amax = std::max(amax, std::fabs(x[r * width + c]));
    scale[r] = amax / kInt8Max;
    for (int64_t c = 0; c < width; ++c)
      y[r * width + c] = scale[r] == 0 ? 0.0f : std::nearbyint(x[r * width + c] / scale[r]);
  }
  io.store("y", y);
  io.store("scale", scale);
}
}  // namespace

OpDefinition dynamic_quant_op() {
  return {"DynamicQuant", "elementwise", "per-token symmetric int8 quantisation", facts, work, compute};
}

}  // namespace npusim::device
