// Loads a rank's parameters from a checkpoint onto the device: every expected
// tensor must exist with the expected shape and dtype, else loading fails with
// the tensor's name, as SGLang's weight loader does; then alloc + fill each.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "engine/emitter.h"
#include "engine/weights/checkpoint.h"
#include "engine/weights/parameter_specs.h"

namespace npusim::engine {

using LoadedParams = std::map<std::string, TensorRef>;

// Throws FailureError{kind="load", op="weight_loader", parameter=tensor name}:
// first for any missing tensor, then for a shape or dtype mismatch.
LoadedParams load_parameters(Emitter& emitter, const std::vector<ParamSpec>& expected, const Checkpoint& checkpoint);

}  // namespace npusim::engine
