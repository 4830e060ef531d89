// Which linear layers a quantization method stores quantized. w8a8 (dynamic):
// int8 weight [N, K] + per-output-channel fp32 weight_scale [N]; activations are
// quantized per token at run time (DynamicQuant).
#pragma once
#include <string>

namespace npusim::engine {

struct QuantConfig {
  std::string method = "none";  // none | w8a8

  // Throws FailureError{kind="config", parameter="quantization"} for other methods.
  static QuantConfig parse(const std::string& method);
  // Attention projections and dense/shared MLPs; the router, the MLA kv_b_proj
  // (absorbed into BatchMatMul), routed experts, embedding and LM head stay unquantized.
  bool quantizes_linears() const { return method == "w8a8"; }
};

}  // namespace npusim::engine
