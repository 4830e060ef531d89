// A synthetic checkpoint: tensor names with shapes, dtypes and the seeded
// initialisation that produces their values (op_stream/seeded_fill.h), so the
// device (fill records) and the fp32 reference read identical weights.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/weights/parameter_specs.h"

namespace npusim::engine {

struct CheckpointTensor {
  Shape shape;
  DType dtype = DType::bf16;
  std::string init;
  uint64_t seed = 0;  // below 2^63 (an int64 fill attribute)
  double scale = 1.0;
};

struct Checkpoint {
  std::map<std::string, CheckpointTensor> tensors;

  // The values stored on the device: seeded_fill rounded to the tensor's dtype.
  std::vector<float> values(const std::string& name) const;
};

// One tensor per spec; each seed derives from `seed` and the tensor's name only.
Checkpoint make_synthetic_checkpoint(const std::vector<ParamSpec>& specs, uint64_t seed);
// Adds `specs` to an existing checkpoint (e.g. a draft layer saved alongside the target).
void add_to_checkpoint(Checkpoint& checkpoint, const std::vector<ParamSpec>& specs, uint64_t seed);

}  // namespace npusim::engine
