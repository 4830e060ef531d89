// Speculative-decoding settings of a workload and what a speculative run
// measured. Owned by the speculative-decoding engineer (engine/spec/).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace npusim::engine {

struct SpecSettings {
  std::string method = "none";  // none | dflash | nextn
  // Draft model: a name of model_names() or a config.json path ("" = the
  // method's default: the target's own NextN layer for nextn).
  std::string draft_model;
  // nextn: draft tokens proposed per verify step (SGLang --speculative-num-steps).
  // dflash: ignored, the draft proposes block_size - 1 tokens (draft config).
  int64_t num_steps = 1;
  // SGLang --speculative-draft-model-quantization: "" = not given, else none | w8a8.
  std::string draft_quantization;
  // Timing mode cannot verify (no data): tokens emitted per verify step and
  // sequence as a functional run measured them (step-major, like
  // SpecStats::acceptance_lengths; cycled if shorter than the run).
  std::vector<int64_t> accepted_per_step;
  // Sequential requests served by one engine process: state a request leaves
  // behind (runtime env overrides) is seen by the next one.
  int64_t requests = 1;
};

struct SpecStats {
  std::vector<double> acceptance_lengths;  // tokens emitted per verify step and sequence (drafts + bonus)
  double mean_acceptance_length = 0;       // mean of acceptance_lengths
  int64_t verify_steps = 0;
  int64_t draft_tokens_proposed = 0;        // per sequence
  std::vector<std::string> failed_requests;  // "request i: <failure>" for requests the server aborted
  // "request i: NAME=v, ..." for runtime env variables that differed from their
  // defaults when request i started: an override leaked by an earlier request.
  std::vector<std::string> leaked_env;
};

}  // namespace npusim::engine
