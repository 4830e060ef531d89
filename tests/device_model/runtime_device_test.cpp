// Device runtime: tensors must lie inside allocated buffers, failures leave
// the device unchanged, fills are seeded and deterministic.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "device_model/ops/op_library.h"
#include "device_model/runtime/device.h"
#include "op_stream/failure.h"
#include "op_stream/seeded_fill.h"
#include "tests/device_model/runtime_test_records.h"

namespace npusim::device {
namespace {
using namespace test_records;
using ::testing::HasSubstr;

Failure failure_of(Device& device, OpCall call) {
  try {
    device.issue(std::move(call));
  } catch (const FailureError& e) {
    return e.failure();
  }
  ADD_FAILURE() << "expected a FailureError";
  return {};
}

TEST(Runtime, UndefinedBufferIsRuntimeError) {
  Device device(DeviceConfig::load("ascend910b"), false);
  const TensorRef x = tensor(1, {4}), y = tensor(2, {4});
  device.issue(alloc_for(y, "y"));
  const Failure f = failure_of(device, copy(x, y));
  EXPECT_EQ(f.kind, "runtime");
  EXPECT_EQ(f.parameter, "src");
  EXPECT_THAT(f.message, HasSubstr("not allocated"));
  EXPECT_EQ(device.records().size(), 1u);  // the failed op is not kept
}

TEST(Runtime, ViewOutsideItsBufferIsRuntimeError) {
  Device device(DeviceConfig::load("ascend910b"), false);
  device.issue(alloc(1, 16, "x"));
  device.issue(alloc(2, 64, "y"));
  const Failure f = failure_of(device, copy(tensor(1, {4}, DType::f32, 4), tensor(2, {4})));
  EXPECT_EQ(f.kind, "runtime");
  EXPECT_THAT(f.message, HasSubstr("outside buffer 1"));
}

TEST(Runtime, FillIsSeededAndMatchesTheSharedGenerator) {
  Device device(DeviceConfig::load("ascend910b"), true);
  const TensorRef w = tensor(1, {8});
  device.issue(alloc_for(w, "w"));
  OpCall fill;
  fill.kind = RecordKind::fill;
  fill.outputs = {{"dst", w}};
  fill.attrs = {{"init", std::string("normal")}, {"seed", int64_t{7}}, {"scale", 0.02}};
  device.issue(fill);
  const auto values = device.read(w, {});
  ASSERT_TRUE(values.has_value());
  EXPECT_EQ(*values, seeded_fill("normal", 7, 0.02, 8));
  EXPECT_NE(*values, seeded_fill("normal", 8, 0.02, 8));
}

TEST(Runtime, FillWithUnknownInitIsRejected) {
  Device device(DeviceConfig::load("ascend910b"), true);
  device.issue(alloc(1, 32, "w"));
  OpCall fill;
  fill.kind = RecordKind::fill;
  fill.outputs = {{"dst", tensor(1, {8})}};
  fill.attrs = {{"init", std::string("gaussian")}};
  EXPECT_EQ(failure_of(device, fill).parameter, "init");
}

TEST(Runtime, TimingModeKeepsRecordsButHasNoData) {
  Device device(DeviceConfig::load("ascend910b"), false);
  const TensorRef x = tensor(1, {4}), y = tensor(2, {4});
  device.issue(alloc_for(x, "x"));
  device.issue(alloc_for(y, "y"));
  device.issue(copy(x, y));
  EXPECT_FALSE(device.read(y, {}).has_value());
  EXPECT_EQ(device.records().size(), 4u);  // 2 allocs, the copy, the read
  EXPECT_EQ(device.records().back().kind, RecordKind::read);
}

TEST(Runtime, AllowedValuesComeFromTheOpLibrary) {
  const DeviceConfig config = DeviceConfig::load("ascend910b");
  Device device(config, false);
  EXPECT_EQ(device.platform(), "npu");
  EXPECT_EQ(device.allowed_values("Copy", "no_such_parameter", {}), device.library().allowed_values("Copy", "no_such_parameter", {}));
}

}  // namespace
}  // namespace npusim::device
