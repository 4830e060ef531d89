// The GLM-4.7 NextN/MTP draft layer (glm4_moe_nextn): enorm(embedding of the
// next token) and hnorm(previous hidden) concatenated, eh_proj, one decoder
// layer, shared_head.norm and shared_head.head. Its tensors sit in the target's
// checkpoint as model.layers.{num_hidden_layers}.*; which quantization it is
// built with is the sglang#25524 decision (nextn_draft_quant).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "engine/model_runner.h"
#include "engine/patches/patch_set.h"

namespace npusim::engine::spec {

// sglang#25524: on NPU with no draft quantization given, the draft is built
// unquantized; before the fix (or elsewhere) it inherits the target's config.
QuantConfig nextn_draft_quant(const QuantConfig& target, const std::string& draft_quantization,
                              const std::string& platform, const PatchSet& patches);

// The draft layer's tensors as a checkpoint stores them under `quant`.
std::vector<ParamSpec> nextn_checkpoint_specs(const ModelConfig& target, const RankDims& dims,
                                              const QuantConfig& quant, DType dtype);

class NextnDraft {
 public:
  // `options.quant` is the draft's own quantization (nextn_draft_quant).
  NextnDraft(Emitter& em, const ModelConfig& target, const PatchSet& patches,
             const RunOptions& options);

  // Throws FailureError{kind="load", parameter=<checkpoint tensor name>} when a
  // tensor the draft expects under its quant config is missing or mismatched.
  void load(const Checkpoint& checkpoint, int64_t sequences, int64_t max_tokens);
  // `batch.input_ids` holds the token after each position, `previous_hidden`
  // [T, H] the final hidden state at that position (target or previous draft).
  ForwardOutputs forward(const ForwardBatch& batch, const TensorRef& previous_hidden);

  ModelRunner& runner() { return runner_; }

 private:
  // The runner's parameter name -> the checkpoint's name for it.
  std::string checkpoint_name(const std::string& runner_name) const;

  Emitter& em_;
  ModelConfig target_;
  std::string prefix_;  // "model.layers.{num_hidden_layers}."
  ModelRunner runner_;  // the decoder layer, norm and head as a one-layer model
  NormWeights enorm_, hnorm_;
  LinearWeights eh_proj_;
};

}  // namespace npusim::engine::spec
