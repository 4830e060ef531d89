#include <gtest/gtest.h>

#include "tests/device_model/ops_test_support.h"

namespace npusim::device {
namespace {
using namespace testing;

OpCall matmul_call(Shape x, Shape w, Shape y, DType wdtype = DType::bf16) {
  return op_call("MatMul", {{"x", tensor(1, x)}, {"weight", tensor(2, w, wdtype)}, none("bias")},
                 {{"y", tensor(3, y)}});
}

TEST(OpLibrary, UnknownOpIsUnsupportedWithSuggestion) {
  OpCall call = op_call("MatMull", {}, {});
  try {
    default_library().check(call);
    FAIL() << "unknown op accepted";
  } catch (const FailureError& e) {
    EXPECT_EQ(e.failure().kind, "unsupported_op");
    EXPECT_NE(e.failure().message.find("MatMul"), std::string::npos);
  }
}

TEST(OpLibrary, ConformingMatMulPasses) {
  EXPECT_EQ(violated_rule(matmul_call({4, 64}, {32, 64}, {4, 32})), "");
}

TEST(OpLibrary, MatMulRejectsMismatchedReduceDim) {
  EXPECT_EQ(violated_rule(matmul_call({4, 64}, {32, 48}, {4, 32})), "matmul.weight.k_matches_x");
}

TEST(OpLibrary, MatMulRejectsBf16WeightWithFp16Input) {
  OpCall call = matmul_call({4, 64}, {32, 64}, {4, 32}, DType::f16);
  EXPECT_EQ(violated_rule(call), "matmul.weight.dtype_matches_x");
}

TEST(OpLibrary, MissingRequiredSlotNamesIt) {
  OpCall call = op_call("MatMul", {{"x", tensor(1, {4, 64})}, none("weight")}, {{"y", tensor(3, {4, 32})}});
  try {
    default_library().check(call);
    FAIL() << "missing weight accepted";
  } catch (const FailureError& e) {
    EXPECT_EQ(e.failure().kind, "constraint");
    EXPECT_EQ(e.failure().rule, "matmul.weight.required");
    EXPECT_EQ(e.failure().parameter, "weight");
    EXPECT_EQ(e.failure().value, "None");
    EXPECT_EQ(e.failure().where, "test");
  }
}

TEST(OpLibrary, RuleDisabledThroughConfigPasses) {
  const auto config =
      DeviceConfig::load("ascend910b", {"constraints.matmul.weight.dtype_matches_x.enabled=false"});
  const OpLibrary library(config);
  EXPECT_EQ(violated_rule(library, matmul_call({4, 64}, {32, 64}, {4, 32}, DType::f16)), "");
}

TEST(OpLibrary, DeclaresAnEnabledSwitchForEveryRule) {
  const auto keys = OpLibrary::declared_config_keys();
  for (const auto& op : default_library().op_names())
    for (const auto& rule : default_library().rules(op)) {
      auto it = keys.find("constraints." + rule.id + ".enabled");
      ASSERT_NE(it, keys.end()) << rule.id;
      EXPECT_EQ(std::get<bool>(it->second), true);
      EXPECT_FALSE(rule.source.empty()) << rule.id;
    }
}

TEST(OpLibrary, ReadsEveryConstraintKeyItDeclares) {
  const auto config = DeviceConfig::load("ascend910b");
  const OpLibrary library(config);
  for (const auto& key : config.unread_keys()) EXPECT_NE(key.rfind("constraints.", 0), 0u) << key;
}

TEST(OpLibrary, ElementwiseGateNeedsHalfWidthOutput) {
  Attrs attrs{{"fn", std::string("silu_mul")}};
  OpCall ok = op_call("Elementwise", {{"x", tensor(1, {4, 64})}}, {{"y", tensor(2, {4, 32})}}, attrs);
  OpCall bad = op_call("Elementwise", {{"x", tensor(1, {4, 64})}}, {{"y", tensor(2, {4, 64})}}, attrs);
  EXPECT_EQ(violated_rule(ok), "");
  EXPECT_EQ(violated_rule(bad), "elementwise.gate.output_width");
}

TEST(OpLibrary, ElementwiseBinaryNeedsBroadcastableOther) {
  Attrs attrs{{"fn", std::string("add")}};
  OpCall ok = op_call("Elementwise", {{"x", tensor(1, {4, 64})}, {"other", tensor(2, {64})}},
                      {{"y", tensor(3, {4, 64})}}, attrs);
  OpCall bad = op_call("Elementwise", {{"x", tensor(1, {4, 64})}, {"other", tensor(2, {4})}},
                       {{"y", tensor(3, {4, 64})}}, attrs);
  OpCall missing = op_call("Elementwise", {{"x", tensor(1, {4, 64})}}, {{"y", tensor(3, {4, 64})}}, attrs);
  EXPECT_EQ(violated_rule(ok), "");
  EXPECT_EQ(violated_rule(bad), "elementwise.other.broadcasts");
  EXPECT_EQ(violated_rule(missing), "elementwise.other.required");
}

TEST(OpLibrary, CopyRejectsSizeMismatch) {
  EXPECT_EQ(violated_rule(op_call("Copy", {{"src", tensor(1, {8})}}, {{"dst", tensor(2, {8}, DType::f32)}})), "");
  EXPECT_EQ(violated_rule(op_call("Copy", {{"src", tensor(1, {8})}}, {{"dst", tensor(2, {4})}})),
            "copy.dst.numel_matches_src");
}

}  // namespace
}  // namespace npusim::device
