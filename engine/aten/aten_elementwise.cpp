// Pointwise aten ops -> Elementwise (docs/OPS.md fns). Unary math without a
// device fn (cos, sin, exp, rsqrt outside a norm, ...) has no rule: it is
// reported as unmapped rather than given a made-up cost.
#include <algorithm>

#include "engine/aten/aten_mapper.h"

namespace npusim::engine::aten {
namespace {

// Binary op with a tensor `other`: the larger operand is `x` for commutative
// ops, as the device broadcasts `other` over x's leading dims.
size_t binary(AtenMapper& m, size_t i, const std::string& fn, bool commutative) {
  const OpCall& call = m.record(i);
  if (call.attrs.double_or("alpha", 1.0) != 1.0) return 0;
  std::string x_slot = "self", other_slot = "other";
  if (commutative && m.tensor(i, "other").numel() > m.tensor(i, "self").numel()) std::swap(x_slot, other_slot);
  // The device broadcasts `other` over x's leading dims only; torch's general
  // broadcasting (an outer product, a trailing [.., 1]) has no device op.
  const Shape& x_shape = m.tensor(i, x_slot).shape;
  const Shape& other_shape = m.tensor(i, other_slot).shape;
  if (other_shape.size() > x_shape.size() ||
      !std::equal(other_shape.begin(), other_shape.end(), x_shape.end() - other_shape.size()))
    return 0;
  const TensorRef x = m.contiguous_input(i, x_slot), other = m.contiguous_input(i, other_slot);
  m.emit("Elementwise", {{"x", x}, {"other", other}}, {{"y", m.tensor(i, "out0", true)}}, {{"fn", fn}});
  return 1;
}

size_t scale(AtenMapper& m, size_t i, double alpha) {
  m.emit("Elementwise", {{"x", m.contiguous_input(i, "self")}}, {{"y", m.tensor(i, "out0", true)}},
         {{"fn", std::string("scale")}, {"alpha", alpha}});
  return 1;
}

size_t map_add(AtenMapper& m, size_t i) { return m.record(i).input("other") ? binary(m, i, "add", true) : 0; }
size_t map_sub(AtenMapper& m, size_t i) { return m.record(i).input("other") ? binary(m, i, "sub", false) : 0; }

size_t map_mul(AtenMapper& m, size_t i) {
  if (m.record(i).input("other")) return binary(m, i, "mul", true);
  const auto factor = m.record(i).attrs.get_double("other");
  return factor ? scale(m, i, *factor) : 0;
}

size_t map_div(AtenMapper& m, size_t i) {
  const auto divisor = m.record(i).attrs.get_double("other");
  return divisor && *divisor != 0.0 ? scale(m, i, 1.0 / *divisor) : 0;
}

size_t map_neg(AtenMapper& m, size_t i) { return scale(m, i, -1.0); }

// act(gate) * up -> silu_mul / gelu_tanh_mul over [.., 2I] = [gate | up]: the
// two halves of one merged projection are used in place, else concatenated.
size_t gated(AtenMapper& m, size_t i, const std::string& fn) {
  const auto mul = m.next_compute(i);
  if (!mul || packet_name(m.record(*mul).op) != "aten.mul") return 0;
  const BufferId act = m.tensor(i, "out0", true).buffer;
  const TensorRef* self = m.record(*mul).input("self");
  const TensorRef* other = m.record(*mul).input("other");
  if (!self || !other || (self->buffer == act) == (other->buffer == act)) return 0;
  const std::string up_slot = self->buffer == act ? "other" : "self";
  const TensorRef& gate = m.tensor(i, "self");
  const TensorRef& up = m.tensor(*mul, up_slot);
  if (gate.shape != up.shape || gate.dtype != up.dtype) return 0;
  const int64_t width = gate.shape.back();
  TensorRef x = gate;
  x.shape.back() = 2 * width;
  const auto gate_strides = m.strides(i, "self");
  const bool one_row = gate.numel() == width;
  const bool row_pitch = one_row || (gate_strides && (*gate_strides)[gate_strides->size() - 2] == 2 * width);
  const bool halves = gate.buffer == up.buffer && row_pitch &&
                      up.offset_bytes == gate.offset_bytes + width * dtype_size_bytes(gate.dtype);
  if (!halves) {
    x = m.temp(x.shape, gate.dtype, "gated.input");
    m.emit("Concat", {{"x0", m.contiguous_input(i, "self")}, {"x1", m.contiguous_input(*mul, up_slot)}}, {{"y", x}},
           {{"dim", x.rank() - 1}});
  }
  m.emit("Elementwise", {{"x", x}}, {{"y", m.tensor(*mul, "out0", true)}}, {{"fn", fn}});
  return *mul - i + 1;
}

size_t map_silu(AtenMapper& m, size_t i) { return gated(m, i, "silu_mul"); }

size_t map_gelu(AtenMapper& m, size_t i) {
  return m.record(i).attrs.string_or("approximate", "none") == "tanh" ? gated(m, i, "gelu_tanh_mul") : 0;
}

}  // namespace

void add_elementwise_rules(RuleTable& table) {
  for (const std::string suffix : {"", "_"}) {  // out-of-place and in-place forms
    table["aten.add" + suffix] = map_add;
    table["aten.sub" + suffix] = map_sub;
    table["aten.mul" + suffix] = map_mul;
    table["aten.div" + suffix] = map_div;
    table["aten.neg" + suffix] = map_neg;
    table["aten.silu" + suffix] = map_silu;
    table["aten.gelu" + suffix] = map_gelu;
  }
}

}  // namespace npusim::engine::aten
