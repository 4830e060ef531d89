#include <gtest/gtest.h>

#include "engine/kernels/kernel_registry.h"
#include "op_stream/failure.h"

namespace npusim::engine {
namespace {

TEST(KernelRegistry, CudaLibraryResolvesOnlyOnCuda) {
  EXPECT_EQ(resolve_kernel("sgl_kernel", "dsv3_router_gemm", "cuda"), "dsv3_router_gemm");
  for (const char* platform : {"npu", "rocm"}) {
    try {
      resolve_kernel("sgl_kernel", "dsv3_router_gemm", platform);
      FAIL() << platform;
    } catch (const FailureError& e) {
      EXPECT_EQ(e.failure().kind, "import");
      EXPECT_EQ(e.failure().op, "sgl_kernel");
      EXPECT_EQ(e.failure().value, platform);
      EXPECT_NE(e.failure().message.find("ImportError"), std::string::npos);
    }
  }
}

TEST(KernelRegistry, NpuLibraryResolvesOnNpuAndUnknownKernelsFail) {
  EXPECT_EQ(resolve_kernel("sgl_kernel_npu", "split_qkv_rmsnorm_rope", "npu"), "split_qkv_rmsnorm_rope");
  EXPECT_THROW(resolve_kernel("sgl_kernel_npu", "split_qkv_rmsnorm_rope", "cuda"), FailureError);
  EXPECT_THROW(resolve_kernel("sgl_kernel_npu", "no_such_kernel", "npu"), FailureError);
  EXPECT_THROW(resolve_kernel("no_such_library", "x", "npu"), FailureError);
}

}  // namespace
}  // namespace npusim::engine
