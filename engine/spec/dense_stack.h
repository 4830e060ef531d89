// A Qwen3-style dense decoder stack (GQA, QK-norm, SwiGLU MLP) emitted on the
// NPU path: RmsNorm, qkv MatMul, fused SplitQkvRmsnormRope, ReshapeAndCache into
// a paged KV cache, FIA in TND layout, o MatMul, AddRmsNorm, MLP. The DFlash
// draft layers are this stack with ENCODER_ONLY attention. The speculative
// runner also drives its Qwen3 target through it (DenseTarget): the core
// ModelRunner's graph runner captures decode only, and DFlash replays a
// block-verify graph; moving the target onto ModelRunner is open work.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/model_config.h"
#include "engine/emitter.h"
#include "engine/weights/safetensors_file.h"

namespace npusim::engine::spec {

struct DenseDims {
  int64_t hidden = 0, heads = 0, kv_heads = 0, head_dim = 0, intermediate = 0;
  int64_t vocab = 0;
  double eps = 1e-6, rope_theta = 1e6;
  DType dtype = DType::bf16;
  int64_t q_size() const { return heads * head_dim; }
  int64_t kv_size() const { return kv_heads * head_dim; }
};

DenseDims dense_dims(const ModelConfig& config, DType dtype);

// How the stack's FIA calls attend within the query block.
enum class BlockAttention {
  causal,        // sparse_mode 3 (right-down causal) with the compressed mask
  encoder_only,  // sparse_mode 0, atten_mask None: every query sees the whole KV
};

// Paged KV caches of every layer, one run of blocks per sequence.
struct PagedKvCache {
  int64_t block_size = 0, blocks_per_sequence = 0, batch = 0;
  std::vector<TensorRef> key, value;  // per layer [blocks, block_size, kv_size]
  TensorRef block_table;              // int32 [batch, blocks_per_sequence]
  int64_t capacity_tokens() const { return block_size * blocks_per_sequence; }
  int32_t slot(int64_t sequence, int64_t position) const {
    return static_cast<int32_t>(sequence * capacity_tokens() + position);
  }
};

// Per-forward host inputs: which positions the query tokens sit at.
struct StepPositions {
  std::vector<int64_t> query_tokens;  // per sequence: query tokens this forward
  std::vector<int64_t> kv_lengths;    // per sequence: KV length after this forward's tokens
  int64_t first_sequence = 0;         // entry i describes sequence first_sequence + i
  int64_t total_tokens() const;
};

// Tensors every layer of one forward shares (static for graph replay).
struct StepTensors {
  TensorRef cos, sin;       // [T, head_dim]
  TensorRef slot_mapping;   // int32 [T]
};

class DenseStack {
 public:
  // Allocates and seeds the weights of `layers` layers under `prefix`.
  DenseStack(Emitter& em, const DenseDims& dims, int64_t layers, const std::string& prefix,
             uint64_t seed);

  PagedKvCache make_cache(int64_t batch, int64_t max_tokens, int64_t block_size) const;
  StepTensors make_step_tensors(int64_t tokens) const;
  // Host-side values for the step tensors (cos/sin of each query position,
  // cache slots), written into `tensors`.
  void write_positions(const PagedKvCache& cache, const StepPositions& positions,
                       const StepTensors& tensors) const;

  // One layer: `x` [T, hidden] in, returns the layer output [T, hidden] in a
  // buffer owned by the caller's workspace (`out`).
  void emit_layer(int64_t layer, const TensorRef& x, const TensorRef& out,
                  const PagedKvCache& cache, const StepPositions& positions,
                  const StepTensors& step, BlockAttention attention) const;
  // The K/V of `x` appended to the cache of `layer` (no attention): the
  // "KV append" of projected target context into the DFlash draft.
  void emit_kv_append(int64_t layer, const TensorRef& x, const PagedKvCache& cache,
                      const StepTensors& step, bool fused) const;

  const DenseDims& dims() const { return dims_; }
  int64_t layers() const { return static_cast<int64_t>(weights_.size()); }
  Emitter& emitter() const { return em_; }
  // Every weight by its checkpoint name ("<prefix>.layers.N.self_attn.qkv_proj.weight"),
  // the model's weights around the stack included (add_parameter).
  const std::map<std::string, TensorRef>& parameters() const { return parameters_; }

  // A weight of the model around the stack (embedding, head, projections),
  // allocated, seeded with `init` and registered so load_weights binds it too.
  TensorRef add_parameter(const std::string& name, const Shape& shape, const std::string& init,
                          uint64_t seed, double scale);
  // Writes every registered weight from a trained checkpoint (functional mode).
  // Throws FailureError{kind="load", rule=`rule`} naming a weight the file
  // lacks or has with another shape, or a tensor the model does not have.
  void load_weights(const SafetensorsFile& checkpoint, const std::string& component,
                    const std::string& rule) const;

 private:
  struct LayerWeights {
    TensorRef input_norm, qkv, q_norm, k_norm, o, post_norm, gate_up, down;
  };
  TensorRef qkv_projection(int64_t layer, const TensorRef& normed) const;
  void split_norm_rope(int64_t layer, const TensorRef& qkv, const StepTensors& step, bool fused,
                       const TensorRef& q, const TensorRef& k, const TensorRef& v) const;
  void cache_kv(int64_t layer, const TensorRef& k, const TensorRef& v, const PagedKvCache& cache,
                const StepTensors& step) const;
  TensorRef scratch(const std::string& name, const Shape& shape, DType dtype) const;

  Emitter& em_;
  DenseDims dims_;
  std::string prefix_;
  std::vector<LayerWeights> weights_;
  std::map<std::string, TensorRef> parameters_;
  TensorRef causal_mask_;  // compressed 2048x2048 mask for sparse_mode 3
  // Activation buffers by name and shape: reused by every forward of that
  // shape, so a captured graph keeps reading and writing the same buffers.
  mutable std::map<std::string, TensorRef> scratch_;
};

}  // namespace npusim::engine::spec
