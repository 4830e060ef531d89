// Shared by the op library's tests: hand-built OpCalls, a store to run kernels
// on, and a fixed seeded value generator (no Eigen: references are plain loops).
#pragma once
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "device_model/config/device_config.h"
#include "device_model/ops/op_library.h"
#include "device_model/runtime/tensor_store.h"
#include "op_stream/failure.h"
#include "op_stream/op_call.h"

namespace npusim::device::testing {

inline TensorRef tensor(BufferId buffer, Shape shape, DType dtype = DType::bf16) {
  TensorRef t;
  t.buffer = buffer;
  t.shape = std::move(shape);
  t.dtype = dtype;
  return t;
}

inline OpCall op_call(const std::string& op, std::vector<NamedTensor> inputs,
                      std::vector<NamedTensor> outputs, Attrs attrs = {}) {
  OpCall call;
  call.op = op;
  call.inputs = std::move(inputs);
  call.outputs = std::move(outputs);
  call.attrs = std::move(attrs);
  call.origin.module = "test";
  return call;
}

inline NamedTensor none(const std::string& name) { return {name, std::nullopt}; }

inline std::vector<float> random_values(size_t n, uint32_t seed, float scale = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-scale, scale);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

// Rounds like the store would, so references start from the stored inputs.
inline std::vector<float> rounded(std::vector<float> v, DType dtype) {
  for (auto& x : v) x = round_to_dtype(x, dtype);
  return v;
}

// Every test tensor gets its own buffer, sized to hold it.
class Buffers {
 public:
  TensorRef put(const Shape& shape, DType dtype, const std::vector<float>& values) {
    TensorRef t = make(shape, dtype);
    store.store(t, values);
    return t;
  }
  TensorRef make(const Shape& shape, DType dtype) {
    TensorRef t = tensor(next_++, shape, dtype);
    store.create(t.buffer, t.bytes());
    return t;
  }
  TensorStore store;

 private:
  BufferId next_ = 1;
};

inline const DeviceConfig& default_config() {
  static const DeviceConfig config = DeviceConfig::load("ascend910b");
  return config;
}

inline const OpLibrary& default_library() {
  static const OpLibrary library(default_config());
  return library;
}

// The rule id the library rejects `call` with; "" when it passes.
inline std::string violated_rule(const OpLibrary& library, const OpCall& call) {
  try {
    library.check(call);
  } catch (const FailureError& e) {
    return e.failure().rule.empty() ? e.failure().kind : e.failure().rule;
  }
  return "";
}

inline std::string violated_rule(const OpCall& call) { return violated_rule(default_library(), call); }

}  // namespace npusim::device::testing
