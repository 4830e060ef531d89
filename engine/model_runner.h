// One rank's model on the device: loads the weights, owns the KV cache, rope
// tables and attention backend, and emits forward passes.
#pragma once
#include <map>
#include <memory>
#include <vector>

#include "engine/backend/ascend_attention.h"
#include "engine/emitter.h"
#include "engine/forward_batch.h"
#include "engine/kv_cache.h"
#include "engine/model_builder.h"
#include "engine/model_weights.h"
#include "engine/weights/checkpoint.h"
#include "engine/weights/quant_config.h"

namespace npusim::engine {

struct RunOptions {
  int64_t tp = 1;
  DType dtype = DType::bf16;
  QuantConfig quant;
  int64_t kv_block_size = 128;  // SGLang's NPU page size
};

struct ForwardOutputs {
  TensorRef hidden;  // final-normed hidden states of the logits rows [R, H]
  TensorRef logits;  // [R, vocab per rank]
};

class ModelRunner {
 public:
  ModelRunner(Emitter& em, const ModelConfig& config, const PatchSet& patches, const RunOptions& options);

  // The parameters this runner expects (for make_synthetic_checkpoint).
  std::vector<ParamSpec> parameter_specs() const;
  // Loads the weights (FailureError kind load/import on a bad checkpoint or
  // platform), then allocates a KV cache for `sequences` x `max_tokens` and the
  // rope tables for positions < max_tokens.
  void load(const Checkpoint& checkpoint, int64_t sequences, int64_t max_tokens);

  // Emits one forward inside the caller's current frame; outputs live in that frame.
  // `capture` maps layer index -> [T, H] buffer that receives that layer's output
  // hidden states (residual stream), for draft models conditioned on them.
  ForwardOutputs forward(const ForwardBatch& batch, const std::map<int64_t, TensorRef>& capture = {});

  const ModelConfig& config() const { return config_; }
  const RankDims& dims() const { return dims_; }
  const RunOptions& options() const { return options_; }
  const ModelWeights& weights() const { return weights_; }
  const KvCache& kv_cache() const { return *kv_cache_; }
  AscendAttentionBackend& backend() { return backend_; }
  Emitter& emitter() { return em_; }

 private:
  TensorRef layer_forward(const LayerWeights& layer, const ForwardBatch& batch, const TensorRef& cos,
                          const TensorRef& sin, TensorRef& hidden, std::optional<TensorRef>& residual);
  void write_rope_tables(int64_t max_tokens);

  Emitter& em_;
  ModelConfig config_;
  const PatchSet& patches_;
  RunOptions options_;
  RankDims dims_;
  AscendAttentionBackend backend_;
  ModelWeights weights_;
  std::unique_ptr<KvCache> kv_cache_;
  TensorRef cos_cache_, sin_cache_;  // [max_tokens, rotary_dim]
};

// cos/sin tables as RotaryEmbedding takes them: R/2 frequencies duplicated to R,
// as halves (neox) or adjacent pairs (interleaved). Shared with the reference.
std::vector<float> rope_table(int64_t positions, int64_t rotary_dim, double theta, bool neox, bool cosine);

}  // namespace npusim::engine
