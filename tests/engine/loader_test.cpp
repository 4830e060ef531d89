// Loading a synthetic checkpoint: a correct one loads, a missing or mismatched
// tensor fails with the tensor's name.
#include <gtest/gtest.h>

#include "engine/emitter.h"
#include "engine/rank_dims.h"
#include "engine/weights/loader.h"
#include "engine_test_support.h"
#include "op_stream/failure.h"

namespace npusim::engine {
namespace {
using testing::NpuLikeCapabilities;
using testing::shipped;

std::vector<ParamSpec> specs(const std::string& quant) {
  const ModelConfig c = tiny_variant(shipped("qwen3-8b"));
  return model_parameter_specs(c, rank_dims(c, 1), QuantConfig::parse(quant), DType::bf16).specs();
}

Failure load_failure(const std::vector<ParamSpec>& expected, const Checkpoint& checkpoint) {
  NpuLikeCapabilities caps;
  RecordingSink sink(caps);
  Emitter em(sink);
  try {
    load_parameters(em, expected, checkpoint);
  } catch (const FailureError& e) {
    EXPECT_TRUE(sink.records().empty());  // nothing is allocated before the checkpoint is validated
    return e.failure();
  }
  ADD_FAILURE() << "loading did not fail";
  return {};
}

TEST(Loader, W8a8CheckpointLoadsWithInt8WeightsAndScales) {
  const auto expected = specs("w8a8");
  NpuLikeCapabilities caps;
  RecordingSink sink(caps);
  Emitter em(sink);
  const LoadedParams params = load_parameters(em, expected, make_synthetic_checkpoint(expected, 1));
  const TensorRef& w = params.at("model.layers.0.self_attn.qkv_proj.weight");
  EXPECT_EQ(w.dtype, DType::i8);
  EXPECT_EQ(params.at("model.layers.0.self_attn.qkv_proj.weight_scale").shape, (Shape{w.shape[0]}));
  EXPECT_EQ(params.at("model.layers.0.self_attn.qkv_proj.weight_scale").dtype, DType::f32);
  EXPECT_EQ(params.at("model.embed_tokens.weight").dtype, DType::bf16);  // not quantized
  EXPECT_EQ(sink.records().size(), 2 * expected.size());                 // alloc + fill each
  EXPECT_EQ(sink.records()[1].kind, RecordKind::fill);
}

TEST(Loader, MissingScaleTensorFailsNamingIt) {
  const auto expected = specs("w8a8");
  Checkpoint checkpoint = make_synthetic_checkpoint(expected, 1);
  checkpoint.tensors.erase("model.layers.1.mlp.down_proj.weight_scale");
  const Failure f = load_failure(expected, checkpoint);
  EXPECT_EQ(f.kind, "load");
  EXPECT_EQ(f.parameter, "model.layers.1.mlp.down_proj.weight_scale");
}

TEST(Loader, UnquantizedCheckpointUnderW8a8ConfigFailsOnTheFirstMissingScale) {
  const Failure f = load_failure(specs("w8a8"), make_synthetic_checkpoint(specs("none"), 1));
  EXPECT_EQ(f.kind, "load");
  EXPECT_EQ(f.parameter, "model.layers.0.self_attn.qkv_proj.weight_scale");
}

TEST(Loader, ShapeMismatchFailsNamingTheTensor) {
  const auto expected = specs("none");
  Checkpoint checkpoint = make_synthetic_checkpoint(expected, 1);
  checkpoint.tensors["model.norm.weight"].shape = {32};
  const Failure f = load_failure(expected, checkpoint);
  EXPECT_EQ(f.parameter, "model.norm.weight");
  EXPECT_EQ(f.value, "[32]");
}

TEST(Loader, W8a8RunEmitsDynamicQuantAndQuantMatMul) {
  Workload w = testing::decode_workload();
  w.quantization = "w8a8";
  const auto rec = testing::record(shipped("qwen3-8b"), w);
  // Per layer: qkv, o_proj, gate_up, down are quantized (4 each); the LM head is not.
  EXPECT_EQ(testing::find_ops(rec.records, "QuantMatMul", "decode").size(), 36u * 4);
  EXPECT_EQ(testing::find_ops(rec.records, "DynamicQuant", "decode").size(), 36u * 4);
  EXPECT_EQ(testing::find_ops(rec.records, "MatMul", "decode").size(), 1u);
}

TEST(Loader, SeedsDependOnNameAndRunSeedOnly) {
  const auto a = make_synthetic_checkpoint(specs("none"), 5);
  const auto b = make_synthetic_checkpoint(specs("none"), 5);
  const auto c = make_synthetic_checkpoint(specs("none"), 6);
  EXPECT_EQ(a.tensors.at("model.norm.weight").seed, b.tensors.at("model.norm.weight").seed);
  EXPECT_NE(a.tensors.at("lm_head.weight").seed, c.tensors.at("lm_head.weight").seed);
  EXPECT_NE(a.tensors.at("lm_head.weight").seed, a.tensors.at("model.embed_tokens.weight").seed);
  EXPECT_EQ(a.values("lm_head.weight"), b.values("lm_head.weight"));
}

}  // namespace
}  // namespace npusim::engine
