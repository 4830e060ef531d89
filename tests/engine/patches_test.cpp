// Each engine-core patch switched off changes what the engine emits or does, as
// DESIGN.md section 4 describes; switched back on it restores the fixed stream.
#include <gtest/gtest.h>

#include "engine_test_support.h"
#include "op_stream/failure.h"

namespace npusim::engine {
namespace {
using testing::decode_workload;
using testing::find_ops;
using testing::NpuLikeCapabilities;
using testing::record;
using testing::shipped;

PatchSet with_off(const std::string& id) {
  PatchSet p;
  p.set(id, false);
  return p;
}

Failure failure_of(const ModelConfig& config, const Workload& w, const PatchSet& patches,
                   const OpCapabilities& caps = NpuLikeCapabilities()) {
  try {
    record(config, w, patches, caps);
  } catch (const FailureError& e) {
    return e.failure();
  }
  ADD_FAILURE() << "run did not fail";
  return {};
}

TEST(PatchSet, AllOnByDefaultAndUnknownIdsRejected) {
  PatchSet p;
  for (const auto& info : PatchSet::catalog()) EXPECT_TRUE(p.on(info.id)) << info.id;
  try {
    p.set("sglang#21409", false);
    FAIL();
  } catch (const FailureError& e) {
    EXPECT_EQ(e.failure().kind, "input");
    EXPECT_NE(e.failure().message.find("did you mean 'sglang#21408'"), std::string::npos);
  }
  p.apply("sglang#22961=off");
  EXPECT_FALSE(p.on("sglang#22961"));
  EXPECT_THROW(p.apply("sglang#22961=maybe"), FailureError);
}

TEST(Patches, Sglang21408OffCallsFiaWithUnpaddedHeads) {
  const ModelConfig c = shipped("glm-4.7-flash");
  const auto fixed = record(c, decode_workload());
  const auto pre = record(c, decode_workload(), with_off("sglang#21408"));
  EXPECT_EQ(*find_ops(fixed.records, "FusedInferAttentionScore", "decode")[0]->attrs.get_int("num_heads"), 32);
  EXPECT_EQ(*find_ops(pre.records, "FusedInferAttentionScore", "decode")[0]->attrs.get_int("num_heads"), 20);
  EXPECT_EQ(find_ops(fixed.records, "Concat", "decode").size(), 2u * 47);
  EXPECT_TRUE(find_ops(pre.records, "Concat", "decode").empty());
  PatchSet restored = with_off("sglang#21408");
  restored.set("sglang#21408", true);
  EXPECT_EQ(record(c, decode_workload(), restored).records, fixed.records);
}

TEST(Patches, Sglang21408PadDtypeOffHardCodesBf16Padding) {
  const ModelConfig c = shipped("glm-4.7-flash");
  Workload w = decode_workload();
  w.dtype = "float16";
  const auto fixed = record(c, w);
  const auto pre = record(c, w, with_off("sglang#21408/pad-dtype"));
  const auto concat_fixed = find_ops(fixed.records, "Concat", "decode")[0];
  const auto concat_pre = find_ops(pre.records, "Concat", "decode")[0];
  EXPECT_EQ(concat_fixed->input("x1")->dtype, DType::f16);
  EXPECT_EQ(concat_pre->input("x0")->dtype, DType::f16);
  EXPECT_EQ(concat_pre->input("x1")->dtype, DType::bf16);
  // A bf16 model cannot tell the two apart.
  EXPECT_EQ(record(c, decode_workload(), with_off("sglang#21408/pad-dtype")).records,
            record(c, decode_workload()).records);
}

TEST(Patches, Sglang21408Rope2dOffFeedsA3dQuery) {
  const ModelConfig c = shipped("glm-4.7-flash");
  const auto fixed_run = record(c, decode_workload());
  const auto pre_run = record(c, decode_workload(), with_off("sglang#21408/rope-2d"));
  const auto fixed = find_ops(fixed_run.records, "RotaryEmbedding", "decode")[0];
  const auto pre = find_ops(pre_run.records, "RotaryEmbedding", "decode")[0];
  EXPECT_EQ(fixed->input("query")->shape, (Shape{1, 20 * 64}));
  EXPECT_EQ(pre->input("query")->shape, (Shape{1, 20, 64}));
}

TEST(Patches, Sglang22961OffFailsGlm45vAtDecodeOnly) {
  const ModelConfig c = shipped("glm-4.5v");
  const Failure f = failure_of(c, decode_workload(), with_off("sglang#22961"));
  EXPECT_EQ(f.kind, "attribute");
  EXPECT_EQ(f.op, "model.layers.0.self_attn");
  EXPECT_EQ(f.parameter, "q_norm");
  // A prefill-only run takes the unfused path and misses the bug.
  Workload prefill = decode_workload();
  prefill.phase = "prefill";
  EXPECT_NO_THROW(record(c, prefill, with_off("sglang#22961")));
  // A model with QK-norm emits the same stream either way.
  const ModelConfig glm47 = shipped("glm-4.7");
  EXPECT_EQ(record(glm47, decode_workload(1, 8), with_off("sglang#22961")).records,
            record(glm47, decode_workload(1, 8)).records);
}

TEST(Patches, Sglang22961FixPassesNoneAndTheKernelSkipsTheNorm) {
  const auto run = record(shipped("glm-4.5v"), decode_workload());
  const auto fused = find_ops(run.records, "SplitQkvRmsnormRope", "decode");
  ASSERT_FALSE(fused.empty());
  EXPECT_TRUE(fused[0]->attrs.is_null("eps"));
  for (const char* slot : {"q_weight", "k_weight", "q_bias", "k_bias"}) {
    EXPECT_TRUE(fused[0]->has_input_slot(slot)) << slot;
    EXPECT_EQ(fused[0]->input(slot), nullptr) << slot;
  }
}

TEST(Patches, Sglang22509OffImportsTheCudaRouterKernelOnNpu) {
  const ModelConfig c = shipped("glm-4.7-flash");
  const Failure f = failure_of(c, decode_workload(), with_off("sglang#22509"));
  EXPECT_EQ(f.kind, "import");
  EXPECT_EQ(f.op, "sgl_kernel");
  EXPECT_EQ(f.parameter, "dsv3_router_gemm");
  EXPECT_EQ(f.value, "npu");
  EXPECT_NO_THROW(record(c, decode_workload(), with_off("sglang#22509"), NpuLikeCapabilities("cuda")));
  EXPECT_NO_THROW(record(c, decode_workload()));
}

TEST(Patches, Sglang22509Gfx95AttrOffReadsARocmOnlyAttribute) {
  const ModelConfig c = shipped("glm-4.7-flash");
  const Failure f = failure_of(c, decode_workload(), with_off("sglang#22509/gfx95-attr"));
  EXPECT_EQ(f.kind, "attribute");
  EXPECT_EQ(f.parameter, "_gfx95_quant_format");
  EXPECT_EQ(f.op, "model.layers.0.self_attn");
  EXPECT_NO_THROW(record(c, decode_workload(), with_off("sglang#22509/gfx95-attr"), NpuLikeCapabilities("rocm")));
}

}  // namespace
}  // namespace npusim::engine
