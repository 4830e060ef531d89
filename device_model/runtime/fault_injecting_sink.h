// An OpSink decorator that makes the simulated device fail chosen op launches
// (kind "injected_fault"), the way a device error or an exception inside a
// forward would surface to the engine. Used for review points about error
// paths (seed 5: an override that must be restored when the forward throws).
#pragma once
#include <vector>

#include <string>

#include "op_stream/op_sink.h"

namespace npusim::device {

// The `occurrence`-th op launch whose origin phase and op name match (empty:
// any) fails with kind "injected_fault".
struct InjectedFault {
  std::string phase;
  std::string op;
  int occurrence = 1;
  std::string source;  // where the fault was asked for, e.g. a scenario FILE:LINE
};

class FaultInjectingSink : public OpSink {
 public:
  FaultInjectingSink(OpSink& inner, std::vector<InjectedFault> faults);

  void issue(OpCall call) override;
  std::optional<std::vector<float>> read(const TensorRef& tensor, const Origin& origin) override {
    return inner_.read(tensor, origin);
  }
  bool functional() const override { return inner_.functional(); }
  const OpCapabilities& capabilities() const override { return inner_.capabilities(); }
  int injected() const { return injected_; }

 private:
  OpSink& inner_;
  std::vector<InjectedFault> faults_;
  std::vector<int> seen_;  // matching ops seen so far, per fault
  int injected_ = 0;
};

}  // namespace npusim::device
