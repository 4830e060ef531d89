// FusedInferAttentionScore's functional kernel against a plain fp32 reference
// written here with loops over logical [batch][token][head][dim] arrays.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "tests/device_model/ops_test_support.h"

namespace npusim::device {
namespace {
using namespace testing;

// Logical tensors: per batch, rows of (heads x dim) values.
struct Seq {
  std::vector<std::vector<float>> rows;  // rows[b] = len_b * heads * dim values
};

Seq random_seq(const std::vector<int64_t>& lens, int64_t heads, int64_t dim, uint32_t seed, DType dtype) {
  Seq s;
  for (size_t b = 0; b < lens.size(); ++b)
    s.rows.push_back(rounded(random_values(lens[b] * heads * dim, seed + 17 * b), dtype));
  return s;
}

using Masked = std::function<bool(int64_t b, int64_t i, int64_t j)>;

// Plain attention: query token i of batch b sits at KV position kv_len - q_len + i.
std::vector<std::vector<float>> reference(const Seq& q, const Seq& k, const Seq& v, const Seq* q_rope,
                                          const Seq* k_rope, const std::vector<int64_t>& q_lens,
                                          const std::vector<int64_t>& kv_lens, int64_t heads, int64_t kv_heads,
                                          int64_t dim, int64_t value_dim, int64_t rope, double scale,
                                          const Masked& masked) {
  std::vector<std::vector<float>> out;
  for (size_t b = 0; b < q_lens.size(); ++b) {
    std::vector<float> o(q_lens[b] * heads * value_dim, 0.0f);
    for (int64_t i = 0; i < q_lens[b]; ++i)
      for (int64_t h = 0; h < heads; ++h) {
        const int64_t g = h / (heads / kv_heads);
        std::vector<double> s(kv_lens[b]);
        double mx = -INFINITY;
        for (int64_t j = 0; j < kv_lens[b]; ++j) {
          if (masked(b, i, j)) {
            s[j] = -INFINITY;
            continue;
          }
          double dot = 0;
          for (int64_t d = 0; d < dim; ++d)
            dot += q.rows[b][(i * heads + h) * dim + d] * k.rows[b][(j * kv_heads + g) * dim + d];
          for (int64_t d = 0; q_rope && d < rope; ++d)
            dot += q_rope->rows[b][(i * heads + h) * rope + d] * k_rope->rows[b][j * rope + d];
          s[j] = dot * scale;
          mx = std::max(mx, s[j]);
        }
        double sum = 0;
        for (auto& x : s) sum += (x = std::exp(x - mx));
        for (int64_t j = 0; j < kv_lens[b]; ++j)
          for (int64_t d = 0; d < value_dim; ++d)
            o[(i * heads + h) * value_dim + d] +=
                static_cast<float>(s[j] / sum * v.rows[b][(j * kv_heads + g) * value_dim + d]);
      }
    out.push_back(o);
  }
  return out;
}

// Packs batches of a Seq into [B, S, N, D] (padded to S) or [T, N, D].
std::vector<float> pack(const Seq& s, int64_t width, int64_t padded_len) {
  std::vector<float> out;
  for (const auto& rows : s.rows) {
    out.insert(out.end(), rows.begin(), rows.end());
    if (padded_len > 0) out.resize(out.size() + padded_len * width - rows.size(), 0.0f);
  }
  return out;
}

// Scatters a Seq into a paged cache [blocks, block_size, width] through a block table
// that hands out blocks in reverse order (so a wrong table lookup shows).
struct Paged {
  std::vector<float> cache;
  std::vector<float> table;
};
Paged page(const Seq& s, int64_t width, int64_t block_size, int64_t blocks, int64_t max_blocks) {
  Paged p{std::vector<float>(blocks * block_size * width, 0.0f), std::vector<float>(s.rows.size() * max_blocks, 0)};
  int64_t next = blocks - 1;
  for (size_t b = 0; b < s.rows.size(); ++b) {
    const int64_t len = s.rows[b].size() / width;
    for (int64_t blk = 0; blk * block_size < len; ++blk) p.table[b * max_blocks + blk] = static_cast<float>(next--);
    for (int64_t j = 0; j < len; ++j) {
      const int64_t block = static_cast<int64_t>(p.table[b * max_blocks + j / block_size]);
      std::copy_n(s.rows[b].begin() + j * width, width, p.cache.begin() + (block * block_size + j % block_size) * width);
    }
  }
  return p;
}

void expect_close(const std::vector<float>& got, const std::vector<float>& want, DType dtype) {
  ASSERT_EQ(got.size(), want.size());
  const double rel = dtype == DType::bf16 ? std::ldexp(1.0, -8) : std::ldexp(1.0, -11);
  for (size_t i = 0; i < got.size(); ++i) ASSERT_NEAR(got[i], want[i], std::fabs(want[i]) * rel * 2 + 1e-3) << i;
}

void run(const OpCall& call, TensorStore& store, bool check = true) {
  if (check) default_library().check(call);
  default_library().find(call.op)->compute(call, store);
}

Attrs attrs(int64_t heads, int64_t kv_heads, const std::string& layout, int64_t mode, double scale) {
  return {{"num_heads", heads}, {"num_key_value_heads", kv_heads}, {"input_layout", layout},
          {"sparse_mode", mode}, {"scale", scale}, {"block_size", int64_t{0}}};
}

struct Contiguous {
  std::vector<int64_t> q_lens, kv_lens;
  int64_t heads = 4, kv_heads = 2, dim = 16;
  DType dtype = DType::bf16;
};

// BSND, every batch the same lengths.
std::vector<float> run_bsnd(const Contiguous& c, int64_t mode, const Seq& q, const Seq& k, const Seq& v,
                            const std::vector<float>* mask, Shape mask_shape) {
  Buffers buf;
  const int64_t batch = c.q_lens.size(), s = c.q_lens[0], skv = c.kv_lens[0];
  auto qt = buf.put({batch, s, c.heads, c.dim}, c.dtype, pack(q, c.heads * c.dim, s));
  auto kt = buf.put({batch, skv, c.kv_heads, c.dim}, c.dtype, pack(k, c.kv_heads * c.dim, skv));
  auto vt = buf.put({batch, skv, c.kv_heads, c.dim}, c.dtype, pack(v, c.kv_heads * c.dim, skv));
  auto out = buf.make({batch, s, c.heads, c.dim}, c.dtype);
  std::vector<NamedTensor> in{{"query", qt}, {"key", kt}, {"value", vt}};
  in.push_back(mask ? NamedTensor{"atten_mask", buf.put(mask_shape, DType::i8, *mask)} : none("atten_mask"));
  run(op_call("FusedInferAttentionScore", in, {{"attention_out", out}}, attrs(c.heads, c.kv_heads, "BSND", mode, 0.25)),
      buf.store);
  return buf.store.load(out);
}

TEST(FiaKernel, NonCausalGqaWithoutMaskMatchesReference) {
  Contiguous c{{5, 5}, {7, 7}};
  const auto q = random_seq(c.q_lens, c.heads, c.dim, 1, c.dtype), k = random_seq(c.kv_lens, c.kv_heads, c.dim, 2, c.dtype),
             v = random_seq(c.kv_lens, c.kv_heads, c.dim, 3, c.dtype);
  const auto got = run_bsnd(c, 0, q, k, v, nullptr, {});
  const auto want = reference(q, k, v, nullptr, nullptr, c.q_lens, c.kv_lens, c.heads, c.kv_heads, c.dim, c.dim, 0,
                              0.25, [](int64_t, int64_t, int64_t) { return false; });
  expect_close(got, pack(Seq{want}, c.heads * c.dim, 5), c.dtype);
}

TEST(FiaKernel, ExplicitMaskInSparseModeZeroApplies) {
  Contiguous c{{3}, {4}};
  c.dtype = DType::f16;
  const auto q = random_seq(c.q_lens, c.heads, c.dim, 4, c.dtype), k = random_seq(c.kv_lens, c.kv_heads, c.dim, 5, c.dtype),
             v = random_seq(c.kv_lens, c.kv_heads, c.dim, 6, c.dtype);
  const std::vector<float> mask{0, 1, 0, 1, /**/ 1, 0, 0, 0, /**/ 0, 0, 1, 1};
  const auto got = run_bsnd(c, 0, q, k, v, &mask, {3, 4});
  const auto want = reference(q, k, v, nullptr, nullptr, c.q_lens, c.kv_lens, c.heads, c.kv_heads, c.dim, c.dim, 0,
                              0.25, [&](int64_t, int64_t i, int64_t j) { return mask[i * 4 + j] != 0; });
  expect_close(got, want[0], c.dtype);
}

TEST(FiaKernel, CausalTndPrefillMatchesReferenceAndDiffersFromNonCausal) {
  const std::vector<int64_t> lens{3, 5};
  const int64_t heads = 4, kv_heads = 1, dim = 16;
  const auto q = random_seq(lens, heads, dim, 7, DType::bf16), k = random_seq(lens, kv_heads, dim, 8, DType::bf16),
             v = random_seq(lens, kv_heads, dim, 9, DType::bf16);
  auto run_mode = [&](int64_t mode) {
    Buffers buf;
    auto qt = buf.put({8, heads, dim}, DType::bf16, pack(q, heads * dim, 0));
    auto kt = buf.put({8, kv_heads, dim}, DType::bf16, pack(k, kv_heads * dim, 0));
    auto vt = buf.put({8, kv_heads, dim}, DType::bf16, pack(v, kv_heads * dim, 0));
    auto out = buf.make({8, heads, dim}, DType::bf16);
    Attrs a = attrs(heads, kv_heads, "TND", mode, 0.25);
    a.set("actual_seq_lengths", std::vector<int64_t>{3, 8});
    a.set("actual_seq_lengths_kv", std::vector<int64_t>{3, 8});
    std::vector<NamedTensor> in{{"query", qt}, {"key", kt}, {"value", vt}};
    in.push_back(mode == 3 ? NamedTensor{"atten_mask", buf.make({2048, 2048}, DType::i8)} : none("atten_mask"));
    run(op_call("FusedInferAttentionScore", in, {{"attention_out", out}}, a), buf.store);
    return buf.store.load(out);
  };
  const auto causal = run_mode(3);
  const auto want = reference(q, k, v, nullptr, nullptr, lens, lens, heads, kv_heads, dim, dim, 0, 0.25,
                              [](int64_t, int64_t i, int64_t j) { return j > i; });
  expect_close(causal, pack(Seq{want}, heads * dim, 0), DType::bf16);
  const auto full = run_mode(0);
  EXPECT_GT(std::fabs(full[0] - causal[0]), 1e-3);  // token 0 sees only itself when causal
}

TEST(FiaKernel, BandModeLimitsTheWindowAroundTheDiagonal) {
  const std::vector<int64_t> lens{6};
  const int64_t heads = 2, dim = 16;
  const auto q = random_seq(lens, heads, dim, 10, DType::f32), k = random_seq(lens, 1, dim, 11, DType::f32),
             v = random_seq(lens, 1, dim, 12, DType::f32);
  Buffers buf;
  auto qt = buf.put({1, 6, heads, dim}, DType::f16, pack(q, heads * dim, 6));
  auto kt = buf.put({1, 6, 1, dim}, DType::f16, pack(k, dim, 6));
  auto vt = buf.put({1, 6, 1, dim}, DType::f16, pack(v, dim, 6));
  auto out = buf.make({1, 6, heads, dim}, DType::f16);
  Attrs a = attrs(heads, 1, "BSND", 4, 0.25);
  a.set("pre_tokens", int64_t{2});
  a.set("next_tokens", int64_t{0});
  run(op_call("FusedInferAttentionScore",
              {{"query", qt}, {"key", kt}, {"value", vt}, {"atten_mask", buf.make({2048, 2048}, DType::i8)}},
              {{"attention_out", out}}, a),
      buf.store);
  const Seq qr{{buf.store.load(qt)}}, kr{{buf.store.load(kt)}}, vr{{buf.store.load(vt)}};
  const auto want = reference(qr, kr, vr, nullptr, nullptr, lens, lens, heads, 1, dim, dim, 0, 0.25,
                              [](int64_t, int64_t i, int64_t j) { return j > i || j < i - 2; });
  expect_close(buf.store.load(out), want[0], DType::f16);
}

TEST(FiaKernel, PagedGqaDecodeReadsBlocksThroughTheTable) {
  const std::vector<int64_t> kv_lens{9, 6}, q_lens{1, 1};
  const int64_t heads = 8, kv_heads = 2, dim = 32, block = 4, blocks = 8, max_blocks = 3;
  const auto q = random_seq(q_lens, heads, dim, 13, DType::bf16), k = random_seq(kv_lens, kv_heads, dim, 14, DType::bf16),
             v = random_seq(kv_lens, kv_heads, dim, 15, DType::bf16);
  const Paged kp = page(k, kv_heads * dim, block, blocks, max_blocks), vp = page(v, kv_heads * dim, block, blocks, max_blocks);
  Buffers buf;
  auto qt = buf.put({2, 1, heads, dim}, DType::bf16, pack(q, heads * dim, 1));
  auto kt = buf.put({blocks, block, kv_heads * dim}, DType::bf16, kp.cache);
  auto vt = buf.put({blocks, block, kv_heads * dim}, DType::bf16, vp.cache);
  auto table = buf.put({2, max_blocks}, DType::i32, kp.table);
  auto out = buf.make({2, 1, heads, dim}, DType::bf16);
  Attrs a = attrs(heads, kv_heads, "BSND", 0, 0.2);
  a.set("block_size", block);
  a.set("actual_seq_lengths_kv", kv_lens);
  run(op_call("FusedInferAttentionScore",
              {{"query", qt}, {"key", kt}, {"value", vt}, none("atten_mask"), {"block_table", table}},
              {{"attention_out", out}}, a),
      buf.store, /*check=*/false);  // block_size 4 is below the device's paged minimum; semantics only
  const auto want = reference(q, k, v, nullptr, nullptr, q_lens, kv_lens, heads, kv_heads, dim, dim, 0, 0.2,
                              [](int64_t, int64_t, int64_t) { return false; });
  expect_close(buf.store.load(out), pack(Seq{want}, heads * dim, 1), DType::bf16);
}

TEST(FiaKernel, PagedTndVerifyAttendsCausallyToTheCachedPrefix) {
  // Speculative verify: a few query tokens per sequence appended after a cached prefix.
  const std::vector<int64_t> q_lens{3, 2}, kv_lens{9, 6};
  const int64_t heads = 4, kv_heads = 2, dim = 16, block = 4, blocks = 8, max_blocks = 3;
  const auto q = random_seq(q_lens, heads, dim, 22, DType::bf16), k = random_seq(kv_lens, kv_heads, dim, 23, DType::bf16),
             v = random_seq(kv_lens, kv_heads, dim, 24, DType::bf16);
  const Paged kp = page(k, kv_heads * dim, block, blocks, max_blocks), vp = page(v, kv_heads * dim, block, blocks, max_blocks);
  Buffers buf;
  auto qt = buf.put({5, heads, dim}, DType::bf16, pack(q, heads * dim, 0));
  auto kt = buf.put({blocks, block, kv_heads * dim}, DType::bf16, kp.cache);
  auto vt = buf.put({blocks, block, kv_heads * dim}, DType::bf16, vp.cache);
  auto table = buf.put({2, max_blocks}, DType::i32, kp.table);
  auto out = buf.make({5, heads, dim}, DType::bf16);
  Attrs a = attrs(heads, kv_heads, "TND", 3, 0.25);
  a.set("block_size", block);
  a.set("actual_seq_lengths", std::vector<int64_t>{3, 5});
  a.set("actual_seq_lengths_kv", kv_lens);
  run(op_call("FusedInferAttentionScore",
              {{"query", qt}, {"key", kt}, {"value", vt}, {"atten_mask", buf.make({2048, 2048}, DType::i8)},
               {"block_table", table}},
              {{"attention_out", out}}, a),
      buf.store, /*check=*/false);  // block_size 4 is below the device's paged minimum; semantics only
  const auto want = reference(q, k, v, nullptr, nullptr, q_lens, kv_lens, heads, kv_heads, dim, dim, 0, 0.25,
                              [&](int64_t b, int64_t i, int64_t j) { return j > kv_lens[b] - q_lens[b] + i; });
  expect_close(buf.store.load(out), pack(Seq{want}, heads * dim, 0), DType::bf16);
}

TEST(FiaKernel, MlaDecodeAddsRopeScoresAndReadsTheLatentAsValue) {
  const std::vector<int64_t> kv_lens{19, 7}, q_lens{1, 1};
  const int64_t heads = 4, dim = 512, rope = 64, block = 16, blocks = 4, max_blocks = 2;
  const auto q = random_seq(q_lens, heads, dim, 16, DType::bf16), qr = random_seq(q_lens, heads, rope, 17, DType::bf16);
  const auto latent = random_seq(kv_lens, 1, dim, 18, DType::bf16), kr = random_seq(kv_lens, 1, rope, 19, DType::bf16);
  const Paged lp = page(latent, dim, block, blocks, max_blocks), rp = page(kr, rope, block, blocks, max_blocks);
  Buffers buf;
  auto qt = buf.put({2, 1, heads, dim}, DType::bf16, pack(q, heads * dim, 1));
  auto qrt = buf.put({2, 1, heads, rope}, DType::bf16, pack(qr, heads * rope, 1));
  auto lt = buf.put({blocks, block, dim}, DType::bf16, lp.cache);
  auto rt = buf.put({blocks, block, rope}, DType::bf16, rp.cache);
  auto table = buf.put({2, max_blocks}, DType::i32, lp.table);
  auto out = buf.make({2, 1, heads, dim}, DType::bf16);
  Attrs a = attrs(heads, 1, "BSND", 0, 0.04);
  a.set("block_size", block);
  a.set("actual_seq_lengths_kv", kv_lens);
  run(op_call("FusedInferAttentionScore",
              {{"query", qt}, {"key", lt}, {"value", lt}, {"query_rope", qrt}, {"key_rope", rt}, none("atten_mask"),
               {"block_table", table}},
              {{"attention_out", out}}, a),
      buf.store);
  const auto want = reference(q, latent, latent, &qr, &kr, q_lens, kv_lens, heads, 1, dim, dim, rope, 0.04,
                              [](int64_t, int64_t, int64_t) { return false; });
  expect_close(buf.store.load(out), pack(Seq{want}, heads * dim, 1), DType::bf16);
}

TEST(FiaKernel, BlockIdOutsideTheCacheIsARuntimeFailureNotACrash) {
  Buffers buf;
  auto qt = buf.put({1, 1, 2, 16}, DType::bf16, random_values(32, 20));
  auto kt = buf.put({2, 4, 16}, DType::bf16, random_values(128, 21));
  auto table = buf.put({1, 2}, DType::i32, {0, 57});
  auto out = buf.make({1, 1, 2, 16}, DType::bf16);
  Attrs a = attrs(2, 1, "BSND", 0, 0.2);
  a.set("block_size", int64_t{4});
  a.set("actual_seq_lengths_kv", std::vector<int64_t>{7});
  OpCall call = op_call("FusedInferAttentionScore",
                        {{"query", qt}, {"key", kt}, {"value", kt}, none("atten_mask"), {"block_table", table}},
                        {{"attention_out", out}}, a);
  try {
    run(call, buf.store, false);
    FAIL() << "out-of-range block id read";
  } catch (const FailureError& e) {
    EXPECT_EQ(e.failure().kind, "runtime");
  }
}

}  // namespace
}  // namespace npusim::device
