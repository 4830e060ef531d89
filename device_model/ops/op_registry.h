// The explicit list of the library's operators. Each op's file defines one
// factory; registration is a call here, not a static initialiser (those are
// dropped when the op's object file is linked from a static library).
#pragma once
#include <vector>

#include "device_model/ops/op_definition.h"

namespace npusim::device {

OpDefinition copy_op();
OpDefinition elementwise_op();
OpDefinition fused_infer_attention_score_op();
OpDefinition mat_mul_op();
OpDefinition rotary_embedding_op();
OpDefinition split_qkv_rmsnorm_rope_op();

std::vector<OpDefinition> builtin_op_definitions();

}  // namespace npusim::device
