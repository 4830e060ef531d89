// The tensors a model (or one decoder layer) expects to load on one rank: names
// in SGLang's loaded layout (fused qkv_proj / gate_up_proj / experts.w13_weight),
// shapes, dtypes and the synthetic initialisation a generated checkpoint uses.
#pragma once
#include <string>
#include <vector>

#include "engine/model_config.h"
#include "engine/rank_dims.h"
#include "engine/weights/quant_config.h"
#include "op_stream/tensor_ref.h"

namespace npusim::engine {

struct ParamSpec {
  std::string name;
  Shape shape;
  DType dtype = DType::bf16;
  std::string init = "normal";  // a seeded_fill init
  double scale = 1.0;
};

class ParamList {
 public:
  explicit ParamList(DType dtype) : dtype_(dtype) {}
  void add(ParamSpec spec) { specs_.push_back(std::move(spec)); }
  // prefix.weight [out, in] (+ prefix.weight_scale [out] when quantized, + prefix.bias [out]).
  void add_linear(const std::string& prefix, int64_t out, int64_t in, bool bias, bool quantized);
  void add_norm(const std::string& prefix, int64_t size);  // prefix.weight, ones
  DType dtype() const { return dtype_; }
  const std::vector<ParamSpec>& specs() const { return specs_; }

 private:
  DType dtype_;
  std::vector<ParamSpec> specs_;
};

// Decoder layer `layer` under `prefix` (e.g. "model.layers.3."); the NextN draft
// layer reuses it with its own QuantConfig.
void add_decoder_layer_specs(ParamList& list, const ModelConfig& config, const RankDims& dims,
                             const QuantConfig& quant, int64_t layer, const std::string& prefix);
// Embedding, every decoder layer, final norm and LM head.
ParamList model_parameter_specs(const ModelConfig& config, const RankDims& dims, const QuantConfig& quant,
                                DType dtype);

}  // namespace npusim::engine
