#include "device_model/ops/op_registry.h"

namespace npusim::device {

std::vector<OpDefinition> builtin_op_definitions() {
  return {
      copy_op(),
      elementwise_op(),
      fused_infer_attention_score_op(),
      mat_mul_op(),
      rotary_embedding_op(),
      split_qkv_rmsnorm_rope_op(),
  };
}

}  // namespace npusim::device
