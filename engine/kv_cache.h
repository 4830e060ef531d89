// Paged KV cache: per layer a key and a value cache [blocks, block_size, width]
// (MLA: the latent and the rope part), contiguous blocks per sequence, and the
// host-side block table / slot mapping that address them.
#pragma once
#include <cstdint>
#include <vector>

#include "engine/emitter.h"
#include "engine/model_config.h"
#include "engine/rank_dims.h"

namespace npusim::engine {

struct LayerCache {
  TensorRef key;    // [blocks, block_size, kv_heads * head_dim] (MLA: [.., kv_lora_rank])
  TensorRef value;  // [blocks, block_size, kv_heads * head_dim] (MLA: [.., qk_rope_head_dim])
};

class KvCache {
 public:
  // Room for `sequences` sequences of up to `max_tokens` tokens each.
  KvCache(Emitter& em, const ModelConfig& config, const RankDims& dims, DType dtype, int64_t layers,
          int64_t sequences, int64_t max_tokens, int64_t block_size, const std::string& name = "kv_cache");

  const LayerCache& layer(int64_t i) const { return layers_.at(i); }
  int64_t block_size() const { return block_size_; }
  int64_t blocks_per_sequence() const { return blocks_per_seq_; }
  // Host values: block ids of `sequences` sequences [B * blocks_per_sequence].
  std::vector<float> block_table(int64_t sequences) const;
  // Host values: cache slot of token position `position` of sequence `sequence`.
  int64_t slot(int64_t sequence, int64_t position) const;
  // One block past the sequences' blocks that padded graph-batch rows read and write.
  int64_t padding_block() const { return padding_block_; }

 private:
  std::vector<LayerCache> layers_;
  int64_t block_size_;
  int64_t blocks_per_seq_;
  int64_t padding_block_;
};

}  // namespace npusim::engine
