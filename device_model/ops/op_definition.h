// One operator of the library: the facts its constraint table is checked on,
// its cost model, and its functional kernel. Constraints themselves are data in
// ops/constraints/<op>.yaml; this struct holds only the code around them.
#pragma once
#include <functional>
#include <string>

#include "device_model/config/hardware_spec.h"
#include "device_model/runtime/tensor_store.h"
#include "device_model/timing/op_work.h"
#include "op_stream/attrs.h"
#include "op_stream/op_call.h"

namespace npusim::device {

// Named facts about a call (num_heads, query_dtype, query_rank, mla, ...) that
// constraint rules refer to. Missing facts make the rule not apply.
using Facts = Attrs;

struct OpDefinition {
  std::string name;                 // as in the op stream, e.g. "FusedInferAttentionScore"
  std::string op_class;             // report grouping: attention, matmul, norm, ...
  std::string summary;              // one line for `npusim ops`
  std::function<Facts(const OpCall&)> facts;
  std::function<OpWork(const OpCall&, const HardwareSpec&)> work;
  std::function<void(const OpCall&, TensorStore&)> compute;  // functional kernel
};

}  // namespace npusim::device
