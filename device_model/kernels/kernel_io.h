// What a functional kernel sees of its call: slot values loaded from the
// TensorStore as fp32, outputs stored back (rounded to their dtype). A kernel
// that meets a call it cannot compute (a rule disabled by a what-if switch, a
// shape the table does not cover) raises FailureError{kind="runtime"} instead
// of reading out of bounds.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "device_model/runtime/tensor_store.h"
#include "op_stream/op_call.h"

namespace npusim::device {

class KernelIo {
 public:
  KernelIo(const OpCall& call, TensorStore& store) : call_(call), store_(store) {}

  const TensorRef& input(const std::string& slot) const;   // throws if missing
  const TensorRef& output(const std::string& slot) const;  // throws if missing
  const TensorRef* optional_input(const std::string& slot) const { return call_.input(slot); }
  std::vector<float> load(const std::string& slot) const;
  std::optional<std::vector<float>> load_optional(const std::string& slot) const;
  void store(const std::string& slot, const std::vector<float>& values);
  const Attrs& attrs() const { return call_.attrs; }
  const OpCall& call() const { return call_; }

  // Throws the runtime failure when `condition` is false.
  void require(bool condition, const std::string& parameter, const std::string& message) const;
  [[noreturn]] void fail(const std::string& parameter, const std::string& message) const;

 private:
  const OpCall& call_;
  TensorStore& store_;
};

}  // namespace npusim::device
