#include "engine/backend/ascend_attention.h"

#include <algorithm>
#include <limits>

#include "engine/layers/basic_ops.h"

namespace npusim::engine {
namespace {
// torch_npu's defaults for pre_tokens / next_tokens.
constexpr int64_t kNoTokenLimit = std::numeric_limits<int32_t>::max();
constexpr int64_t kCompressedMaskSize = 2048;
constexpr int64_t kSparseNone = 0;
constexpr int64_t kSparseRightDownCausal = 3;

std::vector<int64_t> cumulative(const std::vector<int64_t>& lens) {
  std::vector<int64_t> out;
  int64_t total = 0;
  for (int64_t l : lens) out.push_back(total += l);
  return out;
}
}  // namespace

AscendAttentionBackend::AscendAttentionBackend(Emitter& em, const PatchSet& patches, DType model_dtype,
                                               int64_t block_size)
    : em_(em), patches_(patches), dtype_(model_dtype), block_size_(block_size) {}

void AscendAttentionBackend::allocate_mask() {
  mask_ = em_.alloc({kCompressedMaskSize, kCompressedMaskSize}, DType::i8, "attention.causal_mask_2048");
  em_.fill(*mask_, "zeros", 0, 1.0);
}

Attrs AscendAttentionBackend::fia_attrs(int64_t heads, int64_t kv_heads, const std::string& layout,
                                        int64_t sparse_mode, double scale, int64_t block_size) const {
  return {{"num_heads", heads},           {"num_key_value_heads", kv_heads}, {"input_layout", layout},
          {"sparse_mode", sparse_mode},   {"scale", scale},                  {"block_size", block_size},
          {"pre_tokens", kNoTokenLimit},  {"next_tokens", kNoTokenLimit}};
}

TensorRef AscendAttentionBackend::gqa_extend(const ForwardBatch& fb, const TensorRef& q, const TensorRef& key_cache,
                                             const TensorRef& value_cache, int64_t kv_heads, double scale) {
  TensorRef out = em_.temp(q.shape, q.dtype, "attention.out");
  Attrs attrs = fia_attrs(q.shape[1], kv_heads, "TND", kSparseRightDownCausal, scale, block_size_);
  attrs.set("actual_seq_lengths", cumulative(fb.query_lens));
  attrs.set("actual_seq_lengths_kv", fb.kv_lens);
  em_.op("FusedInferAttentionScore",
         {{"query", q}, {"key", key_cache}, {"value", value_cache}, {"atten_mask", mask_}, {"block_table", fb.block_table}},
         {{"attention_out", out}}, std::move(attrs));
  return out;
}

TensorRef AscendAttentionBackend::gqa_decode(const ForwardBatch& fb, const TensorRef& q, const TensorRef& key_cache,
                                             const TensorRef& value_cache, int64_t kv_heads, double scale) {
  const int64_t b = q.shape[0], heads = q.shape[1], dim = q.shape[2];
  TensorRef query = reshaped(q, {b, 1, heads, dim});
  TensorRef out = em_.temp(query.shape, q.dtype, "attention.out");
  Attrs attrs = fia_attrs(heads, kv_heads, "BSND", kSparseNone, scale, block_size_);
  attrs.set("actual_seq_lengths_kv", fb.kv_lens);
  em_.op("FusedInferAttentionScore",
         {{"query", query}, {"key", key_cache}, {"value", value_cache}, {"atten_mask", std::nullopt},
          {"block_table", fb.block_table}},
         {{"attention_out", out}}, std::move(attrs));
  return reshaped(out, q.shape);
}

TensorRef AscendAttentionBackend::mha_prefill(const ForwardBatch& fb, const TensorRef& q, const TensorRef& k,
                                              const TensorRef& v, double scale) {
  TensorRef out = em_.temp({q.shape[0], q.shape[1], v.shape[2]}, q.dtype, "attention.out");
  Attrs attrs = fia_attrs(q.shape[1], k.shape[1], "TND", kSparseRightDownCausal, scale, 0);
  attrs.set("actual_seq_lengths", cumulative(fb.query_lens));
  attrs.set("actual_seq_lengths_kv", cumulative(fb.kv_lens));
  em_.op("FusedInferAttentionScore", {{"query", q}, {"key", k}, {"value", v}, {"atten_mask", mask_}},
         {{"attention_out", out}}, std::move(attrs));
  return out;
}

int64_t AscendAttentionBackend::mla_padded_heads(int64_t heads) const {
  if (!patches_.on("sglang#21408")) return heads;
  // Ask the device which head counts FIA takes in MLA mode, as the backend
  // reads FIA's documented limits; pad to the smallest one that fits.
  const auto allowed = em_.capabilities().allowed_values("FusedInferAttentionScore", "num_heads",
                                                         Attrs{{"mla", true}, {"query_head_dim", int64_t{512}}});
  if (!allowed || std::find(allowed->begin(), allowed->end(), heads) != allowed->end()) return heads;
  int64_t best = heads;
  for (int64_t v : *allowed)
    if (v >= heads && (best == heads || v < best)) best = v;
  return best;
}

void AscendAttentionBackend::prepare_mla_padding(int64_t batch, int64_t heads, int64_t kv_lora_rank, int64_t rope_dim) {
  const int64_t pad = mla_padded_heads(heads);
  if (pad == heads || padding_.count(batch)) return;
  // The review fix: padding takes the model's dtype; before it, bf16 was hard-coded.
  const DType pad_dtype = patches_.on("sglang#21408/pad-dtype") ? dtype_ : DType::bf16;
  const std::string name = "mla_padding.bs" + std::to_string(batch);
  Padding p{em_.alloc({batch, 1, pad - heads, kv_lora_rank}, pad_dtype, name + ".nope"),
            em_.alloc({batch, 1, pad - heads, rope_dim}, pad_dtype, name + ".rope")};
  em_.fill(p.nope, "zeros", 0, 1.0);
  em_.fill(p.rope, "zeros", 0, 1.0);
  padding_[batch] = p;
}

TensorRef AscendAttentionBackend::mla_decode(const ForwardBatch& fb, const TensorRef& q_nope, const TensorRef& q_rope,
                                             const TensorRef& latent_cache, const TensorRef& rope_cache, double scale) {
  const int64_t b = q_nope.shape[0], heads = q_nope.shape[1];
  TensorRef query = reshaped(q_nope, {b, 1, heads, q_nope.shape[2]});
  TensorRef query_rope = reshaped(q_rope, {b, 1, heads, q_rope.shape[2]});
  const int64_t pad = mla_padded_heads(heads);
  if (pad != heads) {
    prepare_mla_padding(b, heads, q_nope.shape[2], q_rope.shape[2]);
    const Padding& p = padding_.at(b);
    query = concat(em_, {query, p.nope}, 2);
    query_rope = concat(em_, {query_rope, p.rope}, 2);
  }
  TensorRef out = em_.temp(query.shape, q_nope.dtype, "attention.out");
  Attrs attrs = fia_attrs(pad, 1, "BSND", kSparseNone, scale, block_size_);
  attrs.set("actual_seq_lengths_kv", fb.kv_lens);
  em_.op("FusedInferAttentionScore",
         {{"query", query}, {"key", latent_cache}, {"value", latent_cache}, {"query_rope", query_rope},
          {"key_rope", rope_cache}, {"atten_mask", std::nullopt}, {"block_table", fb.block_table}},
         {{"attention_out", out}}, std::move(attrs));
  if (pad != heads) out = slice(em_, out, 2, 0, heads);
  return reshaped(out, q_nope.shape);
}

}  // namespace npusim::engine
