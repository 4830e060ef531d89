// The engine model's public API: a HF config.json plus a workload becomes the op
// stream SGLang's NPU path would issue, executed step by step through an OpSink.
// Every step ends with a `synchronize` record named after the step kind
// ("prefill", "decode", "draft", "verify") with attrs {"step": i}.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/model_config.h"
#include "engine/patches/patch_set.h"
#include "engine/spec/spec_settings.h"
#include "op_stream/op_sink.h"

namespace npusim::engine {

struct Workload {
  std::string phase = "decode";   // prefill | decode (= prefill, then decode_steps steps)
  int64_t batch = 1;              // sequences
  int64_t prompt_len = 16;        // tokens per sequence
  int64_t decode_steps = 1;       // decode steps after the prefill
  int64_t tp = 1;                 // tensor-parallel ranks; the stream is rank 0's
  std::string dtype = "bfloat16";  // bfloat16 | float16
  bool use_graph = true;          // decode through the NPU graph runner
  uint64_t seed = 0;              // weights and prompt tokens (platform independent)
  std::string quantization = "none";  // none | w8a8 (linear layers)
  SpecSettings spec;

  // Throws FailureError{kind="input", parameter=field} on an invalid value.
  void validate() const;
};

// Where one step's records end, for TTFT/TPOT and per-step reports.
struct StepMark {
  std::string kind;          // prefill | decode | draft | verify
  int64_t step = 0;          // index within its kind
  int64_t tokens = 0;        // query tokens processed in the step (all sequences)
  int64_t records_end = 0;   // records issued by the engine so far, including the step's synchronize
};

struct EngineResult {
  // Generated tokens per sequence. Timing mode has no data: tokens are the
  // placeholders of placeholder_token() so the stream stays deterministic.
  std::vector<std::vector<int32_t>> tokens;
  std::vector<StepMark> steps;
  // Functional mode: logits [batch, vocab per rank] of the last step; empty in timing mode.
  std::vector<float> final_logits;
  int64_t vocab_per_rank = 0;
  // Functional mode: where each model's weights came from, by role ("target",
  // "draft"): a trained checkpoint's path or how they were seeded. An
  // acceptance length of about 1 reads differently for a seeded draft.
  std::map<std::string, std::string> weights;
  SpecStats spec;
};

// A HF config.json. Throws FailureError{kind="config", parameter=field, where=path}.
ModelConfig load_model_config(const std::string& path);
// The shipped configs (engine/models/<name>.json) and their folder.
std::string models_dir();
std::vector<std::string> model_names();
// A name of model_names() or a path to a config.json.
ModelConfig load_model(const std::string& name_or_path);
// Where trained weights for `config` live, if any: weights/<name>.safetensors
// beside the config file (the tiny DFlash draft's: engine/models/weights/).
std::string trained_weights_path(const ModelConfig& config);

// The functional-mode variant: same family, head counts and structure; small
// hidden sizes, vocabulary, expert count and layer count.
ModelConfig tiny_variant(const ModelConfig& config);

// The workload's prompts: seeded_fill("uniform") mapped onto [0, vocab).
std::vector<std::vector<int32_t>> prompt_tokens(uint64_t seed, int64_t batch, int64_t prompt_len, int64_t vocab);

// The deterministic stand-in for a sampled token in timing mode.
int32_t placeholder_token(uint64_t seed, int64_t step, int64_t sequence, int64_t vocab);
// EngineResult::weights for a model without a trained checkpoint.
std::string synthetic_weights_note(uint64_t seed);

// Runs the workload. Throws FailureError for anything the device or the engine
// refuses (constraint, oom, import, attribute, load, config, input).
EngineResult run_engine(const ModelConfig& config, const Workload& workload,
                        const PatchSet& patches, OpSink& sink);

}  // namespace npusim::engine
