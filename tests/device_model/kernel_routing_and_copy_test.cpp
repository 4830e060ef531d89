// MoE routing kernels and the data-movement ops against hand-computed values.
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

TEST(MoeGatingTopKKernel, BiasChoosesButDoesNotWeigh) {
  Buffers b;
  // Sigmoid scores ~ {0.27, 0.5, 0.73, 0.12}; bias lifts expert 3 into the top 2.
  auto logits = b.put({1, 4}, DType::f32, {-1.0f, 0.0f, 1.0f, -2.0f});
  auto bias = b.put({4}, DType::f32, {0, 0, 0, 1.0f});
  auto w = b.make({1, 2}, DType::f32), idx = b.make({1, 2}, DType::i32);
  run(op_call("MoeGatingTopK", {{"logits", logits}, {"bias", bias}}, {{"weights", w}, {"indices", idx}},
              {{"k", int64_t{2}}, {"scoring", std::string("sigmoid")}, {"norm_topk_prob", true},
               {"routed_scaling_factor", 2.5}}),
      b.store);
  EXPECT_EQ(b.store.load(idx), (std::vector<float>{3, 2}));
  const double s3 = 1 / (1 + std::exp(2.0)), s2 = 1 / (1 + std::exp(-1.0));
  const auto got = b.store.load(w);
  EXPECT_NEAR(got[0], s3 / (s3 + s2) * 2.5, 1e-6);
  EXPECT_NEAR(got[1], s2 / (s3 + s2) * 2.5, 1e-6);
}

TEST(MoeRoutingKernels, InitGroupsByExpertAndFinalizeRestoresTokenOrder) {
  const int t = 3, k = 2, h = 2, e = 3;
  Buffers b;
  auto x = b.put({t, h}, DType::f32, {1, 1, 2, 2, 3, 3});
  auto ids = b.put({t, k}, DType::i32, {2, 0, 0, 1, 2, 1});
  auto ex = b.make({t * k, h}, DType::f32), ri = b.make({t * k}, DType::i32), gl = b.make({e}, DType::i64);
  run(op_call("MoeInitRouting", {{"x", x}, {"indices", ids}},
              {{"expanded_x", ex}, {"expanded_row_idx", ri}, {"group_list", gl}}, {{"num_experts", int64_t{e}}}),
      b.store);
  // Stable by expert: expert 0 <- (t0,s1), (t1,s0); expert 1 <- (t1,s1), (t2,s1); expert 2 <- (t0,s0), (t2,s0).
  EXPECT_EQ(b.store.load(ri), (std::vector<float>{1, 2, 3, 5, 0, 4}));
  EXPECT_EQ(b.store.load(gl), (std::vector<float>{2, 2, 2}));
  EXPECT_EQ(b.store.load(ex), (std::vector<float>{1, 1, 2, 2, 2, 2, 3, 3, 1, 1, 3, 3}));
  // Experts "compute" by scaling rows by 10 * (expert + 1); finalize weighs and adds shared.
  auto ey = b.put({t * k, h}, DType::f32, {10, 10, 20, 20, 40, 40, 60, 60, 30, 30, 90, 90});
  auto w = b.put({t, k}, DType::f32, {0.5f, 0.25f, 1, 1, 0.1f, 0.2f});
  auto shared = b.put({t, h}, DType::f32, {100, 100, 100, 100, 100, 100}), y = b.make({t, h}, DType::f32);
  run(op_call("MoeFinalizeRouting", {{"expanded_y", ey}, {"weights", w}, {"expanded_row_idx", ri}, {"shared", shared}},
              {{"y", y}}),
      b.store);
  // t0 = 0.5 * 30 (expert 2) + 0.25 * 10 (expert 0) + 100; t1 = 20 + 40 + 100; t2 = 0.1 * 90 + 0.2 * 60 + 100.
  const auto got = b.store.load(y);
  EXPECT_NEAR(got[0], 117.5, 1e-4);
  EXPECT_NEAR(got[2], 160.0, 1e-4);
  EXPECT_NEAR(got[4], 121.0, 1e-4);
}

TEST(DataMovementKernels, TransposeSwapsAxes) {
  Buffers b;
  auto x = b.put({2, 3}, DType::f32, {1, 2, 3, 4, 5, 6}), y = b.make({3, 2}, DType::f32);
  run(op_call("Transpose", {{"x", x}}, {{"y", y}}, {{"perm", std::vector<int64_t>{1, 0}}}), b.store);
  EXPECT_EQ(b.store.load(y), (std::vector<float>{1, 4, 2, 5, 3, 6}));
}

TEST(DataMovementKernels, ConcatAndSliceRoundTripAlongTheHeadAxis) {
  Buffers b;
  auto q = b.put({2, 1, 2, 2}, DType::bf16, {1, 2, 3, 4, 5, 6, 7, 8});
  auto pad = b.put({2, 1, 1, 2}, DType::bf16, {0, 0, 0, 0});
  auto cat = b.make({2, 1, 3, 2}, DType::bf16);
  run(op_call("Concat", {{"x0", q}, {"x1", pad}}, {{"y", cat}}, {{"dim", int64_t{2}}}), b.store);
  EXPECT_EQ(b.store.load(cat), (std::vector<float>{1, 2, 3, 4, 0, 0, 5, 6, 7, 8, 0, 0}));
  auto back = b.make({2, 1, 2, 2}, DType::bf16);
  run(op_call("Slice", {{"x", cat}}, {{"y", back}}, {{"dim", int64_t{2}}, {"start", int64_t{0}}, {"length", int64_t{2}}}),
      b.store);
  EXPECT_EQ(b.store.load(back), b.store.load(q));
}

TEST(DataMovementKernels, EmbeddingGathersRowsAndRejectsOutOfRangeIds) {
  Buffers b;
  auto table = b.put({3, 2}, DType::f32, {0, 1, 10, 11, 20, 21});
  auto ids = b.put({3}, DType::i32, {2, 0, 2}), y = b.make({3, 2}, DType::f32);
  run(op_call("Embedding", {{"weight", table}, {"indices", ids}}, {{"y", y}}), b.store);
  EXPECT_EQ(b.store.load(y), (std::vector<float>{20, 21, 0, 1, 20, 21}));
  auto bad = b.put({1}, DType::i32, {3});
  auto y1 = b.make({1, 2}, DType::f32);
  EXPECT_THROW(run(op_call("Embedding", {{"weight", table}, {"indices", bad}}, {{"y", y1}}), b.store), FailureError);
}

TEST(DataMovementKernels, ArgMaxTakesTheFirstMaximum) {
  Buffers b;
  auto x = b.put({2, 4}, DType::f32, {1, 5, 5, 2, -1, -3, -0.5f, -2}), idx = b.make({2}, DType::i32);
  run(op_call("ArgMax", {{"x", x}}, {{"indices", idx}}), b.store);
  EXPECT_EQ(b.store.load(idx), (std::vector<float>{1, 2}));
}

TEST(DataMovementKernels, ReshapeAndCacheWritesSlotsAndSkipsPadding) {
  Buffers b;
  const int blocks = 2, bs = 2, w = 3;
  auto k = b.put({3, 1, w}, DType::f32, {1, 1, 1, 2, 2, 2, 9, 9, 9});
  auto v = b.put({3, 1, w}, DType::f32, {4, 4, 4, 5, 5, 5, 9, 9, 9});
  auto kc = b.make({blocks, bs, w}, DType::f32), vc = b.make({blocks, bs, w}, DType::f32);
  auto slots = b.put({3}, DType::i32, {3, 0, -1});
  run(op_call("ReshapeAndCache", {{"key", k}, {"value", v}, {"key_cache", kc}, {"value_cache", vc}, {"slot_mapping", slots}},
              {{"key_cache", kc}, {"value_cache", vc}}),
      b.store);
  EXPECT_EQ(b.store.load(kc), (std::vector<float>{2, 2, 2, 0, 0, 0, 0, 0, 0, 1, 1, 1}));
  EXPECT_EQ(b.store.load(vc), (std::vector<float>{5, 5, 5, 0, 0, 0, 0, 0, 0, 4, 4, 4}));
}

}  // namespace
}  // namespace npusim::device
