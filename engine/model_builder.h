// Builds the module tree over loaded parameters, as a model's __init__ and
// post-load hooks do: kernel imports resolved for the platform (sglang#22509),
// ROCm-only attributes set only on ROCm, MLA's absorbed weights derived.
#pragma once
#include <string>

#include "engine/emitter.h"
#include "engine/model_weights.h"
#include "engine/patches/patch_set.h"

namespace npusim::engine {

struct BuildContext {
  Emitter& em;
  const ModelConfig& config;
  const RankDims& dims;
  const PatchSet& patches;
  std::string platform;  // from the sink's capabilities
};

// Decoder layer `layer` whose parameters are named `prefix` + ... in `params`.
LayerWeights build_layer(const BuildContext& ctx, const LoadedParams& params, int64_t layer, const std::string& prefix);
ModelWeights build_model(const BuildContext& ctx, const LoadedParams& params);

}  // namespace npusim::engine
