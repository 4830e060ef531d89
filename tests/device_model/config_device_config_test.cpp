// DeviceConfig: presets, typed overrides, and errors that say what to fix.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <functional>

#include "device_model/config/device_config.h"
#include "device_model/config/hardware_spec.h"
#include "device_model/ops/op_library.h"
#include "device_model/timing/timing_params.h"
#include "op_stream/failure.h"

namespace npusim::device {
namespace {
using ::testing::HasSubstr;

Failure failure_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const FailureError& e) {
    return e.failure();
  }
  ADD_FAILURE() << "expected a FailureError";
  return {};
}

// Every reader of preset keys, as a run uses them.
void read_everything(const DeviceConfig& config) {
  HardwareSpec::from_config(config);
  TimingParams::from_config(config);
  OpLibrary library(config);
}

std::string write_temp_preset(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name + ".yaml";
  std::ofstream(path) << text;
  return path;
}

std::string preset_text(const std::string& preset) {
  std::ifstream in(DeviceConfig::preset_dir() + "/" + preset + ".yaml");
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(DeviceConfig, LoadsPresetFiguresWithUnitsInKeys) {
  const DeviceConfig config = DeviceConfig::load("ascend910b");
  EXPECT_EQ(config.name(), "ascend910b");
  EXPECT_EQ(config.text("platform"), "npu");
  EXPECT_EQ(config.number("cores.cube_count"), 24);
  EXPECT_EQ(config.number("cores.vector_count"), 48);
  const HardwareSpec spec = HardwareSpec::from_config(config);
  // 24 x 4096 MAC x 2 x 1.8 GHz = 353.9 TFLOPS (FACTS.md, derived)
  EXPECT_NEAR(spec.peak_cube_flops(DType::bf16), 353.9e12, 0.1e12);
  EXPECT_NEAR(spec.peak_cube_flops(DType::i8), 2 * 353.9e12, 0.2e12);
}

TEST(DeviceConfig, CudaPresetPresentsCudaPlatformAtDatasheetPeak) {
  const HardwareSpec spec = HardwareSpec::from_config(DeviceConfig::load("h100_sxm"));
  EXPECT_EQ(spec.platform, "cuda");
  EXPECT_NEAR(spec.peak_cube_flops(DType::bf16), 989e12, 2e12);
  EXPECT_EQ(spec.hbm_bandwidth_GBps, 3350);
}

TEST(DeviceConfig, OverrideChangesValueTypedByExistingValue) {
  DeviceConfig config = DeviceConfig::load("ascend910b", {"memory.hbm_bandwidth_GBps=1200", "platform=cuda"});
  EXPECT_EQ(config.number("memory.hbm_bandwidth_GBps"), 1200);
  EXPECT_EQ(config.text("platform"), "cuda");
  config.set("cores.clock_GHz", "2.0");
  EXPECT_EQ(HardwareSpec::from_config(config).clock_GHz, 2.0);
}

TEST(DeviceConfig, UnknownKeyErrorsWithDidYouMeanAndPresetFile) {
  const Failure f = failure_of([] { DeviceConfig::load("ascend910b", {"memory.hbm_bandwith_GBps=1"}); });
  EXPECT_EQ(f.kind, "config");
  EXPECT_EQ(f.parameter, "memory.hbm_bandwith_GBps");
  EXPECT_THAT(f.message, HasSubstr("did you mean 'memory.hbm_bandwidth_GBps'"));
  EXPECT_THAT(f.where, HasSubstr("ascend910b.yaml"));
}

TEST(DeviceConfig, WrongTypeErrorNamesKeyValueAndExpectedType) {
  const Failure f = failure_of([] { DeviceConfig::load("ascend910b", {"cores.cube_count=many"}); });
  EXPECT_EQ(f.kind, "config");
  EXPECT_EQ(f.parameter, "cores.cube_count");
  EXPECT_EQ(f.value, "many");
  EXPECT_THAT(f.message, HasSubstr("expected a number"));
  EXPECT_THAT(f.where, HasSubstr("ascend910b.yaml:"));  // FILE:LINE of the key
}

TEST(DeviceConfig, OverrideWithoutEqualsSignIsRejected) {
  EXPECT_EQ(failure_of([] { DeviceConfig::load("ascend910b", {"memory.hbm_bytes"}); }).kind, "config");
}

TEST(DeviceConfig, UnknownPresetSuggestsTheClosestName) {
  const Failure f = failure_of([] { DeviceConfig::load("ascend910"); });
  EXPECT_EQ(f.kind, "config");
  EXPECT_THAT(f.message, HasSubstr("did you mean 'ascend910b'"));
}

TEST(DeviceConfig, MalformedYamlNamesFileAndLine) {
  const std::string path = write_temp_preset("malformed", "platform: npu\ncores:\n  cube_count: [1, 2\n");
  const Failure f = failure_of([&] { DeviceConfig::load(path); });
  EXPECT_EQ(f.kind, "config");
  EXPECT_THAT(f.where, HasSubstr("malformed.yaml:"));
}

TEST(DeviceConfig, ImpossibleFigureIsRejectedByName) {
  const Failure f = failure_of([] { HardwareSpec::from_config(DeviceConfig::load("ascend910b", {"cores.cube_count=0"})); });
  EXPECT_EQ(f.kind, "config");
  EXPECT_EQ(f.parameter, "cores.cube_count");
}

TEST(DeviceConfig, ConstraintRuleSwitchesAreDeclaredAndOverridable) {
  const auto declared = OpLibrary::declared_config_keys();
  ASSERT_FALSE(declared.empty());
  const std::string key = declared.begin()->first;
  const DeviceConfig config = DeviceConfig::load("ascend910b", {key + "=" + config_value_string(declared.begin()->second)});
  EXPECT_TRUE(config.has(key));
}

TEST(DeviceConfig, EveryPresetKeyIsReadByCode) {
  for (const auto& preset : DeviceConfig::preset_names()) {
    const DeviceConfig config = DeviceConfig::load(preset);
    read_everything(config);
    EXPECT_THAT(config.unread_keys(), ::testing::IsEmpty()) << "preset " << preset;
  }
}

TEST(DeviceConfig, AKeyNoCodeReadsIsReported) {
  const std::string path = write_temp_preset("extra", preset_text("ascend910b") + "\nunused:\n  figure_ns: 1\n");
  const DeviceConfig config = DeviceConfig::load(path);
  read_everything(config);
  EXPECT_THAT(config.unread_keys(), ::testing::ElementsAre("unused.figure_ns"));
}

TEST(DeviceConfig, EveryKeyCodeReadsExistsInEveryPreset) {
  // Reading succeeds on every preset: each key the readers ask for is there...
  for (const auto& preset : DeviceConfig::preset_names())
    EXPECT_NO_THROW(read_everything(DeviceConfig::load(preset))) << "preset " << preset;
  // ...and a preset without one is refused by name.
  std::string text = preset_text("ascend910b");
  const auto at = text.find("  kernel_launch_us:");
  ASSERT_NE(at, std::string::npos);
  text.erase(at, text.find('\n', at) - at);
  const DeviceConfig config = DeviceConfig::load(write_temp_preset("missing", text));
  const Failure f = failure_of([&] { read_everything(config); });
  EXPECT_EQ(f.kind, "config");
  EXPECT_EQ(f.parameter, "host.kernel_launch_us");
}

}  // namespace
}  // namespace npusim::device
