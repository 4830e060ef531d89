// Softmax, and MoE routing: softmax(router_logits) followed by topk(k) over the
// experts is what an NPU port runs as one MoeGatingTopK (its indices int32, its
// weights fp32); casts into torch's int64 indices / value dtype follow when the
// model kept those. sort and gather have no device op and stay unmapped.
#include "engine/aten/aten_mapper.h"

namespace npusim::engine::aten {
namespace {

bool over_last_dim(const AtenMapper& m, size_t i, const TensorRef& x) {
  const int64_t dim = m.record(i).attrs.int_or("dim", -1);
  return dim == -1 || dim == x.rank() - 1;
}

// `wanted` written by the op; a temporary of `dtype` plus a cast when they differ.
TensorRef routed_output(AtenMapper& m, const TensorRef& wanted, DType dtype, const std::string& name,
                        std::vector<std::pair<TensorRef, TensorRef>>& casts) {
  if (wanted.dtype == dtype) return wanted;
  TensorRef t = m.temp(wanted.shape, dtype, name);
  casts.emplace_back(t, wanted);
  return t;
}

size_t gating_top_k(AtenMapper& m, size_t softmax_index, size_t topk_index) {
  const OpCall& topk = m.record(topk_index);
  const TensorRef& logits = m.tensor(softmax_index, "self");
  if (logits.rank() != 2 || !topk.attrs.bool_or("largest", true)) return 0;
  std::vector<std::pair<TensorRef, TensorRef>> casts;
  const TensorRef weights = routed_output(m, m.tensor(topk_index, "out0", true), DType::f32, "routing.weights", casts);
  const TensorRef indices = routed_output(m, m.tensor(topk_index, "out1", true), DType::i32, "routing.indices", casts);
  m.emit("MoeGatingTopK", {{"logits", m.contiguous_input(softmax_index, "self")}, {"bias", std::nullopt}},
         {{"weights", weights}, {"indices", indices}},
         {{"k", topk.attrs.int_or("k", 0)},
          {"scoring", std::string("softmax")},
          {"norm_topk_prob", false},
          {"routed_scaling_factor", 1.0}});
  for (const auto& [from, to] : casts) m.emit("Copy", {{"src", from}}, {{"dst", to}});
  return topk_index - softmax_index + 1;
}

size_t map_softmax(AtenMapper& m, size_t i) {
  const TensorRef& x = m.tensor(i, "self");
  if (!over_last_dim(m, i, x)) return 0;
  const auto next = m.next_compute(i);
  if (next && packet_name(m.record(*next).op) == "aten.topk" &&
      m.tensor(*next, "self").buffer == m.tensor(i, "out0", true).buffer && over_last_dim(m, *next, x))
    if (const size_t fused = gating_top_k(m, i, *next)) return fused;
  m.emit("Softmax", {{"x", m.contiguous_input(i, "self")}}, {{"y", m.tensor(i, "out0", true)}});
  return 1;
}

}  // namespace

void add_routing_rules(RuleTable& table) {
  table["aten._softmax"] = map_softmax;
  table["aten.softmax"] = map_softmax;
}

}  // namespace npusim::engine::aten
