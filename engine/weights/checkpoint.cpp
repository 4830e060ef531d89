#include "engine/weights/checkpoint.h"

#include "op_stream/failure.h"
#include "op_stream/seeded_fill.h"

namespace npusim::engine {
namespace {
// FNV-1a over the name, mixed with the run seed: platform independent.
uint64_t tensor_seed(uint64_t seed, const std::string& name) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char ch : name) h = (h ^ ch) * 1099511628211ull;
  return (h ^ (seed * 0x9E3779B97F4A7C15ull)) >> 1;
}
}  // namespace

std::vector<float> Checkpoint::values(const std::string& name) const {
  auto it = tensors.find(name);
  if (it == tensors.end())
    throw FailureError({"load", "checkpoint", name, "", "", "checkpoint has no tensor '" + name + "'", "", ""});
  const CheckpointTensor& t = it->second;
  int64_t count = 1;
  for (int64_t d : t.shape) count *= d;
  std::vector<float> v = seeded_fill(t.init, t.seed, t.scale, count);
  for (float& x : v) x = round_to_dtype(x, t.dtype);
  return v;
}

void add_to_checkpoint(Checkpoint& checkpoint, const std::vector<ParamSpec>& specs, uint64_t seed) {
  for (const auto& s : specs) checkpoint.tensors[s.name] = {s.shape, s.dtype, s.init, tensor_seed(seed, s.name), s.scale};
}

Checkpoint make_synthetic_checkpoint(const std::vector<ParamSpec>& specs, uint64_t seed) {
  Checkpoint checkpoint;
  add_to_checkpoint(checkpoint, specs, seed);
  return checkpoint;
}

}  // namespace npusim::engine
