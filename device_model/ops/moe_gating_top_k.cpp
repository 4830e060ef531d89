// MoeGatingTopK: score the experts (softmax or sigmoid), choose the top k by
// score + correction bias, weight by the chosen scores (bias not added),
// renormalised when norm_topk_prob, times routed_scaling_factor.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "device_model/kernels/kernel_io.h"
#include "device_model/ops/call_facts.h"
#include "device_model/ops/op_registry.h"
#include "device_model/ops/tiling.h"

namespace npusim::device {
namespace {
// Scoring (exp or sigmoid, sum, divide) plus k selection passes per element.
constexpr double kScoringOpsPerElement = 4;

Facts facts(const OpCall& call) {
  Facts f;
  const TensorRef* logits = add_slot_facts(f, call, "logits");
  const TensorRef* bias = add_slot_facts(f, call, "bias");
  const TensorRef* w = add_output_facts(f, call, "weights");
  const TensorRef* idx = add_output_facts(f, call, "indices");
  set_if(f, "k", call.attrs.get_int("k"));
  if (auto s = call.attrs.get_string("scoring")) f.set("scoring", *s);
  const auto experts = dim(logits, -1);
  set_if(f, "experts", experts);
  if (experts) f.set("experts_beyond_k", *experts - call.attrs.int_or("k", 0));
  if (bias) f.set("bias_size", bias->numel());
  set_if(f, "tokens", rows(logits));
  set_if(f, "weights_width", dim(w, -1));
  set_if(f, "indices_width", dim(idx, -1));
  set_if(f, "weights_rows", rows(w));
  set_if(f, "indices_rows", rows(idx));
  return f;
}

OpWork work(const OpCall& call, const HardwareSpec& spec) {
  const TensorRef* logits = call.input("logits");
  double store = 0;
  for (const char* slot : {"weights", "indices"})
    if (const TensorRef* t = call.output(slot)) store += t->bytes();
  const double ops = kScoringOpsPerElement + static_cast<double>(call.attrs.int_or("k", 1));
  return vector_work("routing", logits ? logits->numel() : 0, ops, logits ? logits->bytes() : 0, store, spec);
}

void compute(const OpCall& call, TensorStore& store) {
  KernelIo io(call, store);
  const auto logits = io.load("logits");
  const auto bias = io.load_optional("bias");
  const int64_t experts = dim(&io.input("logits"), -1).value_or(0);
  const int64_t k = call.attrs.int_or("k", 0);
  io.require(experts > 0 && k > 0 && k <= experts, "k", "k must be in [1, experts]");
  io.require(!bias || static_cast<int64_t>(bias->size()) == experts, "bias", "bias must be [E]");
  const bool sigmoid = call.attrs.string_or("scoring", "softmax") == "sigmoid";
  const bool renorm = call.attrs.bool_or("norm_topk_prob", false);
  const double scaling = call.attrs.double_or("routed_scaling_factor", 1.0);
  const int64_t tokens = static_cast<int64_t>(logits.size()) / experts;
  std::vector<float> weights(tokens * k), indices(tokens * k);
  std::vector<double> score(experts);
  std::vector<int64_t> order(experts);
  for (int64_t t = 0; t < tokens; ++t) {
    const float* row = &logits[t * experts];
    if (sigmoid) {
      for (int64_t e = 0; e < experts; ++e) score[e] = 1.0 / (1.0 + std::exp(-double(row[e])));
    } else {
      const double peak = *std::max_element(row, row + experts);
      double sum = 0;
      for (int64_t e = 0; e < experts; ++e) sum += (score[e] = std::exp(row[e] - peak));
      for (double& s : score) s /= sum;
    }
    std::iota(order.begin(), order.end(), 0);
    auto key = [&](int64_t e) { return score[e] + (bias ? (*bias)[e] : 0.0); };
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return key(a) > key(b); });
    double chosen = 0;
    for (int64_t j = 0; j < k; ++j) chosen += score[order[j]];
    for (int64_t j = 0; j < k; ++j) {
      const double w = renorm ? score[order[j]] / chosen : score[order[j]];
      weights[t * k + j] = static_cast<float>(w * scaling);
      indices[t * k + j] = static_cast<float>(order[j]);
    }
  }
  io.store("weights", weights);
  io.store("indices", indices);
}
}  // namespace

OpDefinition moe_gating_top_k_op() {
  return {"MoeGatingTopK", "routing", "expert scoring and top-k selection", facts, work, compute};
}

}  // namespace npusim::device
