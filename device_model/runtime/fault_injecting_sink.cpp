#include "device_model/runtime/fault_injecting_sink.h"

#include "op_stream/failure.h"

namespace npusim::device {

FaultInjectingSink::FaultInjectingSink(OpSink& inner, std::vector<InjectedFault> faults)
    : inner_(inner), faults_(std::move(faults)), seen_(faults_.size(), 0) {}

void FaultInjectingSink::issue(OpCall call) {
  if (call.kind == RecordKind::op) {
    for (size_t i = 0; i < faults_.size(); ++i) {
      const auto& fault = faults_[i];
      if (!fault.phase.empty() && call.origin.phase != fault.phase) continue;
      if (!fault.op.empty() && call.op != fault.op) continue;
      if (++seen_[i] != fault.occurrence) continue;
      ++injected_;
      Failure f;
      f.kind = "injected_fault";
      f.op = call.op;
      f.where = call.origin.to_string();
      f.message = "injected device fault" + (fault.source.empty() ? std::string() : " (" + fault.source + ")");
      throw FailureError(f);
    }
  }
  inner_.issue(std::move(call));
}

}  // namespace npusim::device
