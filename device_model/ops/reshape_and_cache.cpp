// ReshapeAndCache: write each token's key/value row into the paged caches at
// slot_mapping[t] (block slot / block_size, offset slot % block_size). A
// negative slot marks a padding token and is skipped, as the NPU kernel does.
#include "device_model/kernels/kernel_io.h"
#include "device_model/ops/call_facts.h"
#include "device_model/ops/op_registry.h"
#include "device_model/ops/tiling.h"

namespace npusim::device {
namespace {

Facts facts(const OpCall& call) {
  Facts f;
  const TensorRef* k = add_slot_facts(f, call, "key");
  const TensorRef* v = add_slot_facts(f, call, "value");
  const TensorRef* kc = add_slot_facts(f, call, "key_cache");
  const TensorRef* vc = add_slot_facts(f, call, "value_cache");
  const TensorRef* slots = add_slot_facts(f, call, "slot_mapping");
  set_if(f, "tokens", dim(k, 0));
  set_if(f, "value_tokens", dim(v, 0));
  if (slots) f.set("slot_mapping_size", slots->numel());
  if (k && k->shape.size() >= 1) f.set("key_row_width", k->numel() / std::max<int64_t>(1, k->shape[0]));
  if (v && v->shape.size() >= 1) f.set("value_row_width", v->numel() / std::max<int64_t>(1, v->shape[0]));
  set_if(f, "key_cache_width", dim(kc, -1));
  set_if(f, "value_cache_width", dim(vc, -1));
  return f;
}

OpWork work(const OpCall& call, const HardwareSpec& spec) {
  const TensorRef* k = call.input("key");
  const TensorRef* v = call.input("value");
  const TensorRef* s = call.input("slot_mapping");
  const double rows = (k ? k->bytes() : 0) + (v ? v->bytes() : 0);
  // Pure data movement: rows in, the same bytes scattered into the caches.
  return vector_work("copy", 0, 0, rows + (s ? s->bytes() : 0), rows, spec);
}

void scatter(KernelIo& io, TensorStore& store, const char* rows_slot, const char* cache_slot,
             const std::vector<float>& slots) {
  const TensorRef& cache = io.input(cache_slot);
  const auto values = io.load(rows_slot);
  io.require(cache.rank() == 3, cache_slot, "cache is not [blocks, block_size, width]");
  const int64_t width = cache.shape[2], capacity = cache.shape[0] * cache.shape[1];
  io.require(static_cast<int64_t>(values.size()) == static_cast<int64_t>(slots.size()) * width, rows_slot,
             "rows do not match the cache width");
  for (size_t t = 0; t < slots.size(); ++t) {
    const auto slot = static_cast<int64_t>(slots[t]);
    if (slot < 0) continue;
    io.require(slot < capacity, "slot_mapping", "slot " + std::to_string(slot) + " is outside the cache");
    TensorRef row = cache;
    row.shape = {width};
    row.offset_bytes = cache.offset_bytes + slot * width * dtype_size_bytes(cache.dtype);
    store.store(row, std::vector<float>(values.begin() + t * width, values.begin() + (t + 1) * width));
  }
}

void compute(const OpCall& call, TensorStore& store) {
  KernelIo io(call, store);
  const auto slots = io.load("slot_mapping");
  scatter(io, store, "key", "key_cache", slots);
  scatter(io, store, "value", "value_cache", slots);
}
}  // namespace

OpDefinition reshape_and_cache_op() {
  return {"ReshapeAndCache", "copy", "scatter key/value rows into the paged KV caches", facts, work, compute};
}

}  // namespace npusim::device
