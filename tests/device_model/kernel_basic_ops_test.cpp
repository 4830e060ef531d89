#include <gtest/gtest.h>

#include <Eigen/Core>
#include <cmath>

#include "device_model/kernels/mat_mul.h"
#include "tests/device_model/ops_test_support.h"

namespace npusim::device {
namespace {
using namespace testing;

void run(const OpCall& call, TensorStore& store) {
  default_library().check(call);
  default_library().find(call.op)->compute(call, store);
}

std::vector<float> reference_linear(const std::vector<float>& x, const std::vector<float>& w,
                                    const std::vector<float>& bias, int m, int n, int k) {
  std::vector<float> y(m * n);
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      double acc = bias.empty() ? 0.0 : bias[j];
      for (int p = 0; p < k; ++p) acc += static_cast<double>(x[i * k + p]) * w[j * k + p];
      y[i * n + j] = static_cast<float>(acc);
    }
  return y;
}

TEST(MatMulKernel, MatchesFp32ReferenceWithinBf16Tolerance) {
  const int m = 5, n = 7, k = 33;
  Buffers b;
  const auto xv = rounded(random_values(m * k, 1), DType::bf16);
  const auto wv = rounded(random_values(n * k, 2), DType::bf16);
  const auto bv = rounded(random_values(n, 3), DType::bf16);
  auto x = b.put({m, k}, DType::bf16, xv), w = b.put({n, k}, DType::bf16, wv),
       bias = b.put({n}, DType::bf16, bv), y = b.make({m, n}, DType::bf16);
  run(op_call("MatMul", {{"x", x}, {"weight", w}, {"bias", bias}}, {{"y", y}}), b.store);
  const auto got = b.store.load(y);
  const auto want = reference_linear(xv, wv, bv, m, n, k);
  int differs = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_NEAR(got[i], want[i], std::fabs(want[i]) * std::ldexp(1.0, -8) + 1e-6) << i;
    differs += got[i] != want[i];
  }
  // The output is stored as bf16: most fp32 results are not representable.
  EXPECT_GT(differs, static_cast<int>(got.size()) / 2);
}

TEST(MatMulKernel, Fp32OutputKeepsFp32Precision) {
  const int m = 3, n = 4, k = 16;
  Buffers b;
  const auto xv = random_values(m * k, 4), wv = random_values(n * k, 5);
  auto x = b.put({m, k}, DType::f32, xv), w = b.put({n, k}, DType::f32, wv), y = b.make({m, n}, DType::f32);
  run(op_call("MatMul", {{"x", x}, {"weight", w}}, {{"y", y}}), b.store);
  const auto got = b.store.load(y);
  const auto want = reference_linear(xv, wv, {}, m, n, k);
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], 1e-5);
}

// Eigen's blocked GEMM splits K by the host's cache sizes (read from CPUID), so
// the same product summed in another order on another CI machine. Two hosts are
// mimicked by telling Eigen two cache sizes; the shape is a batched DFlash
// verify block through the draft's fc (128 rows, K 320).
TEST(MatMulKernel, SumsInTheSameOrderOnEveryHost) {
  const int64_t m = 128, n = 512, k = 320;
  const auto x = random_values(m * k, 6), w = random_values(n * k, 7);
  const std::ptrdiff_t l1 = Eigen::l1CacheSize(), l2 = Eigen::l2CacheSize(), l3 = Eigen::l3CacheSize();
  std::vector<float> small_host(m * n), large_host(m * n);
  for (WeightLayout layout : {WeightLayout::n_by_k, WeightLayout::k_by_n}) {
    Eigen::setCpuCacheSizes(4 << 10, 64 << 10, 1 << 20);
    mat_mul(x.data(), w.data(), layout, m, n, k, small_host.data());
    Eigen::setCpuCacheSizes(48 << 10, 2 << 20, 32 << 20);
    mat_mul(x.data(), w.data(), layout, m, n, k, large_host.data());
    EXPECT_EQ(small_host, large_host) << "layout " << static_cast<int>(layout);
  }
  Eigen::setCpuCacheSizes(l1, l2, l3);
}

TEST(ElementwiseKernel, SiluMulGatesTheSecondHalf) {
  const int rows = 3, inter = 8;
  Buffers b;
  const auto xv = random_values(rows * 2 * inter, 6, 3.0f);
  auto x = b.put({rows, 2 * inter}, DType::f32, xv), y = b.make({rows, inter}, DType::f32);
  run(op_call("Elementwise", {{"x", x}}, {{"y", y}}, {{"fn", std::string("silu_mul")}}), b.store);
  const auto got = b.store.load(y);
  for (int r = 0; r < rows; ++r)
    for (int j = 0; j < inter; ++j) {
      const float g = xv[r * 2 * inter + j], u = xv[r * 2 * inter + inter + j];
      EXPECT_NEAR(got[r * inter + j], g / (1 + std::exp(-g)) * u, 1e-5);
    }
}

TEST(ElementwiseKernel, AddBroadcastsOverLeadingDims) {
  Buffers b;
  auto x = b.put({2, 3}, DType::f32, {1, 2, 3, 4, 5, 6}), o = b.put({3}, DType::f32, {10, 20, 30}),
       y = b.make({2, 3}, DType::f32);
  run(op_call("Elementwise", {{"x", x}, {"other", o}}, {{"y", y}}, {{"fn", std::string("add")}}), b.store);
  EXPECT_EQ(b.store.load(y), (std::vector<float>{11, 22, 33, 14, 25, 36}));
}

TEST(CopyKernel, CastRoundsToTheDestinationDtype) {
  Buffers b;
  auto src = b.put({2}, DType::f32, {0.1f, 3.0f}), dst = b.make({2}, DType::f16);
  run(op_call("Copy", {{"src", src}}, {{"dst", dst}}), b.store);
  const auto got = b.store.load(dst);
  EXPECT_EQ(got[0], round_to_dtype(0.1f, DType::f16));
  EXPECT_NE(got[0], 0.1f);
  EXPECT_EQ(got[1], 3.0f);
}

}  // namespace
}  // namespace npusim::device
