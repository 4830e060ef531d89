// MoeFinalizeRouting: y[t] = sum over slots of weights[t, slot] * the expert
// output row of (t, slot), plus the shared expert's row when given.
#include "device_model/kernels/kernel_io.h"
#include "device_model/ops/call_facts.h"
#include "device_model/ops/op_registry.h"
#include "device_model/ops/tiling.h"

namespace npusim::device {
namespace {
// One multiply-add per routed element.
constexpr double kOpsPerElement = 2;

Facts facts(const OpCall& call) {
  Facts f;
  const TensorRef* ey = add_slot_facts(f, call, "expanded_y");
  const TensorRef* w = add_slot_facts(f, call, "weights");
  const TensorRef* ri = add_slot_facts(f, call, "expanded_row_idx");
  const TensorRef* shared = add_slot_facts(f, call, "shared");
  const TensorRef* y = add_output_facts(f, call, "y");
  set_if(f, "expanded_rows", rows(ey));
  set_if(f, "expanded_width", dim(ey, -1));
  if (w) f.set("routed_rows", w->numel());
  if (ri) f.set("expanded_row_idx_size", ri->numel());
  set_if(f, "tokens", rows(w));
  set_if(f, "y_rows", rows(y));
  set_if(f, "y_width", dim(y, -1));
  if (shared && y) f.set("shared_numel", shared->numel()), f.set("y_numel", y->numel());
  return f;
}

OpWork work(const OpCall& call, const HardwareSpec& spec) {
  double load = 0;
  for (const char* slot : {"expanded_y", "weights", "expanded_row_idx", "shared"})
    if (const TensorRef* t = call.input(slot)) load += t->bytes();
  const TensorRef* ey = call.input("expanded_y");
  const TensorRef* y = call.output("y");
  return vector_work("routing", ey ? ey->numel() : 0, kOpsPerElement, load, y ? y->bytes() : 0, spec);
}

void compute(const OpCall& call, TensorStore& store) {
  KernelIo io(call, store);
  const auto ey = io.load("expanded_y"), w = io.load("weights"), ri = io.load("expanded_row_idx");
  const auto shared = io.load_optional("shared");
  const int64_t hidden = dim(&io.input("expanded_y"), -1).value_or(0);
  const int64_t k = dim(&io.input("weights"), -1).value_or(0);
  io.require(hidden > 0 && k > 0 && ri.size() == w.size() && ey.size() == w.size() * hidden, "expanded_row_idx",
             "routed rows disagree: expanded_y [T*k, H], weights [T, k], expanded_row_idx [T*k]");
  const int64_t tokens = static_cast<int64_t>(w.size()) / k;
  io.require(!shared || static_cast<int64_t>(shared->size()) == tokens * hidden, "shared", "shared must be [T, H]");
  std::vector<double> acc(tokens * hidden, 0.0);
  for (size_t j = 0; j < ri.size(); ++j) {
    const auto pair = static_cast<int64_t>(ri[j]);  // t * k + slot
    io.require(pair >= 0 && pair < tokens * k, "expanded_row_idx", "row index out of range");
    const int64_t t = pair / k;
    for (int64_t h = 0; h < hidden; ++h) acc[t * hidden + h] += double(w[pair]) * ey[j * hidden + h];
  }
  std::vector<float> y(acc.size());
  for (size_t i = 0; i < y.size(); ++i) y[i] = static_cast<float>(acc[i] + (shared ? (*shared)[i] : 0.0f));
  io.store("y", y);
}
}  // namespace

OpDefinition moe_finalize_routing_op() {
  return {"MoeFinalizeRouting", "routing", "weighted combine of expert outputs (+ shared expert)", facts, work,
          compute};
}

}  // namespace npusim::device
