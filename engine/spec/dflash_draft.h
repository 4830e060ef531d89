// The DFlash block draft (z-lab Qwen3-8B-DFlash-b16 structure): target hidden
// states of the selected layers are projected (fc, hidden_norm) and appended to
// the draft's KV cache; the block [last token, mask x (block-1)] then runs
// through the draft layers, attending to that context and to the whole block
// (ENCODER_ONLY), and a readout proposes one token per block position.
// Its weights are seeded (untrained) until a trained checkpoint is loaded.
#pragma once
#include <map>
#include <vector>

#include "engine/spec/dense_stack.h"
#include "engine/weights/safetensors_file.h"

namespace npusim::engine::spec {

class DflashDraft {
 public:
  DflashDraft(Emitter& em, const DenseDims& dims, int64_t layers,
              int64_t target_feature_layers, uint64_t seed);

  // fc + hidden_norm on target features [n, layers*hidden], then K/V of every
  // draft layer appended to `cache` (fused SplitQkvRmsnormRope or the generic
  // split + norm + rotary path).
  void append_context(const TensorRef& target_features, const PagedKvCache& cache,
                      const StepTensors& step, bool fused) const;
  // The block forward from the static `input_embeds` buffer; returns the
  // proposed token per block position (int32 [T]).
  TensorRef block_forward(const TensorRef& input_embeds, const PagedKvCache& cache,
                          const StepPositions& positions, const StepTensors& step,
                          BlockAttention attention) const;
  // The static buffer the captured block forward reads its embeddings from
  // (zeros until something is copied in, like the runner's capture buffers).
  TensorRef static_input_embeds(int64_t tokens) const;
  TensorRef buffer(const std::string& name, const Shape& shape, DType dtype) const;

  // Writes every weight from a trained checkpoint (functional mode). Throws
  // FailureError{kind="load"} naming a weight the file lacks, has with another
  // shape, or a tensor the draft does not have.
  void load_weights(const SafetensorsFile& checkpoint) const;

  const DenseStack& stack() const { return stack_; }

 private:
  DenseStack stack_;
  TensorRef fc_, hidden_norm_, final_norm_, readout_;
  mutable std::map<std::string, TensorRef> buffers_;
};

}  // namespace npusim::engine::spec
