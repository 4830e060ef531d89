// MoeInitRouting: stable-sort the (token, slot) pairs by expert; gather the
// token rows in that order, record expanded_row_idx[j] = t*k + slot of row j
// and the rows per expert (group_list) for GroupedMatMul.
#include <algorithm>
#include <numeric>

#include "device_model/kernels/kernel_io.h"
#include "device_model/ops/call_facts.h"
#include "device_model/ops/op_registry.h"
#include "device_model/ops/tiling.h"

namespace npusim::device {
namespace {
// A sort key compare per routed row element plus the gather.
constexpr double kOpsPerElement = 1;

Facts facts(const OpCall& call) {
  Facts f;
  const TensorRef* x = add_slot_facts(f, call, "x");
  const TensorRef* idx = add_slot_facts(f, call, "indices");
  const TensorRef* ex = add_output_facts(f, call, "expanded_x");
  const TensorRef* rows_out = add_output_facts(f, call, "expanded_row_idx");
  const TensorRef* groups = add_output_facts(f, call, "group_list");
  set_if(f, "num_experts", call.attrs.get_int("num_experts"));
  set_if(f, "tokens", rows(x));
  set_if(f, "indices_rows", rows(idx));
  if (idx) f.set("routed_rows", idx->numel());
  set_if(f, "expanded_rows", rows(ex));
  set_if(f, "hidden", dim(x, -1));
  set_if(f, "expanded_width", dim(ex, -1));
  if (rows_out) f.set("expanded_row_idx_size", rows_out->numel());
  if (groups) f.set("group_list_size", groups->numel());
  return f;
}

OpWork work(const OpCall& call, const HardwareSpec& spec) {
  const TensorRef* idx = call.input("indices");
  const TensorRef* ex = call.output("expanded_x");
  double store = 0;
  for (const char* slot : {"expanded_x", "expanded_row_idx", "group_list"})
    if (const TensorRef* t = call.output(slot)) store += t->bytes();
  // Each routed row is read from x once per slot that chose it.
  const double load = (ex ? ex->bytes() : 0) + (idx ? idx->bytes() : 0);
  return vector_work("routing", ex ? ex->numel() : 0, kOpsPerElement, load, store, spec);
}

void compute(const OpCall& call, TensorStore& store) {
  KernelIo io(call, store);
  const auto x = io.load("x"), ids = io.load("indices");
  const TensorRef& idx = io.input("indices");
  const int64_t hidden = dim(&io.input("x"), -1).value_or(0), tokens = rows(&io.input("x")).value_or(0);
  const int64_t k = dim(&idx, -1).value_or(0), experts = call.attrs.int_or("num_experts", 0);
  io.require(k > 0 && static_cast<int64_t>(ids.size()) == tokens * k, "indices", "indices must be [T, k]");
  std::vector<int64_t> order(ids.size());
  std::iota(order.begin(), order.end(), 0);
  for (float e : ids)
    io.require(e >= 0 && e < experts, "indices", "expert id " + std::to_string(int64_t(e)) + " out of range");
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return ids[a] < ids[b]; });
  std::vector<float> expanded(order.size() * hidden), row_idx(order.size()), groups(experts, 0.0f);
  for (size_t j = 0; j < order.size(); ++j) {
    const int64_t t = order[j] / k;
    std::copy_n(&x[t * hidden], hidden, &expanded[j * hidden]);
    row_idx[j] = static_cast<float>(order[j]);
    groups[static_cast<int64_t>(ids[order[j]])] += 1;
  }
  io.store("expanded_x", expanded);
  io.store("expanded_row_idx", row_idx);
  io.store("group_list", groups);
}
}  // namespace

OpDefinition moe_init_routing_op() {
  return {"MoeInitRouting", "routing", "sort routed token rows by expert for grouped matmul", facts, work, compute};
}

}  // namespace npusim::device
