// The explicit list of the library's operators. Each op's file defines one
// factory; registration is a call here, not a static initialiser (those are
// dropped when the op's object file is linked from a static library).
#pragma once
#include <vector>

#include "device_model/ops/op_definition.h"

namespace npusim::device {

OpDefinition add_rms_norm_op();
OpDefinition arg_max_op();
OpDefinition batch_mat_mul_op();
OpDefinition concat_op();
OpDefinition copy_op();
OpDefinition dynamic_quant_op();
OpDefinition elementwise_op();
OpDefinition embedding_op();
OpDefinition fused_infer_attention_score_op();
OpDefinition grouped_mat_mul_op();
OpDefinition mat_mul_op();
OpDefinition moe_finalize_routing_op();
OpDefinition moe_gating_top_k_op();
OpDefinition moe_init_routing_op();
OpDefinition quant_mat_mul_op();
OpDefinition reshape_and_cache_op();
OpDefinition rms_norm_op();
OpDefinition rotary_embedding_op();
OpDefinition slice_op();
OpDefinition softmax_op();
OpDefinition split_qkv_rmsnorm_rope_op();
OpDefinition transpose_op();

std::vector<OpDefinition> builtin_op_definitions();

}  // namespace npusim::device
