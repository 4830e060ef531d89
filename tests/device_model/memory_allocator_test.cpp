// Device memory: capacity from the preset, simulated OOM that names who holds
// the memory, and frees that give it back.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "device_model/runtime/device.h"
#include "op_stream/failure.h"
#include "tests/device_model/runtime_test_records.h"

namespace npusim::device {
namespace {
using namespace test_records;
using ::testing::HasSubstr;
constexpr int64_t kGiB = int64_t{1} << 30;

Failure failure_of(Device& device, OpCall call) {
  try {
    device.issue(std::move(call));
  } catch (const FailureError& e) {
    return e.failure();
  }
  ADD_FAILURE() << "expected a FailureError";
  return {};
}

TEST(Memory, CapacityIsThePresetHbmSize) {
  Device device(DeviceConfig::load("ascend910b"), false);
  device.issue(alloc(1, 64 * kGiB, "everything"));
  EXPECT_EQ(device.memory_in_use_bytes(), 64 * kGiB);
  EXPECT_EQ(failure_of(device, alloc(2, 1, "one byte more")).kind, "oom");
}

TEST(Memory, AllocationBeyondCapacityIsOomNamingLargestHolderAndRequest) {
  Device device(DeviceConfig::load("ascend910b"), false);
  device.issue(alloc(1, 40 * kGiB, "kv_cache"));
  device.issue(alloc(2, 20 * kGiB, "weights"));
  device.issue(alloc(3, 1 * kGiB, "activations"));
  const Failure f = failure_of(device, alloc(4, 8 * kGiB, "graph_pool"));
  EXPECT_EQ(f.kind, "oom");
  EXPECT_EQ(f.parameter, "graph_pool");
  EXPECT_THAT(f.message, HasSubstr("requested 8.00 GiB"));
  EXPECT_THAT(f.message, HasSubstr("largest holders: kv_cache 40.00 GiB, weights 20.00 GiB"));
  EXPECT_LT(f.message.find("kv_cache"), f.message.find("activations"));
}

TEST(Memory, FailedAllocationLeavesDeviceUnchanged) {
  Device device(DeviceConfig::load("ascend910b", {"memory.hbm_bytes=1048576"}), true);
  device.issue(alloc(1, 600 * 1024, "kv_cache_reserved"));
  const size_t records = device.records().size();
  // Functional mode too: refused before any host memory is touched.
  EXPECT_EQ(failure_of(device, alloc(2, 600 * 1024, "too much")).kind, "oom");
  EXPECT_EQ(device.records().size(), records);
  EXPECT_EQ(device.memory_in_use_bytes(), 600 * 1024);
  EXPECT_EQ(device.memory_holders().size(), 1u);
}

TEST(Memory, FreeReleasesCapacityAndPeakIsKept) {
  Device device(DeviceConfig::load("ascend910b", {"memory.hbm_bytes=1000"}), false);
  device.issue(alloc(1, 600, "a"));
  device.issue(free_buffer(1));
  EXPECT_EQ(device.memory_in_use_bytes(), 0);
  device.issue(alloc(2, 900, "b"));
  EXPECT_EQ(device.memory_in_use_bytes(), 900);
  EXPECT_EQ(device.memory_peak_bytes(), 900);
  EXPECT_EQ(device.memory_holders().front().name, "b");
}

TEST(Memory, DoubleFreeAndReusedIdAreRuntimeErrors) {
  Device device(DeviceConfig::load("ascend910b"), false);
  device.issue(alloc(1, 16, "a"));
  EXPECT_EQ(failure_of(device, alloc(1, 16, "again")).kind, "runtime");
  device.issue(free_buffer(1));
  EXPECT_EQ(failure_of(device, free_buffer(1)).kind, "runtime");
}

}  // namespace
}  // namespace npusim::device
