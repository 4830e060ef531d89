#include "engine/kv_cache.h"

namespace npusim::engine {

KvCache::KvCache(Emitter& em, const ModelConfig& c, const RankDims& d, DType dtype, int64_t layers, int64_t sequences,
                 int64_t max_tokens, int64_t block_size, const std::string& name)
    : block_size_(block_size),
      blocks_per_seq_((max_tokens + block_size - 1) / block_size),
      padding_block_(sequences * blocks_per_seq_) {
  const int64_t blocks = padding_block_ + 1;
  const int64_t key_width = c.mla ? c.mla->kv_lora_rank : d.kv_heads * d.head_dim;
  const int64_t value_width = c.mla ? c.mla->qk_rope_head_dim : d.kv_heads * d.head_dim;
  for (int64_t i = 0; i < layers; ++i) {
    const std::string prefix = name + ".layer" + std::to_string(i);
    em.set_module(static_cast<int>(i), prefix);
    layers_.push_back({em.alloc({blocks, block_size, key_width}, dtype, prefix + (c.mla ? ".latent" : ".key")),
                       em.alloc({blocks, block_size, value_width}, dtype, prefix + (c.mla ? ".rope" : ".value"))});
  }
}

std::vector<float> KvCache::block_table(int64_t sequences) const {
  std::vector<float> table;
  for (int64_t b = 0; b < sequences * blocks_per_seq_; ++b) table.push_back(static_cast<float>(b));
  return table;
}

int64_t KvCache::slot(int64_t sequence, int64_t position) const {
  return sequence * blocks_per_seq_ * block_size_ + position;
}

}  // namespace npusim::engine
