// Op counts per layer, shapes and matmul FLOPs of the emitted streams, against
// values computed by hand from each config.
#include <gtest/gtest.h>

#include <chrono>

#include "device_model/config/device_config.h"
#include "device_model/ops/op_library.h"
#include "device_model/runtime/device.h"
#include "engine_test_support.h"

namespace npusim::engine {
namespace {
using testing::decode_workload;
using testing::find_ops;
using testing::layer_ops;
using testing::matmul_flops;
using testing::op_names;
using testing::record;
using testing::shipped;

using Names = std::vector<std::string>;

TEST(OpStreamShapes, Qwen3DecodeLayerOpByOp) {
  const auto rec = record(shipped("qwen3-8b"), decode_workload(2));
  const auto ops = layer_ops(rec.records, 5, "decode");
  // AddRmsNorm, qkv MatMul, split q/k/v, QK-norm q/k, rope, cache, FIA, o_proj, AddRmsNorm, MLP.
  EXPECT_EQ(op_names(ops), (Names{"AddRmsNorm", "MatMul", "Slice", "Slice", "Slice", "RmsNorm", "RmsNorm",
                                  "RotaryEmbedding", "ReshapeAndCache", "FusedInferAttentionScore", "MatMul",
                                  "AddRmsNorm", "MatMul", "Elementwise", "MatMul"}));
  // Hand-computed from the config: B=2, H=4096, 32 q heads + 2*8 kv heads of 128, I=12288.
  EXPECT_EQ(ops[1]->input("weight")->shape, (Shape{(32 + 16) * 128, 4096}));
  EXPECT_EQ(ops[1]->output("y")->shape, (Shape{2, 6144}));
  EXPECT_EQ(ops[5]->input("x")->shape, (Shape{2, 32, 128}));
  EXPECT_EQ(ops[6]->input("x")->shape, (Shape{2, 8, 128}));
  EXPECT_EQ(ops[7]->input("query")->shape, (Shape{2, 32 * 128}));
  EXPECT_EQ(ops[7]->attrs.get_int("rotary_dim"), 128);
  const OpCall& fia = *ops[9];
  EXPECT_EQ(fia.input("query")->shape, (Shape{2, 1, 32, 128}));
  EXPECT_EQ(fia.attrs.get_string("input_layout"), "BSND");
  EXPECT_EQ(fia.attrs.get_int("num_heads"), 32);
  EXPECT_EQ(fia.attrs.get_int("num_key_value_heads"), 8);
  EXPECT_EQ(fia.attrs.get_int("sparse_mode"), 0);
  EXPECT_EQ(fia.attrs.get_ints("actual_seq_lengths_kv"), (std::vector<int64_t>{9, 9}));
  // 2 sequences x 1 block of 128 tokens, plus the graph runner's padding block.
  EXPECT_EQ(fia.input("key")->shape, (Shape{2 + 1, 128, 8 * 128}));
  EXPECT_EQ(ops[12]->input("weight")->shape, (Shape{2 * 12288, 4096}));
  EXPECT_EQ(ops[14]->input("weight")->shape, (Shape{4096, 12288}));
  double flops = 0;
  for (const auto* op : ops)
    if (op->op == "MatMul") flops += matmul_flops(*op);
  EXPECT_DOUBLE_EQ(flops, 2.0 * 2 * 4096 * (6144 + 4096 + 2 * 12288 + 12288));
}

// The device's cost model sees the same useful work: its FLOPs for the layer's
// linear layers equal the hand-computed 2*B*H*(qkv + o + gate_up + down).
TEST(OpStreamShapes, Qwen3DecodeLayerFlopsAsTheDeviceCountsThem) {
  const device::Device dev(device::DeviceConfig::load("ascend910b"), false);
  const auto rec = record(shipped("qwen3-8b"), decode_workload(2), PatchSet(), dev);
  double flops = 0;
  for (const auto* op : layer_ops(rec.records, 7, "decode"))
    if (op->op == "MatMul") flops += dev.library().find("MatMul")->work(*op, dev.spec()).flops;
  EXPECT_DOUBLE_EQ(flops, 2.0 * 2 * 4096 * ((32 + 16) * 128 + 32 * 128 + 2 * 12288 + 12288));
}

TEST(OpStreamShapes, Qwen3PrefillTakesTndCausal) {
  auto w = decode_workload(2);
  w.phase = "prefill";
  const auto rec = record(shipped("qwen3-8b"), w);
  const auto fia = find_ops(rec.records, "FusedInferAttentionScore", "prefill");
  ASSERT_EQ(fia.size(), 36u);
  EXPECT_EQ(fia[0]->input("query")->shape, (Shape{16, 32, 128}));
  EXPECT_EQ(fia[0]->attrs.get_string("input_layout"), "TND");
  EXPECT_EQ(fia[0]->attrs.get_int("sparse_mode"), 3);
  EXPECT_EQ(fia[0]->attrs.get_ints("actual_seq_lengths"), (std::vector<int64_t>{8, 16}));
  EXPECT_EQ(fia[0]->input("atten_mask")->shape, (Shape{2048, 2048}));
  // Only the last token of each sequence reaches the LM head.
  const auto head = find_ops(rec.records, "MatMul", "prefill").back();
  EXPECT_EQ(head->input("x")->shape, (Shape{2, 4096}));
  EXPECT_EQ(head->input("weight")->shape, (Shape{151936, 4096}));
  EXPECT_TRUE(find_ops(rec.records, "MatMul", "decode").empty());
}

TEST(OpStreamShapes, Glm47FlashMlaDecodeLayer) {
  const auto rec = record(shipped("glm-4.7-flash"), decode_workload(1));
  const auto ops = layer_ops(rec.records, 3, "decode");
  EXPECT_EQ(op_names(ops),
            (Names{"AddRmsNorm", "MatMul", "RmsNorm", "MatMul", "Slice", "Slice", "MatMul", "Slice", "RmsNorm",
                   "Slice", "RotaryEmbedding", "ReshapeAndCache", "Transpose", "BatchMatMul", "Transpose", "Concat",
                   "Concat", "FusedInferAttentionScore", "Slice", "Transpose", "BatchMatMul", "Transpose", "MatMul",
                   "AddRmsNorm", "MatMul", "MoeGatingTopK", "MoeInitRouting", "GroupedMatMul", "Elementwise",
                   "GroupedMatMul", "MatMul", "Elementwise", "MatMul", "MoeFinalizeRouting"}));
  // q_a 2048->768, q_b 768->20*(192+64), kv_a 2048->512+64 (from the config).
  EXPECT_EQ(ops[1]->input("weight")->shape, (Shape{768, 2048}));
  EXPECT_EQ(ops[3]->input("weight")->shape, (Shape{20 * 256, 768}));
  EXPECT_EQ(ops[6]->input("weight")->shape, (Shape{576, 2048}));
  EXPECT_EQ(ops[10]->input("query")->shape, (Shape{1, 20 * 64}));
  EXPECT_EQ(ops[13]->input("b")->shape, (Shape{20, 192, 512}));  // w_kc
  const OpCall& fia = *ops[17];
  EXPECT_EQ(fia.input("query")->shape, (Shape{1, 1, 32, 512}));
  EXPECT_EQ(fia.input("query_rope")->shape, (Shape{1, 1, 32, 64}));
  EXPECT_EQ(fia.attrs.get_int("num_heads"), 32);
  EXPECT_EQ(fia.attrs.get_int("num_key_value_heads"), 1);
  EXPECT_EQ(ops[18]->output("y")->shape, (Shape{1, 1, 20, 512}));
  EXPECT_EQ(ops[20]->input("b")->shape, (Shape{20, 512, 256}));  // w_vc
  EXPECT_EQ(ops[22]->input("weight")->shape, (Shape{2048, 20 * 256}));
  // MoE: 64 experts top-4 of width 1536, one shared expert.
  EXPECT_EQ(ops[24]->input("weight")->shape, (Shape{64, 2048}));
  EXPECT_EQ(ops[25]->attrs.get_int("k"), 4);
  EXPECT_EQ(ops[25]->attrs.get_string("scoring"), "sigmoid");
  EXPECT_DOUBLE_EQ(*ops[25]->attrs.get_double("routed_scaling_factor"), 1.8);
  EXPECT_EQ(ops[27]->input("x")->shape, (Shape{4, 2048}));
  EXPECT_EQ(ops[27]->input("weight")->shape, (Shape{64, 2 * 1536, 2048}));
  EXPECT_EQ(ops[29]->input("weight")->shape, (Shape{64, 2048, 1536}));
  EXPECT_EQ(ops[30]->input("weight")->shape, (Shape{2 * 1536, 2048}));
}

TEST(OpStreamShapes, OpCountsPerLayerFollowDenseAndMoeLayers) {
  struct Case {
    std::string model;
    size_t dense_ops, moe_ops;
  };
  // Layer 0 has RmsNorm where later layers have AddRmsNorm: same count.
  // glm4 GQA decode: norm, qkv, fused split/norm/rope, cache, FIA, o_proj, norm = 7;
  // MLA decode: 24 up to the post-attention norm (see Glm47FlashMlaDecodeLayer).
  // Dense MLP: gate_up, silu_mul, down = 3. MoE: router, gating, init routing,
  // 2 grouped matmuls + silu_mul, shared expert 3, finalize = 10.
  for (const Case& c : {Case{"glm-4.7", 7 + 3, 7 + 10}, Case{"glm-4.5v", 7 + 3, 7 + 10},
                        Case{"glm-4.7-flash", 24 + 3, 24 + 10}}) {
    const ModelConfig config = shipped(c.model);
    const auto rec = record(config, decode_workload(1, c.model == "glm-4.7" ? 8 : 1));
    for (int layer = 0; layer < config.num_hidden_layers; ++layer)
      EXPECT_EQ(layer_ops(rec.records, layer, "decode").size(), config.is_moe_layer(layer) ? c.moe_ops : c.dense_ops)
          << c.model << " layer " << layer;
  }
}

TEST(OpStreamShapes, Glm45vDecodeUsesFusedSplitWithoutNorm) {
  const auto rec = record(shipped("glm-4.5v"), decode_workload(1));
  const auto fused = find_ops(rec.records, "SplitQkvRmsnormRope", "decode");
  ASSERT_EQ(fused.size(), 46u);
  EXPECT_TRUE(fused[0]->attrs.is_null("eps"));
  EXPECT_TRUE(fused[0]->has_input_slot("q_weight"));
  EXPECT_EQ(fused[0]->input("q_weight"), nullptr);
  EXPECT_EQ(fused[0]->attrs.get_int("rotary_dim"), 64);
  EXPECT_EQ(fused[0]->input("input")->shape, (Shape{1, (96 + 16) * 128}));
  // Prefill takes the unfused path.
  EXPECT_TRUE(find_ops(rec.records, "SplitQkvRmsnormRope", "prefill").empty());
  EXPECT_EQ(find_ops(rec.records, "RotaryEmbedding", "prefill").size(), 46u);
  // Attention bias on qkv_proj.
  EXPECT_NE(find_ops(rec.records, "MatMul", "decode")[0]->input("bias"), nullptr);
}

TEST(OpStreamShapes, Glm47FullSizeDecodeStreamIsFastToGenerate) {
  auto w = decode_workload(8, 8);
  w.decode_steps = 4;
  w.use_graph = true;
  const auto start = std::chrono::steady_clock::now();
  const auto rec = record(shipped("glm-4.7"), w);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  RecordProperty("records", static_cast<int>(rec.records.size()));
  RecordProperty("generate_ms", static_cast<int>(ms));
  std::printf("GLM-4.7 92 layers, tp8, batch 8, prefill + 4 graph decode steps: %zu records in %.1f ms\n",
              rec.records.size(), ms);
  EXPECT_LT(ms, 2000.0);
  EXPECT_EQ(rec.result.steps.size(), 5u);
  EXPECT_EQ(rec.result.tokens[0].size(), 5u);
}

}  // namespace
}  // namespace npusim::engine
