// mm / addmm / bmm -> MatMul or BatchMatMul. nn.Linear reaches the dispatcher as
// mm(x, weight.t()): a transposed view of a [N, K] weight is MatMul's own
// (torch Linear) weight layout, so it costs no copy.
#include "engine/aten/aten_mapper.h"

namespace npusim::engine::aten {
namespace {

// The weight as [N, K] when `slot` is the transpose of a contiguous [N, K].
std::optional<TensorRef> linear_weight(const AtenMapper& m, size_t i, const std::string& slot) {
  const TensorRef& t = m.tensor(i, slot);
  if (t.rank() != 2 || !m.laid_out_as(i, slot, {1, 0})) return std::nullopt;
  TensorRef weight = t;
  weight.shape = {t.shape[1], t.shape[0]};
  return weight;
}

size_t map_linear(AtenMapper& m, size_t i, const std::string& x_slot, const std::string& w_slot,
                  std::optional<TensorRef> bias) {
  const TensorRef& y = m.tensor(i, "out0", true);
  if (auto weight = linear_weight(m, i, w_slot)) {
    m.emit("MatMul", {{"x", m.contiguous_input(i, x_slot)}, {"weight", *weight}, {"bias", bias}}, {{"y", y}});
    return 1;
  }
  if (bias) return 0;  // a bias with an untransposed weight has no single device op
  TensorRef a = m.contiguous_input(i, x_slot), b = m.contiguous_input(i, w_slot), out = y;
  a.shape.insert(a.shape.begin(), 1);
  b.shape.insert(b.shape.begin(), 1);
  out.shape.insert(out.shape.begin(), 1);
  m.emit("BatchMatMul", {{"a", a}, {"b", b}}, {{"y", out}});
  return 1;
}

size_t map_mm(AtenMapper& m, size_t i) { return map_linear(m, i, "self", "mat2", std::nullopt); }

size_t map_addmm(AtenMapper& m, size_t i) {
  const OpCall& call = m.record(i);
  // beta/alpha scale the terms; only the plain form is one device op.
  if (call.attrs.double_or("beta", 1.0) != 1.0 || call.attrs.double_or("alpha", 1.0) != 1.0) return 0;
  const TensorRef& bias = m.tensor(i, "self");
  if (bias.rank() != 1) return 0;
  return map_linear(m, i, "mat1", "mat2", bias);
}

size_t map_bmm(AtenMapper& m, size_t i) {
  m.emit("BatchMatMul", {{"a", m.contiguous_input(i, "self")}, {"b", m.contiguous_input(i, "mat2")}},
         {{"y", m.tensor(i, "out0", true)}});
  return 1;
}

}  // namespace

void add_matmul_rules(RuleTable& table) {
  table["aten.mm"] = map_mm;
  table["aten.addmm"] = map_addmm;
  table["aten.bmm"] = map_bmm;
}

}  // namespace npusim::engine::aten
