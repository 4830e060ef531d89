// Copies, concatenation and row gathers (embedding, index). Views are handled by the mapper
// itself (no op); anything that materialises data is a device op.
#include "engine/aten/aten_mapper.h"

namespace npusim::engine::aten {
namespace {

int64_t normalised_dim(int64_t dim, int64_t rank) { return dim < 0 ? dim + rank : dim; }

size_t map_copy(AtenMapper& m, size_t i) {
  const TensorRef& src = m.tensor(i, "self");
  TensorRef source = src;
  if (!m.contiguous(i, "self")) source = m.contiguous_input(i, "self");  // the strided gather is the copy
  m.emit("Copy", {{"src", source}}, {{"dst", m.tensor(i, "out0", true)}});
  return 1;
}

// x.to(float32) feeding an RMSNorm decomposition is part of the norm.
size_t map_to_copy(AtenMapper& m, size_t i) {
  const auto next = m.next_compute(i);
  if (next && packet_name(m.record(*next).op) == "aten.pow" &&
      m.tensor(*next, "self").buffer == m.tensor(i, "out0", true).buffer)
    if (const auto match = match_rms_norm(m, *next)) return emit_rms_norm(m, i, *match, m.contiguous_input(i, "self"));
  return map_copy(m, i);
}

// copy_(self, src): the destination is `self`.
size_t map_copy_into(AtenMapper& m, size_t i) {
  m.emit("Copy", {{"src", m.contiguous_input(i, "src")}}, {{"dst", m.tensor(i, "self")}});
  return 1;
}

size_t map_cat(AtenMapper& m, size_t i) {
  const OpCall& call = m.record(i);
  const TensorRef& y = m.tensor(i, "out0", true);
  std::vector<NamedTensor> inputs;
  for (const auto& slot : call.inputs) {
    if (!slot.tensor) continue;
    if (slot.tensor->numel() == 0) continue;  // torch.cat skips empty tensors
    inputs.push_back({"x" + std::to_string(inputs.size()), m.contiguous_input(i, slot.name)});
  }
  if (inputs.empty()) return 0;
  m.emit("Concat", std::move(inputs), {{"y", y}}, {{"dim", normalised_dim(call.attrs.int_or("dim", 0), y.rank())}});
  return 1;
}

// Row gathers: x[idx] and index_select(x, 0, idx) read whole rows like an
// embedding lookup (a precomputed cos/sin cache indexed by positions).
size_t gather_rows(AtenMapper& m, size_t i, const std::string& table_slot, const std::string& index_slot) {
  const TensorRef& table = m.tensor(i, table_slot);
  if (table.rank() != 2 || !m.contiguous(i, table_slot)) return 0;
  TensorRef indices = m.contiguous_input(i, index_slot);
  TensorRef y = m.tensor(i, "out0", true);
  indices.shape = {indices.numel()};
  y.shape = {indices.numel(), table.shape[1]};
  m.emit("Embedding", {{"weight", table}, {"indices", indices}}, {{"y", y}});
  return 1;
}

size_t map_index(AtenMapper& m, size_t i) {
  const OpCall& call = m.record(i);
  return call.inputs.size() == 2 && call.input("indices.0") ? gather_rows(m, i, "self", "indices.0") : 0;
}

size_t map_index_select(AtenMapper& m, size_t i) {
  return m.record(i).attrs.int_or("dim", -1) == 0 ? gather_rows(m, i, "self", "index") : 0;
}

size_t map_embedding(AtenMapper& m, size_t i) { return gather_rows(m, i, "weight", "indices"); }

}  // namespace

void add_data_movement_rules(RuleTable& table) {
  table["aten.clone"] = map_copy;
  table["aten.contiguous"] = map_copy;
  table["aten._to_copy"] = map_to_copy;
  table["aten.copy_"] = map_copy_into;
  table["aten.cat"] = map_cat;
  table["aten.embedding"] = map_embedding;
  table["aten.index"] = map_index;
  table["aten.index_select"] = map_index_select;
}

}  // namespace npusim::engine::aten
