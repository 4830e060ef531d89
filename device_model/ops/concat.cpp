// Concat: y = cat(x0, x1, ...) along `dim`. Inputs must share rank, dtype and
// every dim but `dim` (the NPU cat does not promote bf16 with fp16).
#include <algorithm>

#include "device_model/kernels/kernel_io.h"
#include "device_model/ops/call_facts.h"
#include "device_model/ops/op_registry.h"
#include "device_model/ops/tiling.h"

namespace npusim::device {
namespace {

// The given x<i> slots in index order.
std::vector<const TensorRef*> parts(const OpCall& call) {
  std::vector<std::pair<int, const TensorRef*>> found;
  for (const auto& slot : call.inputs) {
    const auto& n = slot.name;
    if (n.size() < 2 || n[0] != 'x' || !std::all_of(n.begin() + 1, n.end(), ::isdigit) || !slot.tensor) continue;
    found.emplace_back(std::stoi(n.substr(1)), &*slot.tensor);
  }
  std::sort(found.begin(), found.end());
  std::vector<const TensorRef*> out;
  for (const auto& [i, t] : found) out.push_back(t);
  return out;
}

int64_t normalized_dim(const OpCall& call, int64_t rank) {
  const int64_t d = call.attrs.int_or("dim", 0);
  return d < 0 ? d + rank : d;
}

// Shape with the concat axis blanked: the part every input must share.
std::string pattern(const TensorRef& t, int64_t axis) {
  std::string out;
  for (int64_t i = 0; i < t.rank(); ++i) out += (i ? "," : "") + (i == axis ? std::string("*") : std::to_string(t.shape[i]));
  return "[" + out + "]";
}

Facts facts(const OpCall& call) {
  Facts f;
  const auto xs = parts(call);
  f.set("inputs", static_cast<int64_t>(xs.size()));
  const TensorRef* y = add_output_facts(f, call, "y");
  set_if(f, "dim", call.attrs.get_int("dim"));
  if (xs.empty()) return f;
  const TensorRef& x0 = *xs[0];
  const int64_t axis = normalized_dim(call, x0.rank());
  f.set("x0_dtype", std::string(dtype_name(x0.dtype)));
  f.set("x0_rank", x0.rank());
  f.set("dim_normalized", axis);
  f.set("dim_spare", x0.rank() - 1 - axis);
  f.set("x0_pattern", pattern(x0, axis));
  int64_t total = 0, numel = 0;
  for (const TensorRef* x : xs) {
    if (x->dtype != x0.dtype && !f.has("mismatched_dtype")) f.set("mismatched_dtype", std::string(dtype_name(x->dtype)));
    if (x->rank() != x0.rank() && !f.has("mismatched_rank")) f.set("mismatched_rank", x->rank());
    if (pattern(*x, axis) != pattern(x0, axis) && !f.has("mismatched_shape")) f.set("mismatched_shape", pattern(*x, axis));
    total += dim(x, static_cast<int>(axis)).value_or(0);
    numel += x->numel();
  }
  if (y && axis >= 0 && axis < y->rank()) f.set("y_dim_size", y->shape[axis]), f.set("y_dim_expected", total);
  if (y) f.set("y_numel", y->numel()), f.set("y_numel_expected", numel);
  return f;
}

OpWork work(const OpCall& call, const HardwareSpec& spec) {
  double load = 0;
  for (const TensorRef* x : parts(call)) load += x->bytes();
  const TensorRef* y = call.output("y");
  return vector_work("copy", 0, 0, load, y ? y->bytes() : 0, spec);
}

void compute(const OpCall& call, TensorStore& store) {
  KernelIo io(call, store);
  const auto xs = parts(call);
  io.require(!xs.empty(), "x0", "concat needs inputs");
  const int64_t axis = normalized_dim(call, xs[0]->rank());
  io.require(axis >= 0 && axis < xs[0]->rank(), "dim", "dim outside the inputs' rank");
  int64_t outer = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= xs[0]->shape[i];
  std::vector<std::vector<float>> values;
  std::vector<int64_t> chunk;  // elements per outer index, per input
  for (const TensorRef* x : xs) {
    io.require(x->rank() == xs[0]->rank() && pattern(*x, axis) == pattern(*xs[0], axis), "x0",
               "inputs differ outside the concat dim");
    values.push_back(store.load(*x));
    chunk.push_back(x->numel() / std::max<int64_t>(1, outer));
  }
  std::vector<float> y;
  y.reserve(io.output("y").numel());
  for (int64_t o = 0; o < outer; ++o)
    for (size_t i = 0; i < xs.size(); ++i)
      y.insert(y.end(), values[i].begin() + o * chunk[i], values[i].begin() + (o + 1) * chunk[i]);
  io.store("y", y);
}
}  // namespace

OpDefinition concat_op() {
  return {"Concat", "copy", "concatenate x0, x1, ... along dim", facts, work, compute};
}

}  // namespace npusim::device
