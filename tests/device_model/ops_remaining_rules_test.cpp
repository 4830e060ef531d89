// Rules of the remaining ops that seed scenarios and the engine rely on, and
// robustness: every op rejects an empty call with a rule, never a crash.
#include <gtest/gtest.h>

#include "device_model/config/hardware_spec.h"
#include "tests/device_model/ops_test_support.h"

namespace npusim::device {
namespace {
using namespace testing;

OpCall concat(DType a, DType b, Shape sa = {2, 1, 20, 512}, Shape sb = {2, 1, 12, 512}) {
  Shape out = sa;
  out[2] += sb[2];
  return op_call("Concat", {{"x0", tensor(1, sa, a)}, {"x1", tensor(2, sb, b)}}, {{"y", tensor(3, out, a)}},
                 {{"dim", int64_t{2}}});
}

TEST(Concat, SameDtypePaddingPasses) { EXPECT_EQ(violated_rule(concat(DType::f16, DType::f16)), ""); }

TEST(Concat, RejectsBf16PaddingOnAnFp16Query) {
  try {
    default_library().check(concat(DType::f16, DType::bf16));
    FAIL() << "bf16 padding concatenated to an fp16 query";
  } catch (const FailureError& e) {
    EXPECT_EQ(e.failure().rule, "concat.inputs_same_dtype");
    EXPECT_EQ(e.failure().value, "bfloat16");
    EXPECT_NE(e.failure().hint.find("float16"), std::string::npos);
  }
}

TEST(Concat, RejectsInputsDifferingOutsideTheConcatDim) {
  EXPECT_EQ(violated_rule(concat(DType::f16, DType::f16, {2, 1, 20, 512}, {2, 1, 12, 64})), "concat.inputs_same_shape");
}

TEST(Slice, RejectsASliceRunningPastTheEnd) {
  auto call = [](int64_t start, int64_t length) {
    return op_call("Slice", {{"x", tensor(1, {2, 32, 8})}}, {{"y", tensor(2, {2, length, 8})}},
                   {{"dim", int64_t{1}}, {"start", start}, {"length", length}});
  };
  EXPECT_EQ(violated_rule(call(0, 20)), "");
  EXPECT_EQ(violated_rule(call(20, 20)), "slice.within_x");
}

TEST(QuantMatMul, RejectsAnUnquantisedWeight) {
  OpCall call = op_call("QuantMatMul",
                        {{"x", tensor(1, {4, 64}, DType::i8)}, {"weight", tensor(2, {32, 64}, DType::bf16)},
                         {"weight_scale", tensor(3, {32}, DType::f32)}, {"x_scale", tensor(4, {4}, DType::f32)}},
                        {{"y", tensor(5, {4, 32})}});
  EXPECT_EQ(violated_rule(call), "quant_matmul.weight.dtype");
}

TEST(MoeGatingTopK, RejectsKAboveTheExpertCount) {
  OpCall call = op_call("MoeGatingTopK", {{"logits", tensor(1, {4, 8}, DType::f32)}, none("bias")},
                        {{"weights", tensor(2, {4, 9}, DType::f32)}, {"indices", tensor(3, {4, 9}, DType::i32)}},
                        {{"k", int64_t{9}}, {"scoring", std::string("softmax")}});
  EXPECT_EQ(violated_rule(call), "moe_gating.k.at_most_experts");
}

TEST(OpLibraryRobustness, EveryOpRejectsAnEmptyCallWithARuleAndCostsItWithoutCrashing) {
  const HardwareSpec spec = HardwareSpec::from_config(default_config());
  for (const auto& name : default_library().op_names()) {
    OpCall empty = op_call(name, {}, {});
    try {
      default_library().check(empty);
      ADD_FAILURE() << name << " accepted a call with no tensors";
    } catch (const FailureError& e) {
      EXPECT_EQ(e.failure().kind, "constraint") << name;
      EXPECT_FALSE(e.failure().rule.empty()) << name;
    }
    const OpWork w = default_library().find(name)->work(empty, spec);
    EXPECT_GE(w.tiles, 1) << name;
    EXPECT_GE(w.compute_cycles_per_tile, 0) << name;
  }
}

TEST(OpLibraryRobustness, KernelsRefuseInconsistentCallsAsRuntimeFailures) {
  // Rules switched off for a what-if device must not turn into host crashes.
  TensorStore store;
  store.create(1, 64);
  store.create(2, 64);
  for (const auto& name : default_library().op_names()) {
    OpCall call = op_call(name, {{"x", tensor(1, {2, 3}, DType::f32)}}, {{"y", tensor(2, {5}, DType::f32)}});
    try {
      default_library().find(name)->compute(call, store);
    } catch (const FailureError& e) {
      EXPECT_EQ(e.failure().kind, "runtime") << name;
    }
  }
}

}  // namespace
}  // namespace npusim::device
