#include "engine/spec/nextn_draft.h"

#include <cmath>

#include "engine/layers/basic_ops.h"
#include "engine/weights/loader.h"
#include "op_stream/failure.h"

namespace npusim::engine::spec {

namespace {

// The NextN layer as a model of its own: one decoder layer, which is a MoE
// layer like the target's layers after first_k_dense_replace.
ModelConfig one_layer_config(const ModelConfig& target) {
  ModelConfig config = target;
  config.name = target.name + ".nextn";
  config.num_hidden_layers = 1;
  config.num_nextn_predict_layers = 0;
  if (config.moe) config.moe->first_k_dense_replace = 0;
  return config;
}

const char* const kRunnerLayerPrefix = "model.layers.0.";

}  // namespace

QuantConfig nextn_draft_quant(const QuantConfig& target, const std::string& draft_quantization,
                              const std::string& platform, const PatchSet& patches) {
  if (!draft_quantization.empty()) return QuantConfig::parse(draft_quantization);
  if (platform == "npu" && patches.on("sglang#25524")) return QuantConfig{"none"};
  return target;
}

std::vector<ParamSpec> nextn_checkpoint_specs(const ModelConfig& target, const RankDims& dims,
                                              const QuantConfig& quant, DType dtype) {
  const std::string p = "model.layers." + std::to_string(target.num_hidden_layers) + ".";
  const int64_t h = target.hidden_size;
  ParamList list(dtype);
  list.add({p + "embed_tokens.weight", {target.vocab_size, h}, dtype, "normal", 1.0});
  list.add_norm(p + "enorm", h);
  list.add_norm(p + "hnorm", h);
  // eh_proj is a plain nn.Linear in glm4_moe_nextn: never quantized.
  list.add_linear(p + "eh_proj", h, 2 * h, false, false);
  add_decoder_layer_specs(list, target, dims, quant, target.num_hidden_layers, p);
  list.add_norm(p + "shared_head.norm", h);
  list.add({p + "shared_head.head.weight", {dims.vocab, h}, dtype, "normal",
            1.0 / std::sqrt(static_cast<double>(h))});
  return list.specs();
}

NextnDraft::NextnDraft(Emitter& em, const ModelConfig& target, const PatchSet& patches,
                       const RunOptions& options)
    : em_(em),
      target_(target),
      prefix_("model.layers." + std::to_string(target.num_hidden_layers) + "."),
      runner_(em, one_layer_config(target), patches, options) {}

std::string NextnDraft::checkpoint_name(const std::string& runner_name) const {
  if (runner_name == "model.embed_tokens.weight") return prefix_ + "embed_tokens.weight";
  if (runner_name == "model.norm.weight") return prefix_ + "shared_head.norm.weight";
  if (runner_name == "lm_head.weight") return prefix_ + "shared_head.head.weight";
  const std::string layer0 = kRunnerLayerPrefix;
  if (runner_name.compare(0, layer0.size(), layer0) == 0)
    return prefix_ + runner_name.substr(layer0.size());
  return runner_name;
}

void NextnDraft::load(const Checkpoint& checkpoint, int64_t sequences, int64_t max_tokens) {
  const std::string phase = em_.phase();
  em_.set_phase("load");
  em_.set_module(static_cast<int>(target_.num_hidden_layers), prefix_);
  const int64_t h = target_.hidden_size;
  ParamList own(runner_.options().dtype);
  own.add_norm(prefix_ + "enorm", h);
  own.add_norm(prefix_ + "hnorm", h);
  own.add_linear(prefix_ + "eh_proj", h, 2 * h, false, false);
  const LoadedParams params = load_parameters(em_, own.specs(), checkpoint);
  enorm_ = NormWeights{params.at(prefix_ + "enorm.weight"), target_.rms_norm_eps};
  hnorm_ = NormWeights{params.at(prefix_ + "hnorm.weight"), target_.rms_norm_eps};
  eh_proj_ = LinearWeights{prefix_ + "eh_proj", params.at(prefix_ + "eh_proj.weight"), std::nullopt,
                           std::nullopt};
  // SGLang remaps the checkpoint's model.layers.{L}.* onto the draft's modules;
  // the runner sees the same tensors under its own names.
  Checkpoint renamed;
  for (const ParamSpec& spec : runner_.parameter_specs()) {
    auto it = checkpoint.tensors.find(checkpoint_name(spec.name));
    if (it != checkpoint.tensors.end()) renamed.tensors[spec.name] = it->second;
  }
  em_.set_phase(phase);
  try {
    runner_.load(renamed, sequences, max_tokens);
  } catch (const FailureError& error) {
    Failure failure = error.failure();
    if (failure.kind != "load") throw;
    const std::string name = checkpoint_name(failure.parameter);
    failure.message = "NextN draft built with quantization '" + runner_.options().quant.method +
                      "' expects checkpoint tensor '" + name + "' (" + failure.value + ")";
    failure.parameter = name;
    failure.where = prefix_ + " (draft load)";
    failure.hint = "load the draft with its own quantization (sglang#25524: unquantized on NPU "
                   "when no draft quantization is given)";
    throw FailureError(failure);
  }
}

ForwardOutputs NextnDraft::forward(const ForwardBatch& batch, const TensorRef& previous_hidden) {
  em_.set_module(static_cast<int>(target_.num_hidden_layers), prefix_ + "eh_proj");
  const TensorRef embeds =
      gather_rows(em_, runner_.weights().embed_tokens, batch.input_ids, "nextn.embeds");
  const TensorRef e = rms_norm(em_, enorm_, embeds);
  const TensorRef hn = rms_norm(em_, hnorm_, previous_hidden);
  const TensorRef joined = concat(em_, {e, hn}, 1);
  ForwardBatch draft_batch = batch;
  draft_batch.input_embeds = linear(em_, eh_proj_, joined);
  return runner_.forward(draft_batch);
}

}  // namespace npusim::engine::spec
