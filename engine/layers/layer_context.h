// What a decoder layer's emitters need besides their weights.
#pragma once
#include "engine/backend/ascend_attention.h"
#include "engine/emitter.h"
#include "engine/forward_batch.h"
#include "engine/kv_cache.h"
#include "engine/model_config.h"
#include "engine/patches/patch_set.h"
#include "engine/rank_dims.h"

namespace npusim::engine {

struct LayerContext {
  Emitter& em;
  AscendAttentionBackend& backend;
  const PatchSet& patches;
  const ModelConfig& config;
  const RankDims& dims;
  const ForwardBatch& batch;
  TensorRef cos, sin;  // [T, rotary_dim], gathered for this forward's positions
  const LayerCache& cache;
};

}  // namespace npusim::engine
