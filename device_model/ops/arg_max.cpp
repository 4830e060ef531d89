// ArgMax over the last dim (greedy sampling; the first maximum wins ties).
#include "device_model/kernels/kernel_io.h"
#include "device_model/ops/call_facts.h"
#include "device_model/ops/op_registry.h"
#include "device_model/ops/tiling.h"

namespace npusim::device {
namespace {
// One compare-and-select per element.
constexpr double kOpsPerElement = 1;

Facts facts(const OpCall& call) {
  Facts f;
  const TensorRef* x = add_slot_facts(f, call, "x");
  const TensorRef* idx = add_output_facts(f, call, "indices");
  set_if(f, "x_rows", rows(x));
  if (idx) f.set("indices_numel", idx->numel());
  return f;
}

OpWork work(const OpCall& call, const HardwareSpec& spec) {
  const TensorRef* x = call.input("x");
  const TensorRef* idx = call.output("indices");
  return vector_work("sampling", x ? x->numel() : 0, kOpsPerElement, x ? x->bytes() : 0, idx ? idx->bytes() : 0,
                     spec);
}

void compute(const OpCall& call, TensorStore& store) {
  KernelIo io(call, store);
  const auto x = io.load("x");
  const int64_t width = dim(&io.input("x"), -1).value_or(0);
  io.require(width > 0, "x", "argmax needs a non-empty last dim");
  std::vector<float> out(x.size() / width);
  for (size_t r = 0; r < out.size(); ++r) {
    int64_t best = 0;
    for (int64_t i = 1; i < width; ++i)
      if (x[r * width + i] > x[r * width + best]) best = i;
    out[r] = static_cast<float>(best);
  }
  io.store("indices", out);
}
}  // namespace

OpDefinition arg_max_op() {
  return {"ArgMax", "sampling", "greedy token choice: index of the largest logit", facts, work, compute};
}

}  // namespace npusim::device
