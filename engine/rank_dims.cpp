#include "engine/rank_dims.h"

#include <string>

#include "op_stream/failure.h"

namespace npusim::engine {
namespace {
int64_t split(int64_t total, int64_t tp, const std::string& what) {
  if (total % tp != 0)
    throw FailureError({"input", "tensor_parallel", "tp", std::to_string(tp), "",
                        what + " (" + std::to_string(total) + ") is not divisible by tp " + std::to_string(tp),
                        "choose a tp that divides " + what, ""});
  return total / tp;
}
}  // namespace

RankDims rank_dims(const ModelConfig& c, int64_t tp) {
  if (tp <= 0)
    throw FailureError({"input", "tensor_parallel", "tp", std::to_string(tp), "", "tp must be positive", "", ""});
  RankDims d;
  d.tp = tp;
  d.q_heads = split(c.num_attention_heads, tp, "num_attention_heads");
  // SGLang replicates KV heads when there are fewer than ranks.
  d.kv_heads = c.is_mla() ? 1 : (tp >= c.num_key_value_heads ? 1 : split(c.num_key_value_heads, tp, "num_key_value_heads"));
  d.head_dim = c.head_dim;
  d.rotary_dim = c.rotary_dim();
  d.intermediate = split(c.intermediate_size, tp, "intermediate_size");
  if (c.moe) {
    d.moe_intermediate = split(c.moe->moe_intermediate_size, tp, "moe_intermediate_size");
    d.shared_intermediate = c.moe->n_shared_experts * d.moe_intermediate;
  }
  d.vocab = split(c.vocab_size, tp, "vocab_size");
  return d;
}

}  // namespace npusim::engine
