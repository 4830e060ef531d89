// The Qwen3 target as the speculative runner drives it: embedding, the dense
// stack with causal attention, final norm, LM head, greedy ArgMax, and every
// layer's output kept for DFlash's context features. A second Qwen3 forward
// beside ModelRunner's (see dense_stack.h for why it is still here).
#pragma once
#include <vector>

#include "engine/spec/dense_stack.h"

namespace npusim::engine::spec {

struct TargetOutputs {
  TensorRef tokens;                      // int32 [T]: greedy token after each input
  std::vector<TensorRef> layer_outputs;  // per layer [T, hidden] (HF hidden_states[l + 1])
};

class DenseTarget {
 public:
  DenseTarget(Emitter& em, const DenseDims& dims, int64_t layers, uint64_t seed);

  // Writes every weight from a trained checkpoint (functional mode); a load
  // failure names a weight the file lacks or misshapes, or one it has extra.
  void load_weights(const SafetensorsFile& checkpoint) const;

  // The static input-id buffer a forward of `tokens` tokens reads.
  TensorRef input_ids(int64_t tokens) const;
  TargetOutputs forward(const TensorRef& ids, const PagedKvCache& cache,
                        const StepPositions& positions, const StepTensors& step) const;

  const DenseStack& stack() const { return stack_; }
  const TensorRef& embedding() const { return embedding_; }

 private:
  TensorRef buffer(const std::string& name, const Shape& shape, DType dtype) const;

  DenseStack stack_;
  TensorRef embedding_, final_norm_, lm_head_;
  mutable std::map<std::string, TensorRef> buffers_;
};

}  // namespace npusim::engine::spec
