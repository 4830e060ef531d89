// RmsNorm, AddRmsNorm, Softmax, DynamicQuant, QuantMatMul, BatchMatMul and
// GroupedMatMul kernels against plain loops.
#include <gtest/gtest.h>

#include <cmath>

#include "tests/device_model/ops_test_support.h"

namespace npusim::device {
namespace {
using namespace testing;

void run(const OpCall& call, TensorStore& store) {
  default_library().check(call);
  default_library().find(call.op)->compute(call, store);
}

std::vector<float> ref_rms(const std::vector<float>& x, const std::vector<float>& g, double eps) {
  const size_t h = g.size();
  std::vector<float> y(x.size());
  for (size_t r = 0; r < x.size() / h; ++r) {
    double ss = 0;
    for (size_t i = 0; i < h; ++i) ss += double(x[r * h + i]) * x[r * h + i];
    for (size_t i = 0; i < h; ++i) y[r * h + i] = static_cast<float>(x[r * h + i] / std::sqrt(ss / h + eps) * g[i]);
  }
  return y;
}

void expect_close(const std::vector<float>& got, const std::vector<float>& want, double rel, double abs = 1e-5) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) ASSERT_NEAR(got[i], want[i], std::fabs(want[i]) * rel + abs) << i;
}

TEST(RmsNormKernel, MatchesReferenceWithinBf16Tolerance) {
  Buffers b;
  const auto xv = rounded(random_values(3 * 64, 1, 4.0f), DType::bf16), gv = rounded(random_values(64, 2), DType::bf16);
  auto x = b.put({3, 64}, DType::bf16, xv), g = b.put({64}, DType::bf16, gv), y = b.make({3, 64}, DType::bf16);
  run(op_call("RmsNorm", {{"x", x}, {"gamma", g}}, {{"y", y}}, {{"eps", 1e-6}}), b.store);
  const auto got = b.store.load(y), want = ref_rms(xv, gv, 1e-6);
  expect_close(got, want, std::ldexp(1.0, -8));
  int rounded_away = 0;
  for (size_t i = 0; i < got.size(); ++i) rounded_away += got[i] != want[i];
  EXPECT_GT(rounded_away, static_cast<int>(got.size()) / 2);  // bf16 storage visibly differs from fp32
}

TEST(AddRmsNormKernel, NormalisesTheStoredSum) {
  Buffers b;
  const auto xv = random_values(2 * 32, 3), rv = random_values(2 * 32, 4), gv = random_values(32, 5);
  auto x = b.put({2, 32}, DType::f32, xv), r = b.put({2, 32}, DType::f32, rv), g = b.put({32}, DType::f32, gv);
  auto y = b.make({2, 32}, DType::f32), ro = b.make({2, 32}, DType::f32);
  run(op_call("AddRmsNorm", {{"x", x}, {"residual", r}, {"gamma", g}}, {{"y", y}, {"residual_out", ro}},
              {{"eps", 1e-5}}),
      b.store);
  std::vector<float> sum(xv.size());
  for (size_t i = 0; i < sum.size(); ++i) sum[i] = xv[i] + rv[i];
  EXPECT_EQ(b.store.load(ro), sum);
  expect_close(b.store.load(y), ref_rms(sum, gv, 1e-5), 1e-6);
}

TEST(SoftmaxKernel, RowsSumToOneAndMatchReference) {
  Buffers b;
  const auto xv = random_values(4 * 10, 6, 5.0f);
  auto x = b.put({4, 10}, DType::f32, xv), y = b.make({4, 10}, DType::f32);
  run(op_call("Softmax", {{"x", x}}, {{"y", y}}), b.store);
  const auto got = b.store.load(y);
  for (int r = 0; r < 4; ++r) {
    double mx = -1e30, sum = 0;
    for (int i = 0; i < 10; ++i) mx = std::max<double>(mx, xv[r * 10 + i]);
    for (int i = 0; i < 10; ++i) sum += std::exp(xv[r * 10 + i] - mx);
    for (int i = 0; i < 10; ++i) EXPECT_NEAR(got[r * 10 + i], std::exp(xv[r * 10 + i] - mx) / sum, 1e-6);
  }
}

TEST(QuantKernels, DynamicQuantThenQuantMatMulApproximatesTheFloatProduct) {
  const int m = 4, n = 6, k = 32;
  Buffers b;
  const auto xv = rounded(random_values(m * k, 7), DType::bf16), wv = random_values(n * k, 8);
  // Per-channel weight quantisation done here, as the loader would.
  std::vector<float> wq(n * k), ws(n);
  for (int j = 0; j < n; ++j) {
    float amax = 0;
    for (int p = 0; p < k; ++p) amax = std::max(amax, std::fabs(wv[j * k + p]));
    ws[j] = amax / 127;
    for (int p = 0; p < k; ++p) wq[j * k + p] = std::nearbyint(wv[j * k + p] / ws[j]);
  }
  auto x = b.put({m, k}, DType::bf16, xv), xq = b.make({m, k}, DType::i8), xs = b.make({m}, DType::f32);
  run(op_call("DynamicQuant", {{"x", x}}, {{"y", xq}, {"scale", xs}}), b.store);
  for (float v : b.store.load(xq)) EXPECT_LE(std::fabs(v), 127.0f);
  auto w = b.put({n, k}, DType::i8, wq), wst = b.put({n}, DType::f32, ws), y = b.make({m, n}, DType::bf16);
  run(op_call("QuantMatMul", {{"x", xq}, {"weight", w}, {"weight_scale", wst}, {"x_scale", xs}, none("bias")},
              {{"y", y}}),
      b.store);
  const auto got = b.store.load(y), xqv = b.store.load(xq), xsv = b.store.load(xs);
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      double exact = 0, dequant = 0, float_ref = 0;
      for (int p = 0; p < k; ++p) {
        dequant += double(xqv[i * k + p]) * wq[j * k + p];
        float_ref += double(xv[i * k + p]) * wv[j * k + p];
      }
      exact = dequant * xsv[i] * ws[j];
      EXPECT_NEAR(got[i * n + j], exact, std::fabs(exact) * std::ldexp(1.0, -8) + 1e-6);
      EXPECT_NEAR(got[i * n + j], float_ref, 0.05);  // int8 error stays small against fp32
    }
}

TEST(BatchMatMulKernel, MultipliesEachBatchIndependently) {
  const int bs = 3, m = 2, k = 5, n = 4;
  Buffers b;
  const auto av = random_values(bs * m * k, 9), bv = random_values(bs * k * n, 10);
  auto a = b.put({bs, m, k}, DType::f32, av), bt = b.put({bs, k, n}, DType::f32, bv), y = b.make({bs, m, n}, DType::f32);
  run(op_call("BatchMatMul", {{"a", a}, {"b", bt}}, {{"y", y}}), b.store);
  const auto got = b.store.load(y);
  for (int q = 0; q < bs; ++q)
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < n; ++j) {
        double acc = 0;
        for (int p = 0; p < k; ++p) acc += double(av[(q * m + i) * k + p]) * bv[(q * k + p) * n + j];
        EXPECT_NEAR(got[(q * m + i) * n + j], acc, 1e-5);
      }
}

TEST(GroupedMatMulKernel, RowsUseTheirExpertsWeights) {
  const int t = 5, k = 8, n = 3, e = 3;
  Buffers b;
  const auto xv = rounded(random_values(t * k, 11), DType::bf16), wv = rounded(random_values(e * n * k, 12), DType::bf16);
  const std::vector<float> groups{2, 0, 3};
  auto x = b.put({t, k}, DType::bf16, xv), w = b.put({e, n, k}, DType::bf16, wv);
  auto g = b.put({e}, DType::i64, groups), y = b.make({t, n}, DType::bf16);
  run(op_call("GroupedMatMul", {{"x", x}, {"weight", w}, {"group_list", g}}, {{"y", y}}), b.store);
  const auto got = b.store.load(y);
  const int expert_of_row[t] = {0, 0, 2, 2, 2};
  for (int r = 0; r < t; ++r)
    for (int j = 0; j < n; ++j) {
      double acc = 0;
      for (int p = 0; p < k; ++p) acc += double(xv[r * k + p]) * wv[(expert_of_row[r] * n + j) * k + p];
      EXPECT_NEAR(got[r * n + j], acc, std::fabs(acc) * std::ldexp(1.0, -8) + 1e-6);
    }
}

TEST(GroupedMatMulKernel, GroupCountsThatDoNotCoverTheRowsAreARuntimeFailure) {
  Buffers b;
  auto x = b.put({4, 8}, DType::bf16, random_values(32, 13)), w = b.put({2, 3, 8}, DType::bf16, random_values(48, 14));
  auto g = b.put({2}, DType::i64, {1, 1}), y = b.make({4, 3}, DType::bf16);
  OpCall call = op_call("GroupedMatMul", {{"x", x}, {"weight", w}, {"group_list", g}}, {{"y", y}});
  try {
    run(call, b.store);
    FAIL() << "group counts covering 2 of 4 rows accepted";
  } catch (const FailureError& e) {
    EXPECT_EQ(e.failure().kind, "runtime");
    EXPECT_EQ(e.failure().parameter, "group_list");
  }
}

}  // namespace
}  // namespace npusim::device
