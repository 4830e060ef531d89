// Mapping recorded aten ops onto device ops (engine/aten): which device op each
// aten pattern becomes, that views are free and unmapped ops are counted, and
// which FIA mode attention lands in, judged by the device's own rules.
#include <gtest/gtest.h>

#include "device_model/ops/op_library.h"
#include "engine/aten/aten_import.h"

namespace npusim::engine {
namespace {

NamedTensor slot(const std::string& name, BufferId buffer, Shape shape, DType dtype = DType::bf16) {
  TensorRef t;
  t.buffer = buffer;
  t.shape = std::move(shape);
  t.dtype = dtype;
  return {name, t};
}

OpCall aten(const std::string& op, std::vector<NamedTensor> inputs, std::vector<NamedTensor> outputs,
            Attrs attrs = {}) {
  OpCall call;
  call.op = op;
  call.inputs = std::move(inputs);
  call.outputs = std::move(outputs);
  call.attrs = std::move(attrs);
  call.origin.phase = "prefill";
  return call;
}

// A capture whose buffers 0..n-1 are allocated up front.
OpStream capture(std::vector<OpCall> ops, int buffers = 16) {
  OpStream s;
  s.source = kTorchCaptureSource;
  for (int b = 0; b < buffers; ++b) {
    OpCall alloc;
    alloc.kind = RecordKind::alloc;
    alloc.buffer = b;
    alloc.bytes = 1 << 24;
    s.records.push_back(alloc);
  }
  for (auto& op : ops) s.records.push_back(std::move(op));
  return s;
}

std::vector<OpCall> device_ops(const AtenImport& imported) {
  std::vector<OpCall> ops;
  for (const auto& r : imported.stream.records)
    if (r.kind == RecordKind::op) ops.push_back(r);
  return ops;
}

// SDPA over q [1, heads, 8, qk_dim], k [1, kv_heads, 8, qk_dim], v [1, kv_heads, 8, v_dim].
OpStream sdpa(int64_t heads, int64_t kv_heads, int64_t qk_dim, int64_t v_dim) {
  return capture({aten("aten.scaled_dot_product_attention",
                       {slot("query", 0, {1, heads, 8, qk_dim}), slot("key", 1, {1, kv_heads, 8, qk_dim}),
                        slot("value", 2, {1, kv_heads, 8, v_dim})},
                       {slot("out0", 3, {1, heads, 8, v_dim})}, {{"is_causal", true}})});
}

const OpCall& only_fia(const std::vector<OpCall>& ops) {
  const OpCall* fia = nullptr;
  for (const auto& op : ops)
    if (op.op == "FusedInferAttentionScore") {
      EXPECT_EQ(fia, nullptr) << "more than one FIA";
      fia = &op;
    }
  EXPECT_NE(fia, nullptr);
  return *fia;
}

std::string violated_rule(const OpCall& call) {
  const device::OpLibrary library(device::DeviceConfig::load("ascend910b"));
  try {
    library.check(call);
  } catch (const FailureError& e) {
    return e.failure().rule;
  }
  return "";
}

TEST(AtenImport, RecognisesTorchCaptureByHeaderSource) {
  OpStream s = capture({});
  EXPECT_TRUE(is_torch_capture(s));
  s.source = "npusim engine";
  EXPECT_FALSE(is_torch_capture(s));
}

TEST(AtenImport, LinearIsOneMatMulOnTheUntransposedWeight) {
  // mm(x [8, 128], weight.t()) where weight is [256, 128]: strides (1, 128).
  const auto imported = import_aten_stream(capture(
      {aten("aten.t.default", {slot("self", 1, {256, 128})}, {slot("out0", 1, {128, 256})}, {{"out0.strides", std::vector<int64_t>{1, 128}}}),
       aten("aten.mm.default", {slot("self", 0, {8, 128}), slot("mat2", 1, {128, 256})}, {slot("out0", 2, {8, 256})},
            {{"mat2.strides", std::vector<int64_t>{1, 128}}})}));
  const auto ops = device_ops(imported);
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].op, "MatMul");
  EXPECT_EQ(ops[0].input("weight")->shape, (Shape{256, 128}));
  EXPECT_EQ(imported.views.at("aten.t.default"), 1);
  EXPECT_EQ(violated_rule(ops[0]), "");
}

TEST(AtenImport, UnmappedOpsAreCountedByNameNotEmitted) {
  const auto imported = import_aten_stream(capture(
      {aten("aten.cos.default", {slot("self", 0, {8, 64}, DType::f32)}, {slot("out0", 1, {8, 64}, DType::f32)}),
       aten("aten.cos.default", {slot("self", 2, {8, 64}, DType::f32)}, {slot("out0", 3, {8, 64}, DType::f32)})}));
  EXPECT_TRUE(device_ops(imported).empty());
  EXPECT_EQ(imported.unmapped.at("aten.cos.default"), 2);
}

TEST(AtenImport, OuterProductBroadcastIsUnmappedAndLeavesNoCopies) {
  // positions[:, None] * inv_freq with a strided operand: torch broadcasts both ways.
  const auto imported = import_aten_stream(capture({aten(
      "aten.mul.Tensor", {slot("self", 0, {8, 1}, DType::f32), slot("other", 1, {32}, DType::f32)},
      {slot("out0", 2, {8, 32}, DType::f32)}, {{"self.strides", std::vector<int64_t>{2, 1}}})}));
  EXPECT_TRUE(device_ops(imported).empty());
  EXPECT_EQ(imported.unmapped.at("aten.mul.Tensor"), 1);
  EXPECT_EQ(imported.stream.records.size(), 16u);  // the allocs only
}

TEST(AtenImport, RmsNormDecompositionBecomesOneRmsNorm) {
  const auto imported = import_aten_stream(capture({
      aten("aten._to_copy.default", {slot("self", 0, {8, 128})}, {slot("out0", 1, {8, 128}, DType::f32)}),
      aten("aten.pow.Tensor_Scalar", {slot("self", 1, {8, 128}, DType::f32)}, {slot("out0", 2, {8, 128}, DType::f32)},
           {{"exponent", int64_t{2}}}),
      aten("aten.mean.dim", {slot("self", 2, {8, 128}, DType::f32)}, {slot("out0", 3, {8, 1}, DType::f32)}),
      aten("aten.add.Tensor", {slot("self", 3, {8, 1}, DType::f32)}, {slot("out0", 4, {8, 1}, DType::f32)},
           {{"other", 1e-5}}),
      aten("aten.rsqrt.default", {slot("self", 4, {8, 1}, DType::f32)}, {slot("out0", 5, {8, 1}, DType::f32)}),
      aten("aten.mul.Tensor", {slot("self", 1, {8, 128}, DType::f32), slot("other", 5, {8, 1}, DType::f32)},
           {slot("out0", 6, {8, 128}, DType::f32)}),
      aten("aten._to_copy.default", {slot("self", 6, {8, 128}, DType::f32)}, {slot("out0", 7, {8, 128})}),
      aten("aten.mul.Tensor", {slot("self", 8, {128}), slot("other", 7, {8, 128})}, {slot("out0", 9, {8, 128})}),
  }));
  const auto ops = device_ops(imported);
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].op, "RmsNorm");
  EXPECT_EQ(ops[0].input("x")->buffer, 0);  // the bf16 input, not its fp32 copy
  EXPECT_EQ(ops[0].output("y")->buffer, 9);
  EXPECT_DOUBLE_EQ(*ops[0].attrs.get_double("eps"), 1e-5);
  EXPECT_TRUE(imported.unmapped.empty());
  EXPECT_EQ(violated_rule(ops[0]), "");
}

TEST(AtenImport, SiluTimesUpOfOneMergedProjectionIsSiluMulInPlace) {
  // gate, up = gate_up.chunk(2, -1) with gate_up [8, 512]: halves at offset 0 and 256 elements.
  NamedTensor up = slot("other", 0, {8, 256});
  up.tensor->offset_bytes = 256 * 2;
  const auto imported = import_aten_stream(capture(
      {aten("aten.silu.default", {slot("self", 0, {8, 256})}, {slot("out0", 1, {8, 256})},
            {{"self.strides", std::vector<int64_t>{512, 1}}}),
       aten("aten.mul.Tensor", {slot("self", 1, {8, 256}), up}, {slot("out0", 2, {8, 256})},
            {{"other.strides", std::vector<int64_t>{512, 1}}})}));
  const auto ops = device_ops(imported);
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].attrs.string_or("fn", ""), "silu_mul");
  EXPECT_EQ(ops[0].input("x")->shape, (Shape{8, 512}));
  EXPECT_EQ(violated_rule(ops[0]), "");
}

TEST(AtenImport, SoftmaxThenTopKIsOneGatingOpWithCastsToTorchDtypes) {
  const auto imported = import_aten_stream(capture(
      {aten("aten._softmax.default", {slot("self", 0, {8, 16}, DType::f32)}, {slot("out0", 1, {8, 16}, DType::f32)},
            {{"dim", int64_t{-1}}}),
       aten("aten.topk.default", {slot("self", 1, {8, 16}, DType::f32)},
            {slot("out0", 2, {8, 4}, DType::f32), slot("out1", 3, {8, 4}, DType::i64)}, {{"k", int64_t{4}}}),
       aten("aten.sort.default", {slot("self", 3, {32}, DType::i64)}, {slot("out0", 4, {32}, DType::i64)})}));
  const auto ops = device_ops(imported);
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(ops[0].op, "MoeGatingTopK");
  EXPECT_EQ(ops[0].output("indices")->dtype, DType::i32);  // the NPU op's index type
  EXPECT_EQ(ops[0].output("weights")->buffer, 2);          // fp32 values: written in place
  EXPECT_EQ(ops[1].op, "Copy");                             // int32 -> torch's int64 indices
  EXPECT_EQ(ops[1].output("dst")->buffer, 3);
  EXPECT_EQ(imported.unmapped.at("aten.sort.default"), 1);
  EXPECT_EQ(violated_rule(ops[0]), "");
}

TEST(AtenImport, PlainMhaWithTwentyHeadsIsAcceptedByFia) {
  const OpCall fia = only_fia(device_ops(import_aten_stream(sdpa(20, 20, 128, 128))));
  EXPECT_EQ(fia.input("query_rope"), nullptr);
  EXPECT_EQ(fia.attrs.int_or("num_heads", 0), 20);
  EXPECT_EQ(fia.attrs.int_or("sparse_mode", -1), 3);  // causal over a square prefill
  EXPECT_EQ(violated_rule(fia), "");
}

TEST(AtenImport, AbsorbedMlaWithTwentyHeadsViolatesThePowerOfTwoRule) {
  const OpCall fia = only_fia(device_ops(import_aten_stream(sdpa(20, 1, 576, 512))));
  ASSERT_NE(fia.input("query_rope"), nullptr);
  EXPECT_EQ(fia.input("query")->shape, (Shape{1, 8, 20, 512}));
  EXPECT_EQ(fia.input("key_rope")->shape, (Shape{1, 8, 1, 64}));
  EXPECT_EQ(violated_rule(fia), "fia.mla.num_heads_power_of_two");
}

TEST(AtenImport, QueryTransposedFromBsndIsUsedInPlace) {
  // q = x.view(1, 8, 20, 128).transpose(1, 2): [1, 20, 8, 128] with BSND strides.
  const std::vector<int64_t> bsnd_strides = {8 * 20 * 128, 128, 20 * 128, 1};
  OpStream s = sdpa(20, 20, 128, 128);
  s.records.back().attrs.set("query.strides", bsnd_strides);
  const auto ops = device_ops(import_aten_stream(s));
  const OpCall& fia = only_fia(ops);
  EXPECT_EQ(fia.input("query")->buffer, 0);
  EXPECT_EQ(fia.input("query")->shape, (Shape{1, 8, 20, 128}));
  int transposes = 0;
  for (const auto& op : ops) transposes += op.op == "Transpose";
  EXPECT_EQ(transposes, 3);  // key and value in, the output back to SDPA's [B, N, S, D]
}

TEST(AtenImport, AbsorbedMlaWithThirtyTwoHeadsIsAccepted) {
  EXPECT_EQ(violated_rule(only_fia(device_ops(import_aten_stream(sdpa(32, 1, 576, 512))))), "");
}

}  // namespace
}  // namespace npusim::engine
