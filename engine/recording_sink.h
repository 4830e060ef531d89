// A timing-mode OpSink that only records: for writing op streams without a
// device (`npusim stream`) and for engine tests. Capabilities (platform, op
// limits) come from whoever declares them, normally a device.
#pragma once
#include <vector>

#include "op_stream/op_sink.h"
#include "op_stream/op_stream.h"

namespace npusim::engine {

class RecordingSink : public OpSink {
 public:
  explicit RecordingSink(const OpCapabilities& capabilities) : capabilities_(capabilities) {}

  void issue(OpCall call) override { records_.push_back(std::move(call)); }
  std::optional<std::vector<float>> read(const TensorRef& tensor, const Origin& origin) override;
  bool functional() const override { return false; }
  const OpCapabilities& capabilities() const override { return capabilities_; }

  const std::vector<OpCall>& records() const { return records_; }

 private:
  const OpCapabilities& capabilities_;
  std::vector<OpCall> records_;
};

}  // namespace npusim::engine
