// Rotary kernels against plain loops: neox and interleaved, partial rotary, and
// the fused split + per-head RMSNorm + rope with and without the norm.
#include <gtest/gtest.h>

#include <cmath>

#include "tests/device_model/ops_test_support.h"

namespace npusim::device {
namespace {
using namespace testing;

// cos/sin tables for positions 0..T-1, duplicated the way docs/OPS.md describes.
std::vector<float> table(int64_t tokens, int64_t rotary, bool neox, bool cosine) {
  std::vector<float> t(tokens * rotary);
  for (int64_t p = 0; p < tokens; ++p)
    for (int64_t i = 0; i < rotary / 2; ++i) {
      const double angle = (p + 3) * std::pow(10000.0, -2.0 * i / rotary);
      const float v = static_cast<float>(cosine ? std::cos(angle) : std::sin(angle));
      if (neox) t[p * rotary + i] = t[p * rotary + i + rotary / 2] = v;
      else t[p * rotary + 2 * i] = t[p * rotary + 2 * i + 1] = v;
    }
  return t;
}

// Reference rotation of one head by angle index i, written out per pairing.
std::vector<float> ref_rotate(std::vector<float> x, int64_t tokens, int64_t head_dim, int64_t rotary, bool neox) {
  const int64_t heads = x.size() / (tokens * head_dim);
  for (int64_t t = 0; t < tokens; ++t)
    for (int64_t h = 0; h < heads; ++h) {
      float* v = &x[(t * heads + h) * head_dim];
      for (int64_t i = 0; i < rotary / 2; ++i) {
        const double angle = (t + 3) * std::pow(10000.0, -2.0 * i / rotary);
        const int64_t a = neox ? i : 2 * i, b = neox ? i + rotary / 2 : 2 * i + 1;
        const double xa = v[a], xb = v[b];
        v[a] = static_cast<float>(xa * std::cos(angle) - xb * std::sin(angle));
        v[b] = static_cast<float>(xb * std::cos(angle) + xa * std::sin(angle));
      }
    }
  return x;
}

void expect_close(const std::vector<float>& got, const std::vector<float>& want, double rel) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) ASSERT_NEAR(got[i], want[i], std::fabs(want[i]) * rel + 1e-5) << i;
}

void run_rope(bool neox, int64_t head_dim, int64_t rotary) {
  const int64_t tokens = 3, qh = 4, kh = 2;
  Buffers b;
  const auto qv = rounded(random_values(tokens * qh * head_dim, 1), DType::bf16);
  const auto kv = rounded(random_values(tokens * kh * head_dim, 2), DType::bf16);
  auto q = b.put({tokens, qh * head_dim}, DType::bf16, qv), k = b.put({tokens, kh * head_dim}, DType::bf16, kv);
  auto cos = b.put({tokens, rotary}, DType::f32, table(tokens, rotary, neox, true));
  auto sin = b.put({tokens, rotary}, DType::f32, table(tokens, rotary, neox, false));
  auto qo = b.make(q.shape, DType::bf16), ko = b.make(k.shape, DType::bf16);
  OpCall call = op_call("RotaryEmbedding", {{"query", q}, {"key", k}, {"cos", cos}, {"sin", sin}},
                        {{"query_out", qo}, {"key_out", ko}},
                        {{"head_dim", head_dim}, {"rotary_dim", rotary}, {"is_neox_style", neox}});
  default_library().check(call);
  default_library().find(call.op)->compute(call, b.store);
  const double bf16 = std::ldexp(1.0, -8);
  expect_close(b.store.load(qo), ref_rotate(qv, tokens, head_dim, rotary, neox), bf16);
  expect_close(b.store.load(ko), ref_rotate(kv, tokens, head_dim, rotary, neox), bf16);
  // Dims past rotary_dim pass through unchanged.
  if (rotary < head_dim) {
    EXPECT_EQ(b.store.load(qo)[head_dim - 1], qv[head_dim - 1]);
  }
}

TEST(RopeKernel, NeoxStyleMatchesReference) { run_rope(true, 64, 64); }
TEST(RopeKernel, InterleavedStyleMatchesReference) { run_rope(false, 64, 64); }
TEST(RopeKernel, PartialRotaryLeavesTheTailUntouched) { run_rope(true, 128, 64); }

std::vector<float> ref_rms(std::vector<float> x, int64_t width, double eps, const std::vector<float>& w) {
  for (size_t r = 0; r < x.size() / width; ++r) {
    double ss = 0;
    for (int64_t i = 0; i < width; ++i) ss += double(x[r * width + i]) * x[r * width + i];
    const double inv = 1.0 / std::sqrt(ss / width + eps);
    for (int64_t i = 0; i < width; ++i) x[r * width + i] = static_cast<float>(x[r * width + i] * inv * (w.empty() ? 1.0 : w[i]));
  }
  return x;
}

void run_split(bool norm) {
  const int64_t tokens = 2, d = 64, q = 4 * d, kv = d, rotary = 32;
  const double eps = 1e-6;
  Buffers b;
  const auto xv = rounded(random_values(tokens * (q + 2 * kv), 3, 2.0f), DType::f16);
  const auto qw = rounded(random_values(d, 4), DType::f16), kw = rounded(random_values(d, 5), DType::f16);
  auto x = b.put({tokens, q + 2 * kv}, DType::f16, xv);
  auto cos = b.put({tokens, rotary}, DType::f32, table(tokens, rotary, true, true));
  auto sin = b.put({tokens, rotary}, DType::f32, table(tokens, rotary, true, false));
  auto qo = b.make({tokens, q}, DType::f16), ko = b.make({tokens, kv}, DType::f16), vo = b.make({tokens, kv}, DType::f16);
  std::vector<NamedTensor> in{{"input", x}, {"cos", cos}, {"sin", sin}};
  in.push_back(norm ? NamedTensor{"q_weight", b.put({d}, DType::f16, qw)} : none("q_weight"));
  in.push_back(norm ? NamedTensor{"k_weight", b.put({d}, DType::f16, kw)} : none("k_weight"));
  Attrs a{{"q_hidden_size", q}, {"kv_hidden_size", kv}, {"head_dim", d}, {"rotary_dim", rotary}, {"is_neox_style", true}};
  a.set("eps", norm ? AttrValue{eps} : AttrValue{std::monostate{}});
  OpCall call = op_call("SplitQkvRmsnormRope", in, {{"q", qo}, {"k", ko}, {"v", vo}}, a);
  default_library().check(call);
  default_library().find(call.op)->compute(call, b.store);
  std::vector<float> qr, kr, vr;
  for (int64_t t = 0; t < tokens; ++t) {
    const auto row = xv.begin() + t * (q + 2 * kv);
    qr.insert(qr.end(), row, row + q);
    kr.insert(kr.end(), row + q, row + q + kv);
    vr.insert(vr.end(), row + q + kv, row + q + 2 * kv);
  }
  if (norm) qr = ref_rms(qr, d, eps, qw), kr = ref_rms(kr, d, eps, kw);
  const double f16 = std::ldexp(1.0, -10);
  expect_close(b.store.load(qo), ref_rotate(qr, tokens, d, rotary, true), f16);
  expect_close(b.store.load(ko), ref_rotate(kr, tokens, d, rotary, true), f16);
  EXPECT_EQ(b.store.load(vo), vr);
}

TEST(SplitQkvRmsnormRopeKernel, NormThenRopeMatchesReference) { run_split(true); }
TEST(SplitQkvRmsnormRopeKernel, NoneEpsSkipsTheNorm) { run_split(false); }

}  // namespace
}  // namespace npusim::device
