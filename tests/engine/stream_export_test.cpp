// The stream the engine issues, written as JSON Lines and read back, is
// bit-identical.
#include <gtest/gtest.h>

#include <sstream>

#include "engine_test_support.h"
#include "op_stream/op_stream.h"

namespace npusim::engine {
namespace {

TEST(StreamExport, EngineStreamRoundTripsBitIdentically) {
  for (const char* model : {"glm-4.7-flash", "glm-4.5v"}) {
    Workload w = testing::decode_workload(2);
    w.use_graph = true;
    w.decode_steps = 2;
    const auto rec = testing::record(testing::shipped(model), w);
    OpStream stream;
    stream.source = "npusim engine";
    stream.meta.set("model", std::string(model));
    stream.records = rec.records;
    std::stringstream out;
    write_op_stream(out, stream);
    std::stringstream in(out.str());
    const OpStream back = read_op_stream(in, "roundtrip.jsonl");
    EXPECT_TRUE(back == stream) << model;
    std::stringstream again;
    write_op_stream(again, back);
    EXPECT_EQ(again.str(), out.str()) << model;
  }
}

}  // namespace
}  // namespace npusim::engine
