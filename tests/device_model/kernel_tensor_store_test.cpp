#include <gtest/gtest.h>

#include "tests/device_model/ops_test_support.h"

namespace npusim::device {
namespace {
using namespace testing;

TEST(TensorStore, StoreRoundsToTheTensorDtype) {
  TensorStore store;
  store.create(1, 64);
  TensorRef bf = tensor(1, {2}, DType::bf16);
  store.store(bf, {0.1f, 1.0f + std::ldexp(1.0f, -9)});
  const auto v = store.load(bf);
  EXPECT_EQ(v[0], round_to_dtype(0.1f, DType::bf16));
  EXPECT_NE(v[0], 0.1f);
  EXPECT_EQ(v[1], 1.0f);
}

TEST(TensorStore, ViewsAtByteOffsetsShareTheBuffer) {
  TensorStore store;
  store.create(1, 64);
  TensorRef whole = tensor(1, {8}, DType::f32);
  store.store(whole, {0, 1, 2, 3, 4, 5, 6, 7});
  TensorRef tail = tensor(1, {3}, DType::f32);
  tail.offset_bytes = 5 * 4;
  EXPECT_EQ(store.load(tail), (std::vector<float>{5, 6, 7}));
}

TEST(TensorStore, UnwrittenMemoryReadsAsZero) {
  TensorStore store;
  store.create(1, 1 << 20);
  EXPECT_EQ(store.load(tensor(1, {4}, DType::f32)), std::vector<float>(4, 0.0f));
}

TEST(TensorStore, OutOfRangeViewIsARuntimeFailure) {
  TensorStore store;
  store.create(1, 16);
  TensorRef t = tensor(1, {4}, DType::f32);
  t.offset_bytes = 4;
  try {
    store.load(t);
    FAIL() << "out-of-range view accepted";
  } catch (const FailureError& e) {
    EXPECT_EQ(e.failure().kind, "runtime");
  }
  EXPECT_THROW(store.store(tensor(2, {1}, DType::f32), {1.0f}), FailureError);
}

}  // namespace
}  // namespace npusim::device
