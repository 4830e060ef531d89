// An OpSink decorator that makes the simulated device fail chosen op launches
// (kind "injected_fault"), the way a device error or an exception inside a
// forward would surface to the engine. Used for review points about error
// paths (seed 5: an override that must be restored when the forward throws).
#pragma once
#include <vector>

#include "op_stream/op_sink.h"
#include "scenarios/scenario.h"

namespace npusim::sim {

class FaultInjectingSink : public OpSink {
 public:
  FaultInjectingSink(OpSink& inner, std::vector<scenarios::Fault> faults);

  void issue(OpCall call) override;
  std::optional<std::vector<float>> read(const TensorRef& tensor, const Origin& origin) override {
    return inner_.read(tensor, origin);
  }
  bool functional() const override { return inner_.functional(); }
  const OpCapabilities& capabilities() const override { return inner_.capabilities(); }
  int injected() const { return injected_; }

 private:
  OpSink& inner_;
  std::vector<scenarios::Fault> faults_;
  std::vector<int> seen_;  // matching ops seen so far, per fault
  int injected_ = 0;
};

}  // namespace npusim::sim
