#include <gtest/gtest.h>

#include <cmath>

#include "op_stream/did_you_mean.h"
#include "op_stream/dtype.h"

namespace npusim {
namespace {

TEST(DType, Bf16KeepsEightMantissaBitsWithRoundToNearestEven) {
  EXPECT_EQ(round_to_dtype(1.0f, DType::bf16), 1.0f);
  // 1 + 2^-8 is a tie between 1 and 1 + 2^-7: even mantissa wins (1).
  EXPECT_EQ(round_to_dtype(1.0f + std::ldexp(1.0f, -8), DType::bf16), 1.0f);
  EXPECT_EQ(round_to_dtype(1.0f + std::ldexp(1.0f, -7), DType::bf16), 1.0f + std::ldexp(1.0f, -7));
  EXPECT_NE(round_to_dtype(0.1f, DType::bf16), 0.1f);
  EXPECT_NEAR(round_to_dtype(0.1f, DType::bf16), 0.1f, 0.1f * std::ldexp(1.0f, -8));
}

TEST(DType, Fp16HasTenMantissaBitsAndSaturatesToInfinity) {
  EXPECT_EQ(round_to_dtype(1.0f + std::ldexp(1.0f, -10), DType::f16), 1.0f + std::ldexp(1.0f, -10));
  EXPECT_EQ(round_to_dtype(1.0f + std::ldexp(1.0f, -12), DType::f16), 1.0f);
  EXPECT_EQ(round_to_dtype(65504.0f, DType::f16), 65504.0f);
  EXPECT_TRUE(std::isinf(round_to_dtype(70000.0f, DType::f16)));
  // Subnormal step is 2^-24.
  EXPECT_EQ(round_to_dtype(std::ldexp(3.0f, -25), DType::f16), std::ldexp(2.0f, -24));
}

TEST(DType, IntegersRoundAndSaturate) {
  EXPECT_EQ(round_to_dtype(300.0f, DType::i8), 127.0f);
  EXPECT_EQ(round_to_dtype(-2.6f, DType::i8), -3.0f);
  EXPECT_EQ(round_to_dtype(0.3f, DType::boolean), 1.0f);
}

TEST(DType, NamesRoundTrip) {
  for (DType d : {DType::f32, DType::f16, DType::bf16, DType::i8, DType::i32, DType::i64, DType::boolean})
    EXPECT_EQ(parse_dtype(dtype_name(d)), d);
  EXPECT_EQ(parse_dtype("bf16"), DType::bf16);
  EXPECT_FALSE(parse_dtype("float8").has_value());
}

TEST(DidYouMean, SuggestsCloseNamesOnly) {
  EXPECT_EQ(closest_name("hbm_bandwith_GBps", {"hbm_bandwidth_GBps", "clock_GHz"}), "hbm_bandwidth_GBps");
  EXPECT_EQ(closest_name("zzzzzz", {"hbm_bandwidth_GBps", "clock_GHz"}), "");
}

}  // namespace
}  // namespace npusim
