// The kernel libraries SGLang imports, by platform.
#include "engine/kernels/kernel_registry.h"

namespace npusim::engine {

const std::vector<KernelLibrary>& kernel_libraries() {
  static const std::vector<KernelLibrary> kLibraries{
      // sgl-project/sglang sgl-kernel: CUDA-only wheel (dsv3_router_gemm is its DeepSeek-V3 router GEMM).
      {"sgl_kernel", {"cuda"}, {"dsv3_router_gemm", "moe_fused_gate", "silu_and_mul"}, "sgl-project/sglang sgl-kernel"},
      // sgl-project/sgl-kernel-npu: Ascend kernels (FACTS.md, split_qkv_rmsnorm_rope).
      {"sgl_kernel_npu", {"npu"}, {"split_qkv_rmsnorm_rope"}, "sgl-project/sgl-kernel-npu"},
      // ROCm/aiter: AMD kernels.
      {"aiter", {"rocm"}, {"gemm_a8w8", "rmsnorm2d_fwd"}, "ROCm/aiter"},
  };
  return kLibraries;
}

}  // namespace npusim::engine
