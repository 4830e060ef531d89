#include "engine/reference/workload_reference.h"

#include "engine/rank_dims.h"
#include "engine/weights/checkpoint.h"
#include "engine/weights/parameter_specs.h"
#include "engine/weights/quant_config.h"

namespace npusim::engine {

std::optional<ReferenceResult> reference_for_workload(const ModelConfig& config, const Workload& workload,
                                                      std::string& why) {
  if (workload.tp != 1) {
    why = "tp " + std::to_string(workload.tp) + ": rank 0 computes a shard, the reference the whole model";
    return std::nullopt;
  }
  if (workload.quantization != "none") {
    why = "quantized weights: the reference is unquantized";
    return std::nullopt;
  }
  const DType dtype = workload.dtype == "float16" ? DType::f16 : DType::bf16;
  const auto specs = model_parameter_specs(config, rank_dims(config, 1), QuantConfig::parse("none"), dtype).specs();
  const Checkpoint checkpoint = make_synthetic_checkpoint(specs, workload.seed);
  const auto prompts = prompt_tokens(workload.seed, workload.batch, workload.prompt_len, config.vocab_size);
  const int64_t steps = workload.phase == "decode" ? workload.decode_steps : 0;
  return reference_generate(config, checkpoint, prompts, steps);
}

}  // namespace npusim::engine
