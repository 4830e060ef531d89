// The catalogue of upstream fixes the engine models (DESIGN.md section 4).
// Speculative-decoding ids (sglang#23122/*, sglang#25524*) are implemented in
// engine/spec/ and engine/runtime_env/.
#include "engine/patches/patch_set.h"

namespace npusim::engine {

const std::vector<PatchInfo>& PatchSet::catalog() {
  static const std::vector<PatchInfo> kCatalog{
      {"sglang#21408", "Pad MLA query heads to a head count FIA accepts",
       "off: the MLA decode path calls FIA with the model's heads per rank (20 for GLM-4.7-Flash), "
       "no padding tensors, no Concat/Slice"},
      {"sglang#21408/pad-dtype", "Padding tensors take the model's dtype",
       "off: padding tensors are hard-coded bfloat16 whatever the model dtype"},
      {"sglang#21408/rope-2d", "Flatten the MLA rope input to 2-D",
       "off: RotaryEmbedding gets the 3-D [tokens, heads, rope_dim] query"},
      {"sglang#22961", "Fused split_qkv_rmsnorm_rope without QK-norm passes None",
       "off: the NPU decode path reads q_norm/k_norm unconditionally (AttributeError without QK-norm)"},
      {"sglang#22509", "Resolve the CUDA-only dsv3_router_gemm only on CUDA",
       "off: glm4_moe_lite resolves dsv3_router_gemm from sgl_kernel on every platform (ImportError on NPU)"},
      {"sglang#22509/gfx95-attr", "Default _gfx95_quant_format to \"\"",
       "off: deepseek_v2-style attention reads _gfx95_quant_format, set only on ROCm (AttributeError)"},
      {"sglang#23122/ascend-backend", "\"ascend\" in DFlash's supported draft attention backends",
       "off: the DFlash draft refuses the ascend backend at start"},
      {"sglang#23122/fused-kv-append", "Fused split_qkv_rmsnorm_rope for the DFlash draft",
       "off: the draft and the target-hidden KV append use separate split/norm/rope ops"},
      {"sglang#23122/copy-input-embeds", "Graph runner copies the draft's input_embeds",
       "off: replay reads the capture-time input_embeds (stale)"},
      {"sglang#23122/noncausal-mask", "Non-causal FIA for ENCODER_ONLY draft layers",
       "off: the draft's attention uses the causal MTP mask (sparse_mode 3)"},
      {"sglang#25524", "NextN draft loads unquantized on NPU without a draft quant config",
       "off: the draft inherits the target's quantization config"},
      {"sglang#25524/scoped-override", "Scoped environment override around the draft forward",
       "off: the override is set and reset without a guard and leaks when the forward throws"},
  };
  return kCatalog;
}

}  // namespace npusim::engine
