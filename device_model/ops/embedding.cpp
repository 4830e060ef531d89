// Embedding: y[t] = weight[indices[t]] (row gather).
#include "device_model/kernels/kernel_io.h"
#include "device_model/ops/call_facts.h"
#include "device_model/ops/op_registry.h"
#include "device_model/ops/tiling.h"

namespace npusim::device {
namespace {

Facts facts(const OpCall& call) {
  Facts f;
  const TensorRef* w = add_slot_facts(f, call, "weight");
  const TensorRef* idx = add_slot_facts(f, call, "indices");
  const TensorRef* y = add_output_facts(f, call, "y");
  set_if(f, "hidden", dim(w, -1));
  set_if(f, "y_width", dim(y, -1));
  set_if(f, "y_rows", rows(y));
  if (idx) f.set("indices_numel", idx->numel());
  return f;
}

OpWork work(const OpCall& call, const HardwareSpec& spec) {
  const TensorRef* idx = call.input("indices");
  const TensorRef* y = call.output("y");
  const double rows = y ? y->bytes() : 0;  // only the gathered rows are read
  return vector_work("copy", 0, 0, rows + (idx ? idx->bytes() : 0), rows, spec);
}

void compute(const OpCall& call, TensorStore& store) {
  KernelIo io(call, store);
  const TensorRef& w = io.input("weight");
  io.require(w.rank() == 2, "weight", "weight is not [V, H]");
  const int64_t vocab = w.shape[0], hidden = w.shape[1];
  const auto idx = io.load("indices");
  std::vector<float> y;
  y.reserve(idx.size() * hidden);
  for (float v : idx) {
    const auto i = static_cast<int64_t>(v);
    io.require(i >= 0 && i < vocab, "indices", "index " + std::to_string(i) + " outside the table");
    TensorRef row = w;
    row.shape = {hidden};
    row.offset_bytes = w.offset_bytes + i * hidden * dtype_size_bytes(w.dtype);
    const auto values = store.load(row);
    y.insert(y.end(), values.begin(), values.end());
  }
  io.store("y", y);
}
}  // namespace

OpDefinition embedding_op() {
  return {"Embedding", "copy", "gather rows of an embedding table", facts, work, compute};
}

}  // namespace npusim::device
