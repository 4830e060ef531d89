// Graph capture/replay with NPUGraph semantics, checked by value: replay reads
// whatever the captured buffers hold now, so an input written anywhere else is
// not seen (the stale-input bug of sglang#23122).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "device_model/runtime/device.h"
#include "op_stream/failure.h"
#include "tests/device_model/runtime_test_records.h"

namespace npusim::device {
namespace {
using namespace test_records;

class GraphReplay : public ::testing::Test {
 protected:
  Device device{DeviceConfig::load("ascend910b"), true};
  const TensorRef x = tensor(1, {2, 3});
  const TensorRef y = tensor(2, {2, 3});
  const TensorRef other_x = tensor(3, {2, 3});
  const std::vector<float> old_values{1, 2, 3, 4, 5, 6};
  const std::vector<float> new_values{-1, -2, -3, -4, -5, -6};

  void SetUp() override {
    device.issue(alloc_for(x, "static input"));
    device.issue(alloc_for(y, "static output"));
    device.issue(alloc_for(other_x, "fresh input"));
    device.issue(write(x, old_values));
    device.issue(write(y, std::vector<float>(6, 0.0f)));
    device.issue(runtime_call(RecordKind::graph_begin, "decode_bs2"));
    device.issue(copy(x, y));
    device.issue(runtime_call(RecordKind::graph_end, "decode_bs2"));
  }
  std::vector<float> y_now() { return *device.read(y, {}); }
};

TEST_F(GraphReplay, CaptureRecordsOpsWithoutRunningThem) {
  EXPECT_EQ(y_now(), std::vector<float>(6, 0.0f));
  device.issue(runtime_call(RecordKind::graph_replay, "decode_bs2"));
  EXPECT_EQ(y_now(), old_values);
}

TEST_F(GraphReplay, InputCopiedIntoCapturedBufferIsSeenByReplay) {
  device.issue(write(x, new_values));
  device.issue(runtime_call(RecordKind::graph_replay, "decode_bs2"));
  EXPECT_EQ(y_now(), new_values);
}

TEST_F(GraphReplay, InputWrittenToAnotherBufferIsStaleOnReplay) {
  device.issue(runtime_call(RecordKind::graph_replay, "decode_bs2"));
  device.issue(write(other_x, new_values));
  device.issue(runtime_call(RecordKind::graph_replay, "decode_bs2"));
  EXPECT_EQ(y_now(), old_values);
}

TEST_F(GraphReplay, UnknownGraphIsGraphErrorWithDidYouMean) {
  try {
    device.issue(runtime_call(RecordKind::graph_replay, "decode_bs4"));
    FAIL() << "expected a graph failure";
  } catch (const FailureError& e) {
    EXPECT_EQ(e.failure().kind, "graph");
    EXPECT_THAT(e.failure().message, ::testing::HasSubstr("did you mean 'decode_bs2'"));
  }
}

TEST_F(GraphReplay, ReplayAfterCapturedBufferWasFreedIsRuntimeError) {
  device.issue(free_buffer(x.buffer));
  try {
    device.issue(runtime_call(RecordKind::graph_replay, "decode_bs2"));
    FAIL() << "expected a runtime failure";
  } catch (const FailureError& e) {
    EXPECT_EQ(e.failure().kind, "runtime");
  }
}

}  // namespace
}  // namespace npusim::device
