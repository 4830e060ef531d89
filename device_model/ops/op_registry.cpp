#include "device_model/ops/op_registry.h"

namespace npusim::device {

std::vector<OpDefinition> builtin_op_definitions() {
  return {
      add_rms_norm_op(),
      arg_max_op(),
      batch_mat_mul_op(),
      concat_op(),
      copy_op(),
      dynamic_quant_op(),
      elementwise_op(),
      embedding_op(),
      fused_infer_attention_score_op(),
      grouped_mat_mul_op(),
      mat_mul_op(),
      moe_finalize_routing_op(),
      moe_gating_top_k_op(),
      moe_init_routing_op(),
      quant_mat_mul_op(),
      reshape_and_cache_op(),
      rms_norm_op(),
      rotary_embedding_op(),
      slice_op(),
      softmax_op(),
      split_qkv_rmsnorm_rope_op(),
      transpose_op(),
  };
}

}  // namespace npusim::device
