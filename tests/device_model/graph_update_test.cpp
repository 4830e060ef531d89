// Graph-task updates: host-side attributes of captured nodes (FIA's
// actual_seq_lengths_kv in the NPU graph runner) change on update; device data
// never does. Checked by value with Elementwise scale's host-side alpha.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "device_model/runtime/device.h"
#include "op_stream/failure.h"
#include "tests/device_model/runtime_test_records.h"

namespace npusim::device {
namespace {
using namespace test_records;

class GraphUpdate : public ::testing::Test {
 protected:
  Device device{DeviceConfig::load("ascend910b"), true};
  const TensorRef x = tensor(1, {4});
  const TensorRef y = tensor(2, {4});

  void SetUp() override {
    device.issue(alloc_for(x, "static input"));
    device.issue(alloc_for(y, "static output"));
    device.issue(write(x, {1, 2, 3, 4}));
    device.issue(runtime_call(RecordKind::graph_begin, "g"));
    device.issue(op("Elementwise", {{"x", x}}, {{"y", y}}, {{"fn", std::string("scale")}, {"alpha", 2.0}}));
    device.issue(runtime_call(RecordKind::graph_end, "g"));
  }
  OpCall update(Attrs attrs) {
    OpCall c = runtime_call(RecordKind::graph_update, "g");
    c.attrs = std::move(attrs);
    return c;
  }
  std::vector<float> y_now() { return *device.read(y, {}); }
};

TEST_F(GraphUpdate, ReplayWithoutUpdateKeepsTheCapturedHostAttributes) {
  device.issue(runtime_call(RecordKind::graph_replay, "g"));
  EXPECT_EQ(y_now(), (std::vector<float>{2, 4, 6, 8}));
}

TEST_F(GraphUpdate, UpdatedHostAttributeIsUsedByTheNextReplay) {
  device.issue(update({{"op", std::string("Elementwise")}, {"alpha", 3.0}}));
  device.issue(runtime_call(RecordKind::graph_replay, "g"));
  EXPECT_EQ(y_now(), (std::vector<float>{3, 6, 9, 12}));
}

TEST_F(GraphUpdate, AnUpdateCannotAddAttributesOrTargetAbsentOps) {
  for (const Attrs& attrs : {Attrs{{"op", std::string("Elementwise")}, {"beta", 1.0}},
                             Attrs{{"op", std::string("MatMul")}, {"alpha", 1.0}}, Attrs{{"alpha", 1.0}}}) {
    try {
      device.issue(update(attrs));
      FAIL() << "expected a graph failure";
    } catch (const FailureError& e) {
      EXPECT_EQ(e.failure().kind, "graph");
      EXPECT_EQ(e.failure().rule, "runtime.graph_update");
    }
  }
  device.issue(runtime_call(RecordKind::graph_replay, "g"));
  EXPECT_EQ(y_now(), (std::vector<float>{2, 4, 6, 8}));  // failed updates changed nothing
}

TEST_F(GraphUpdate, UpdatedNodesAreCheckedAgainstTheOpsConstraints) {
  try {
    device.issue(update({{"op", std::string("Elementwise")}, {"fn", std::string("sqrt")}}));
    FAIL() << "expected a constraint failure";
  } catch (const FailureError& e) {
    EXPECT_EQ(e.failure().kind, "constraint");
  }
}

}  // namespace
}  // namespace npusim::device
