// Heads per rank under tensor parallelism, and the MLA padding decision taken
// from the FIA constraint a real device declares (not from a list in the engine).
#include <gtest/gtest.h>

#include "device_model/config/device_config.h"
#include "device_model/runtime/device.h"
#include "engine/rank_dims.h"
#include "engine_test_support.h"
#include "op_stream/failure.h"

namespace npusim::engine {
namespace {
using testing::decode_workload;
using testing::find_ops;
using testing::record;
using testing::shipped;

device::Device timing_device(const std::vector<std::string>& overrides = {}) {
  return device::Device(device::DeviceConfig::load("ascend910b", overrides), false);
}

int64_t decode_fia_heads(const std::string& model, int64_t tp, const OpCapabilities& caps) {
  const auto rec = record(shipped(model), decode_workload(1, tp), PatchSet(), caps);
  const auto fia = find_ops(rec.records, "FusedInferAttentionScore", "decode");
  EXPECT_FALSE(fia.empty());
  return fia.empty() ? -1 : *fia[0]->attrs.get_int("num_heads");
}

TEST(TensorParallel, Glm47HeadsPerRank) {
  const RankDims d = rank_dims(shipped("glm-4.7"), 8);
  EXPECT_EQ(d.q_heads, 12);
  EXPECT_EQ(d.kv_heads, 1);
  EXPECT_EQ(d.moe_intermediate, 1536 / 8);
  const auto dev = timing_device();
  EXPECT_EQ(decode_fia_heads("glm-4.7", 8, dev), 12);  // GQA: the MLA rule does not apply, no padding
}

TEST(TensorParallel, KvHeadsReplicatedBeyondTheirCount) {
  EXPECT_EQ(rank_dims(shipped("qwen3-8b"), 16).kv_heads, 1);
  EXPECT_EQ(rank_dims(shipped("qwen3-8b"), 4).kv_heads, 2);
}

TEST(TensorParallel, TpThatDoesNotDivideHeadsIsAnInputError) {
  try {
    rank_dims(shipped("glm-4.7-flash"), 3);
    FAIL() << "tp 3 accepted for 20 heads";
  } catch (const FailureError& e) {
    EXPECT_EQ(e.failure().kind, "input");
    EXPECT_EQ(e.failure().parameter, "tp");
  }
}

TEST(TensorParallel, MlaPaddingFollowsTheDevicesDeclaredRule) {
  const auto dev = timing_device();
  // FACTS.md: 20 -> 32 at tp1, 10 -> 16 at tp2, 5 -> 8 at tp4.
  EXPECT_EQ(decode_fia_heads("glm-4.7-flash", 1, dev), 32);
  EXPECT_EQ(decode_fia_heads("glm-4.7-flash", 2, dev), 16);
  EXPECT_EQ(decode_fia_heads("glm-4.7-flash", 4, dev), 8);
}

TEST(TensorParallel, NoPaddingWhenTheDeviceRuleIsDisabled) {
  const auto dev = timing_device({"constraints.fia.mla.num_heads_power_of_two.enabled=false"});
  EXPECT_EQ(decode_fia_heads("glm-4.7-flash", 1, dev), 20);
  const auto rec = record(shipped("glm-4.7-flash"), decode_workload(1), PatchSet(), dev);
  EXPECT_TRUE(find_ops(rec.records, "Concat", "decode").empty());
}

TEST(TensorParallel, PaddingFollowsAReplacedAllowedList) {
  const auto dev = timing_device({"constraints.fia.mla.num_heads_power_of_two.one_of=[24,48]"});
  EXPECT_EQ(decode_fia_heads("glm-4.7-flash", 1, dev), 24);
}

}  // namespace
}  // namespace npusim::engine
