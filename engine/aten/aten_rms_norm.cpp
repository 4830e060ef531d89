// RMSNorm as Hugging Face writes it: [x.to(float32)], x.pow(2).mean(-1, keepdim),
// + eps, rsqrt, x * that, [.to(dtype)], weight * that -> one RmsNorm, which is
// what an NPU port calls (torch_npu.npu_rms_norm computes in fp32 internally).
#include "engine/aten/aten_mapper.h"

namespace npusim::engine::aten {
namespace {

bool reads(const AtenMapper& m, size_t i, const std::string& slot, BufferId buffer) {
  const TensorRef* t = m.record(i).input(slot);
  return t && t->buffer == buffer;
}

BufferId out_buffer(const AtenMapper& m, size_t i) { return m.tensor(i, "out0", true).buffer; }

// The next compute record when it is `packet`, else nullopt.
std::optional<size_t> next_is(const AtenMapper& m, size_t i, const std::string& packet) {
  const auto next = m.next_compute(i);
  if (next && packet_name(m.record(*next).op) == packet) return next;
  return std::nullopt;
}

// The input of mul(a, b) that is not `buffer`, when the other one is.
std::optional<std::string> other_factor(const AtenMapper& m, size_t i, BufferId buffer) {
  if (reads(m, i, "self", buffer) && m.record(i).input("other")) return std::string("other");
  if (reads(m, i, "other", buffer)) return std::string("self");
  return std::nullopt;
}

}  // namespace

std::optional<RmsNormMatch> match_rms_norm(const AtenMapper& m, size_t pow_index) {
  const OpCall& pow = m.record(pow_index);
  if (pow.attrs.double_or("exponent", 0.0) != 2.0) return std::nullopt;
  const BufferId squared_input = m.tensor(pow_index, "self").buffer;
  const auto mean = next_is(m, pow_index, "aten.mean");
  if (!mean || !reads(m, *mean, "self", out_buffer(m, pow_index))) return std::nullopt;
  const auto add = next_is(m, *mean, "aten.add");
  if (!add || !reads(m, *add, "self", out_buffer(m, *mean)) || m.record(*add).input("other")) return std::nullopt;
  const auto eps = m.record(*add).attrs.get_double("other");
  const auto rsqrt = next_is(m, *add, "aten.rsqrt");
  if (!eps || !rsqrt || !reads(m, *rsqrt, "self", out_buffer(m, *add))) return std::nullopt;
  const auto normed = next_is(m, *rsqrt, "aten.mul");
  if (!normed) return std::nullopt;
  const auto by = other_factor(m, *normed, out_buffer(m, *rsqrt));
  if (!by || m.tensor(*normed, *by).buffer != squared_input) return std::nullopt;
  size_t last = *normed;
  if (const auto cast = next_is(m, last, "aten._to_copy"); cast && reads(m, *cast, "self", out_buffer(m, last)))
    last = *cast;
  const auto scaled = next_is(m, last, "aten.mul");
  if (!scaled) return std::nullopt;
  const auto gamma_slot = other_factor(m, *scaled, out_buffer(m, last));
  if (!gamma_slot) return std::nullopt;
  const TensorRef& gamma = m.tensor(*scaled, *gamma_slot);
  if (gamma.rank() != 1 || gamma.shape[0] != m.tensor(pow_index, "self").shape.back()) return std::nullopt;
  return RmsNormMatch{gamma, m.tensor(*scaled, "out0", true), *eps, *scaled};
}

size_t emit_rms_norm(AtenMapper& m, size_t start, const RmsNormMatch& match, const TensorRef& x) {
  m.emit("RmsNorm", {{"x", x}, {"gamma", match.gamma}}, {{"y", match.y}}, {{"eps", match.eps}});
  return match.last - start + 1;
}


namespace {
size_t map_pow(AtenMapper& m, size_t i) {
  const auto match = match_rms_norm(m, i);
  return match ? emit_rms_norm(m, i, *match, m.contiguous_input(i, "self")) : 0;
}
}  // namespace

void add_norm_rules(RuleTable& table) { table["aten.pow"] = map_pow; }

}  // namespace npusim::engine::aten
