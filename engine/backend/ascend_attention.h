// SGLang's ascend attention backend: how attention reaches FusedInferAttentionScore
// (FIA) on the NPU. GQA extend: TND over the paged cache with the right-down
// causal mask (sparse_mode 3); GQA decode: BSND paged, sparse_mode 0. MLA decode
// (absorbed): FIA in MLA mode, query heads padded to a count the device accepts
// (sglang#21408); MLA prefill: the MHA form, TND, causal.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "engine/emitter.h"
#include "engine/forward_batch.h"
#include "engine/patches/patch_set.h"

namespace npusim::engine {

class AscendAttentionBackend {
 public:
  AscendAttentionBackend(Emitter& em, const PatchSet& patches, DType model_dtype, int64_t block_size);

  // The 2048x2048 compressed causal mask FIA's sparse modes 2-4 take (content implied).
  void allocate_mask();

  // q [T, Nq, D]; caches as KvCache lays them out. Returns [T, Nq, D].
  TensorRef gqa_extend(const ForwardBatch& fb, const TensorRef& q, const TensorRef& key_cache,
                       const TensorRef& value_cache, int64_t kv_heads, double scale);
  // q [B, Nq, D]. Returns [B, Nq, D].
  TensorRef gqa_decode(const ForwardBatch& fb, const TensorRef& q, const TensorRef& key_cache,
                       const TensorRef& value_cache, int64_t kv_heads, double scale);
  // Prefill without prefix, MHA form: q/k [T, N, Dqk], v [T, N, Dv]. Returns [T, N, Dv].
  TensorRef mha_prefill(const ForwardBatch& fb, const TensorRef& q, const TensorRef& k, const TensorRef& v,
                        double scale);
  // Absorbed MLA decode: q_nope [B, N, kv_lora], q_rope [B, N, rope]. Returns [B, N, kv_lora].
  TensorRef mla_decode(const ForwardBatch& fb, const TensorRef& q_nope, const TensorRef& q_rope,
                       const TensorRef& latent_cache, const TensorRef& rope_cache, double scale);

  // Head count FIA gets for `heads` MLA query heads: the smallest value the device
  // allows >= heads, or heads itself when unrestricted or sglang#21408 is off.
  int64_t mla_padded_heads(int64_t heads) const;
  // Padding tensors for a decode batch: made before graph capture, kept per batch size.
  void prepare_mla_padding(int64_t batch, int64_t heads, int64_t kv_lora_rank, int64_t rope_dim);

 private:
  Attrs fia_attrs(int64_t heads, int64_t kv_heads, const std::string& layout, int64_t sparse_mode, double scale,
                  int64_t block_size) const;

  struct Padding {
    TensorRef nope, rope;  // [B, 1, pad - heads, kv_lora], [B, 1, pad - heads, rope]
  };
  Emitter& em_;
  const PatchSet& patches_;
  DType dtype_;
  int64_t block_size_;
  std::optional<TensorRef> mask_;
  std::map<int64_t, Padding> padding_;  // by batch size
};

}  // namespace npusim::engine
