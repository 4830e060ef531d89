// The engine's streams executed by a real device: full-size seed models in
// timing mode run end to end, and each pre-fix path fails where the device's
// declared rules say it must (the engine itself inserts no failure).
#include <gtest/gtest.h>

#include "device_model/config/device_config.h"
#include "device_model/runtime/device.h"
#include "engine/engine.h"
#include "op_stream/failure.h"

namespace npusim::engine {
namespace {

device::Device make_device(bool functional, const std::vector<std::string>& overrides = {}) {
  return device::Device(device::DeviceConfig::load("ascend910b", overrides), functional);
}

Workload workload(int64_t tp = 1) {
  Workload w;
  w.phase = "decode";
  w.batch = 2;
  w.prompt_len = 16;
  w.decode_steps = 2;
  w.tp = tp;
  return w;
}

PatchSet with_off(const std::string& id) {
  PatchSet p;
  p.set(id, false);
  return p;
}

Failure run_failure(const ModelConfig& config, const Workload& w, const PatchSet& patches) {
  auto dev = make_device(true);
  try {
    run_engine(config, w, patches, dev);
  } catch (const FailureError& e) {
    return e.failure();
  }
  ADD_FAILURE() << "run did not fail";
  return {};
}

TEST(DeviceEndToEnd, FullSizeSeedModelsRunInTimingMode) {
  struct Case {
    std::string model;
    int64_t tp;
    std::string quantization;
  };
  for (const Case& c : {Case{"qwen3-8b", 1, "none"}, Case{"glm-4.7-flash", 1, "none"}, Case{"glm-4.5v", 4, "none"},
                        Case{"glm-4.7", 16, "w8a8"}}) {
    auto dev = make_device(false);
    Workload w = workload(c.tp);
    w.quantization = c.quantization;
    const EngineResult r = run_engine(load_model(c.model), w, PatchSet(), dev);
    EXPECT_EQ(r.steps.size(), 3u) << c.model;
    EXPECT_EQ(static_cast<int64_t>(dev.records().size()), r.steps.back().records_end) << c.model;
    std::printf("%s tp%lld %s: %zu records, device memory peak %.1f GiB\n", c.model.c_str(),
                static_cast<long long>(c.tp), c.quantization.c_str(), dev.records().size(),
                static_cast<double>(dev.memory_peak_bytes()) / (1 << 30));
  }
}

// 355B parameters do not fit eight 64 GiB ranks with unquantized routed experts
// (w8a8 here quantizes the linear layers, not the experts): a simulated OOM.
TEST(DeviceEndToEnd, Glm47AtTp8RunsOutOfDeviceMemory) {
  auto dev = make_device(false);
  Workload w = workload(8);
  w.quantization = "w8a8";
  try {
    run_engine(load_model("glm-4.7"), w, PatchSet(), dev);
    FAIL() << "GLM-4.7 fitted on 8 ranks";
  } catch (const FailureError& e) {
    EXPECT_EQ(e.failure().kind, "oom");
    EXPECT_NE(e.failure().message.find("experts.w13_weight"), std::string::npos);
  }
}

TEST(DeviceEndToEnd, Sglang21408OffIsRejectedByTheFiaHeadRule) {
  const ModelConfig tiny = tiny_variant(load_model("glm-4.7-flash"));
  const Failure f = run_failure(tiny, workload(), with_off("sglang#21408"));
  EXPECT_EQ(f.kind, "constraint");
  EXPECT_EQ(f.op, "FusedInferAttentionScore");
  EXPECT_EQ(f.rule, "fia.mla.num_heads_power_of_two");
  EXPECT_EQ(f.value, "20");
}

TEST(DeviceEndToEnd, Sglang21408PadDtypeOffIsRejectedWithAnFp16Model) {
  const ModelConfig tiny = tiny_variant(load_model("glm-4.7-flash"));
  Workload w = workload();
  w.dtype = "float16";
  const Failure f = run_failure(tiny, w, with_off("sglang#21408/pad-dtype"));
  EXPECT_EQ(f.kind, "constraint");
  EXPECT_EQ(f.op, "Concat");
  auto dev = make_device(true);
  EXPECT_NO_THROW(run_engine(tiny, w, PatchSet(), dev));
}

TEST(DeviceEndToEnd, Sglang21408Rope2dOffIsRejectedByTheRotaryRankRule) {
  const Failure f = run_failure(tiny_variant(load_model("glm-4.7-flash")), workload(), with_off("sglang#21408/rope-2d"));
  EXPECT_EQ(f.kind, "constraint");
  EXPECT_EQ(f.op, "RotaryEmbedding");
}

}  // namespace
}  // namespace npusim::engine
