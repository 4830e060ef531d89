// NextN/MTP for GLM-4.7 on the simulated NPU (sglang#25524): the draft layer's
// own quantization decides whether loading finds its tensors; the fixed draft
// decodes losslessly; the environment override around the draft forward leaks
// into the next request only without the scoped guard.
#include <gtest/gtest.h>

#include "device_model/runtime/fault_injecting_sink.h"

#include "engine/spec/nextn_draft.h"
#include "engine/spec/nextn_runner.h"
#include "op_stream/failure.h"
#include "tests/engine/spec_test_support.h"

namespace npusim::engine::spec {
namespace {

using testing::make_device;

ModelConfig glm47_tiny() { return tiny_variant(load_model("glm-4.7")); }

Workload nextn_workload(const std::string& method) {
  Workload w;
  w.batch = 1;
  w.prompt_len = 8;
  w.decode_steps = 12;
  w.seed = 5;
  w.use_graph = false;
  w.quantization = "w8a8";
  w.spec.method = method;
  w.spec.num_steps = 2;
  return w;
}

PatchSet without(const std::string& id) {
  PatchSet patches;
  patches.set(id, false);
  return patches;
}

TEST(SpecNextnQuant, NpuWithoutDraftQuantizationLoadsTheDraftUnquantized) {
  const QuantConfig w8a8{"w8a8"};
  EXPECT_EQ(nextn_draft_quant(w8a8, "", "npu", PatchSet{}).method, "none");
  EXPECT_EQ(nextn_draft_quant(w8a8, "", "npu", without("sglang#25524")).method, "w8a8");
  EXPECT_EQ(nextn_draft_quant(w8a8, "", "cuda", PatchSet{}).method, "w8a8");
  EXPECT_EQ(nextn_draft_quant(w8a8, "w8a8", "npu", PatchSet{}).method, "w8a8");
}

TEST(SpecNextn, DraftInheritingTheTargetsW8a8FailsLoadingNamingTheMissingTensor) {
  const ModelConfig config = glm47_tiny();
  auto device = make_device(true);
  try {
    run_nextn(config, nextn_workload("nextn"), without("sglang#25524"), device);
    FAIL() << "expected the NextN draft load to fail";
  } catch (const FailureError& error) {
    const std::string prefix = "model.layers." + std::to_string(config.num_hidden_layers) + ".";
    EXPECT_EQ(error.failure().kind, "load");
    EXPECT_EQ(error.failure().parameter.rfind(prefix, 0), 0u) << error.failure().parameter;
    EXPECT_NE(error.failure().parameter.find("weight_scale"), std::string::npos)
        << error.failure().parameter;
  }
}

TEST(SpecNextn, FixedDraftLoadsUnquantizedAndDecodesLikeGreedy) {
  const ModelConfig config = glm47_tiny();
  auto plain_device = make_device(true);
  const EngineResult plain = run_nextn(config, nextn_workload("none"), PatchSet{}, plain_device);
  auto spec_device = make_device(true);
  const EngineResult spec = run_nextn(config, nextn_workload("nextn"), PatchSet{}, spec_device);
  EXPECT_EQ(spec.tokens, plain.tokens);
  EXPECT_GT(spec.spec.verify_steps, 0);
  // The seeded NextN layer is not fitted to the target: its acceptance is
  // reported, not asserted (the DFlash tests measure a fitted draft).
  ::testing::Test::RecordProperty("acceptance_length", std::to_string(spec.spec.mean_acceptance_length));
}

// Timing replays the functional run's lengths in the order it recorded them:
// both sequences for four steps (sequence 0 takes the whole 3-token block and
// is done), then sequence 1 alone, which waits for nothing but its own tokens.
TEST(SpecNextn, FinishedSequenceWaitsUncountedAndTimingReplaysInRecordedOrder) {
  Workload w = nextn_workload("nextn");
  w.batch = 2;  // 12 tokens each after the prefill's first
  w.spec.accepted_per_step = {3, 1, 3, 1, 3, 1, 3, 1};
  w.spec.accepted_per_step.insert(w.spec.accepted_per_step.end(), 8, 1);
  auto device = make_device(false);
  const EngineResult result = run_nextn(glm47_tiny(), w, PatchSet{}, device);
  EXPECT_EQ(result.spec.verify_steps, 12);
  EXPECT_EQ(result.spec.acceptance_lengths.size(), 16u);
  ASSERT_EQ(result.tokens.size(), 2u);
  EXPECT_EQ(result.tokens[0].size(), 13u);
  EXPECT_EQ(result.tokens[1].size(), 13u);
}

Workload faulty_two_requests() {
  Workload w = nextn_workload("nextn");
  w.decode_steps = 4;
  w.spec.requests = 2;
  return w;
}

// The device fails the first op of request 0's draft forward.
EngineResult run_with_draft_fault(const PatchSet& patches) {
  auto device = make_device(true);
  device::FaultInjectingSink faulty(device, {{"draft", "", 1, "test"}});
  return run_nextn(glm47_tiny(), faulty_two_requests(), patches, faulty);
}

TEST(SpecNextn, UnscopedOverrideLeaksIntoTheNextRequestAfterADraftFault) {
  const EngineResult result = run_with_draft_fault(without("sglang#25524/scoped-override"));
  ASSERT_EQ(result.spec.failed_requests.size(), 1u);
  ASSERT_EQ(result.spec.leaked_env.size(), 1u);
  EXPECT_NE(result.spec.leaked_env[0].find("request 1"), std::string::npos);
  EXPECT_NE(result.spec.leaked_env[0].find("SGLANG_DEEPEP_BF16_DISPATCH=1"), std::string::npos);
}

TEST(SpecNextn, ScopedOverrideLeavesNothingBehindAfterADraftFault) {
  const EngineResult result = run_with_draft_fault(PatchSet{});
  ASSERT_EQ(result.spec.failed_requests.size(), 1u);
  EXPECT_TRUE(result.spec.leaked_env.empty());
  EXPECT_EQ(result.tokens.size(), 1u);  // request 1 completed
}

}  // namespace
}  // namespace npusim::engine::spec
