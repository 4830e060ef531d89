#include "engine/spec/dflash_runner.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>

#include "engine/spec/acceptance_stats.h"
#include "engine/spec/dflash_draft.h"
#include "engine/spec/dense_target.h"
#include "engine/spec/draft_backends.h"
#include "engine/spec/greedy_verification.h"
#include "engine/spec/ridge_readout.h"
#include "engine/spec/step_graph.h"
#include "op_stream/failure.h"
#include "op_stream/seeded_fill.h"

namespace npusim::engine::spec {

namespace {

// FIA paged attention: prefill block_size 128..512 in multiples of 128 (FACTS.md).
constexpr int64_t kKvBlockSize = 128;
// Calibration of the draft readout: sequences and generated tokens per
// sequence (enough samples for a hidden-size-wide ridge fit on tiny models).
constexpr int64_t kCalibrationSequences = 8;
constexpr int64_t kCalibrationTokens = 48;
constexpr double kRidgeLambda = 1e-2;
constexpr uint64_t kCalibrationSeedSalt = 0x5EC0DECA11B7A7EULL;

[[noreturn]] void input_error(const std::string& parameter, const std::string& value,
                              const std::string& message, const std::string& hint) {
  throw FailureError(Failure{"input", "dflash", parameter, value, "spec.dflash.input", message,
                             hint, "engine/spec"});
}

DType model_dtype(const std::string& name) {
  if (name == "bfloat16") return DType::bf16;
  if (name == "float16") return DType::f16;
  input_error("dtype", name, "unsupported model dtype", "use bfloat16 or float16");
}

std::vector<int32_t> as_tokens(const std::vector<float>& values) {
  std::vector<int32_t> tokens;
  for (float v : values) tokens.push_back(static_cast<int32_t>(std::lround(v)));
  return tokens;
}

// Share of samples whose fp32 readout argmax is their label (how well the
// fitted draft can predict the target at best, before bf16 storage).
double readout_accuracy(const RidgeProblem& problem, const std::vector<float>& readout) {
  if (problem.labels.empty()) return 0.0;
  int64_t hits = 0;
  const int64_t dim = problem.feature_dim;
  for (size_t s = 0; s < problem.labels.size(); ++s) {
    int best = 0;
    double best_score = -1e300;
    for (int c = 0; c < problem.num_classes; ++c) {
      double score = 0;
      for (int64_t d = 0; d < dim; ++d)
        score += static_cast<double>(readout[c * dim + d]) * problem.features[s * dim + d];
      if (score > best_score) best_score = score, best = c;
    }
    hits += best == problem.labels[s];
  }
  return static_cast<double>(hits) / static_cast<double>(problem.labels.size());
}

struct Sequence {
  std::vector<int32_t> tokens;  // prompt + generated; the last one is not in the KV yet
  int64_t prompt_len = 0;
  int64_t context() const { return static_cast<int64_t>(tokens.size()) - 1; }
  int64_t generated() const { return static_cast<int64_t>(tokens.size()) - prompt_len; }
};

// Draft features of one block position and the absolute position it predicts.
struct FeatureSample {
  size_t sequence = 0;
  int64_t position = 0;
  std::vector<float> features;
};

class Session {
 public:
  Session(const ModelConfig& target, const ModelConfig* draft, const Workload& workload,
          const PatchSet* patches, OpSink& sink)
      : workload_(workload), patches_(patches), em_(sink), graphs_(workload.use_graph) {
    const DType dtype = model_dtype(workload.dtype);
    dims_ = dense_dims(target, dtype);
    target_ = std::make_unique<DenseTarget>(em_, dims_, target.num_hidden_layers,
                                            workload.seed);
    // Room for the longest request (the calibration one in functional mode)
    // plus the block a verify step may run past it.
    const int64_t generated = draft && sink.functional()
                                  ? std::max(workload.decode_steps, kCalibrationTokens)
                                  : workload.decode_steps;
    const int64_t max_tokens = workload.prompt_len + generated + 2 * block_size(draft);
    target_cache_ = target_->stack().make_cache(workload.batch, max_tokens, kKvBlockSize);
    if (draft) init_draft(target, *draft, dtype, max_tokens);
  }

  EngineResult run_greedy() {
    std::vector<Sequence> seqs = make_prompts(workload_.seed);
    prefill(seqs, "prefill");
    for (int64_t step = 0; step < workload_.decode_steps; ++step) decode(seqs, step);
    return finish(seqs);
  }

  EngineResult run_speculative() {
    if (em_.functional()) calibrate();
    std::vector<Sequence> seqs = make_prompts(workload_.seed);
    prefill(seqs, "prefill");
    AcceptanceStats stats;
    int64_t steps = 0;
    for (; !done(seqs); ++steps) {
      auto drafts = draft(seqs, steps, "draft", nullptr);
      verify(seqs, drafts, steps, "verify", &stats);
    }
    EngineResult result = finish(seqs);
    for (int emitted : stats.emitted_per_step) result.spec.acceptance_lengths.push_back(emitted);
    result.spec.mean_acceptance_length = stats.acceptance_length();
    result.spec.verify_steps = steps;
    result.spec.draft_tokens_proposed = steps * (block_ - 1);
    result.spec.calibration_samples = calibration_samples_;
    result.spec.calibration_fit_accuracy = calibration_fit_accuracy_;
    return result;
  }

 private:
  int64_t block_size(const ModelConfig* draft) const {
    return draft && draft->dflash ? draft->dflash->block_size : 1;
  }

  void init_draft(const ModelConfig& target, const ModelConfig& draft, DType dtype,
                  int64_t max_tokens) {
    if (!draft.dflash || draft.dflash->block_size < 2) {
      throw FailureError(Failure{"config", "dflash", "block_size", "", "spec.dflash.config",
                                 "the draft config has no DFlash block_size >= 2",
                                 "use a DFlash draft config (dflash_config)", draft.source_path});
    }
    if (draft.hidden_size != target.hidden_size || draft.vocab_size != target.vocab_size) {
      throw FailureError(Failure{"config", "dflash", "hidden_size",
                                 std::to_string(draft.hidden_size), "spec.dflash.config",
                                 "the DFlash draft shares the target's embedding: hidden and "
                                 "vocabulary sizes must match",
                                 "pair the draft with its own target", draft.source_path});
    }
    block_ = draft.dflash->block_size;
    layer_ids_ = draft.dflash->target_layer_ids;
    bool fits = !layer_ids_.empty() &&
                std::all_of(layer_ids_.begin(), layer_ids_.end(), [&](int64_t id) {
                  return id >= 0 && id < target.num_hidden_layers;
                });
    if (!fits) layer_ids_ = dflash_target_layer_ids(target.num_hidden_layers, draft.num_hidden_layers);
    // The tiny vocabulary cannot hold the full-size mask id; it takes the last id.
    mask_token_ = static_cast<int32_t>(draft.dflash->mask_token_id < dims_.vocab
                                           ? draft.dflash->mask_token_id
                                           : dims_.vocab - 1);
    DenseDims draft_dims = dense_dims(draft, dtype);
    draft_ = std::make_unique<DflashDraft>(em_, draft_dims, draft.num_hidden_layers,
                                           static_cast<int64_t>(layer_ids_.size()),
                                           workload_.seed + 7'000'001);
    draft_cache_ = draft_->stack().make_cache(workload_.batch, max_tokens, kKvBlockSize);
  }

  bool patch(const std::string& id) const { return calibrating_ || patches_->on(id); }

  std::vector<Sequence> make_prompts(uint64_t seed) const {
    const int64_t b = workload_.batch, p = workload_.prompt_len;
    std::vector<float> u = seeded_fill("uniform", seed, 1.0, b * p);
    std::vector<Sequence> seqs(b);
    for (int64_t s = 0; s < b; ++s) {
      seqs[s].prompt_len = p;
      for (int64_t i = 0; i < p; ++i) {
        // Tokens in [0, vocab - 2]: the tiny mask token (vocab - 1) never appears.
        auto token = static_cast<int32_t>((u[s * p + i] + 1.0f) * 0.5f * (dims_.vocab - 1));
        token = std::min<int32_t>(token, static_cast<int32_t>(dims_.vocab - 2));
        if (token == mask_token_) ++token;
        seqs[s].tokens.push_back(token);
      }
    }
    return seqs;
  }

  bool done(const std::vector<Sequence>& seqs) const {
    return std::all_of(seqs.begin(), seqs.end(), [&](const Sequence& s) {
      return s.generated() >= 1 + workload_.decode_steps;
    });
  }

  // Greedy tokens after each input of a forward: read back, or the timing-mode
  // placeholders (no data).
  std::vector<int32_t> read_tokens(const TensorRef& tokens, int64_t step) {
    if (auto values = em_.read(tokens)) return as_tokens(*values);
    std::vector<int32_t> placeholders;
    for (int64_t i = 0; i < tokens.shape[0]; ++i)
      placeholders.push_back(placeholder_token(workload_.seed, step, i, dims_.vocab));
    return placeholders;
  }

  void write_ids(const TensorRef& ids, const std::vector<int32_t>& tokens) {
    std::vector<float> values;
    if (em_.functional()) values.assign(tokens.begin(), tokens.end());
    em_.write(ids, std::move(values));
  }

  void mark(const std::string& kind, int64_t step, int64_t tokens) {
    em_.synchronize(kind, step);
    steps_.push_back(StepMark{kind, step, tokens, em_.records_issued()});
  }

  void set_phase(const std::string& phase) { em_.set_origin(Origin{-1, "model", phase}); }

  StepPositions positions_for(const std::vector<Sequence>& seqs, int64_t tokens_each) const {
    StepPositions pos;
    for (const auto& s : seqs) {
      pos.query_tokens.push_back(tokens_each);
      pos.kv_lengths.push_back(s.context() + tokens_each);
    }
    return pos;
  }

  TargetOutputs target_forward(const std::vector<int32_t>& ids_host, const StepPositions& pos,
                               const std::string& graph_name) {
    const int64_t t = pos.total_tokens();
    TensorRef ids = target_->input_ids(t);
    write_ids(ids, ids_host);
    StepTensors step = target_->stack().make_step_tensors(t);
    target_->stack().write_positions(target_cache_, pos, step);
    TargetOutputs out;
    auto forward = [&] { out = target_->forward(ids, target_cache_, pos, step); };
    if (graph_name.empty()) {
      forward();
    } else {
      graphs_.run(em_, graph_name, forward);
    }
    return out;
  }

  void prefill(std::vector<Sequence>& seqs, const std::string& kind) {
    set_phase(kind);
    const int64_t p = workload_.prompt_len;
    StepPositions pos;
    std::vector<int32_t> ids;
    for (const auto& s : seqs) {
      pos.query_tokens.push_back(p);
      pos.kv_lengths.push_back(p);
      ids.insert(ids.end(), s.tokens.begin(), s.tokens.end());
    }
    TargetOutputs out = target_forward(ids, pos, "");
    std::vector<int32_t> next = read_tokens(out.tokens, 0);
    if (draft_) append_context(out, pos, p);
    for (size_t b = 0; b < seqs.size(); ++b) seqs[b].tokens.push_back(next[b * p + p - 1]);
    mark(kind, 0, pos.total_tokens());
  }

  void decode(std::vector<Sequence>& seqs, int64_t step) {
    set_phase("decode");
    std::vector<int32_t> ids;
    for (const auto& s : seqs) ids.push_back(s.tokens.back());
    StepPositions pos = positions_for(seqs, 1);
    TargetOutputs out =
        target_forward(ids, pos, "target_decode.bs" + std::to_string(workload_.batch));
    std::vector<int32_t> next = read_tokens(out.tokens, step + 1);
    for (size_t b = 0; b < seqs.size(); ++b) seqs[b].tokens.push_back(next[b]);
    mark("decode", step, pos.total_tokens());
  }

  // Target hidden states of the selected layers for the first rows_per_seq[b]
  // rows of each sequence's `stride` rows, appended to the draft's KV.
  void append_context(const TargetOutputs& out, const StepPositions& pos, int64_t stride) {
    const int64_t rows = out.layer_outputs[0].shape[0];
    const int64_t width = dims_.hidden * static_cast<int64_t>(layer_ids_.size());
    std::vector<NamedTensor> parts;
    for (size_t i = 0; i < layer_ids_.size(); ++i)
      parts.push_back(NamedTensor{"x" + std::to_string(i), out.layer_outputs[layer_ids_[i]]});
    TensorRef features = draft_->buffer("target_features", {rows, width}, dims_.dtype);
    em_.op("Concat", parts, {{"y", features}}, Attrs{{"dim", int64_t{1}}});
    const int64_t n = pos.total_tokens();
    TensorRef packed = features;
    if (n != rows) {
      packed = draft_->buffer("target_features_packed", {rows, width}, dims_.dtype);
      int64_t at = 0;
      for (size_t b = 0; b < pos.query_tokens.size(); ++b) {
        const int64_t k = pos.query_tokens[b];
        em_.op("Copy", {{"src", view(features, b * stride * width, {k, width})}},
                    {{"dst", view(packed, at * width, {k, width})}});
        at += k;
      }
      packed = view(packed, 0, {n, width});
    }
    StepTensors step = draft_->stack().make_step_tensors(n);
    draft_->stack().write_positions(draft_cache_, pos, step);
    draft_->append_context(packed, draft_cache_, step, patch("sglang#23122/fused-kv-append"));
  }

  std::vector<std::vector<int32_t>> draft(const std::vector<Sequence>& seqs, int64_t step,
                                          const std::string& kind,
                                          std::vector<FeatureSample>* samples) {
    set_phase(kind);
    const int64_t t = workload_.batch * block_;
    std::vector<int32_t> ids;
    for (const auto& s : seqs) {
      ids.push_back(s.tokens.back());
      ids.insert(ids.end(), block_ - 1, mask_token_);
    }
    TensorRef block_ids = draft_->buffer("block_ids", {t}, DType::i32);
    write_ids(block_ids, ids);
    TensorRef fresh = draft_->buffer("embeds", {t, dims_.hidden}, dims_.dtype);
    em_.op("Embedding", {{"weight", target_->embedding()}, {"indices", block_ids}},
                {{"y", fresh}});
    TensorRef input_embeds = draft_->static_input_embeds(t);
    if (patch("sglang#23122/copy-input-embeds")) {
      em_.op("Copy", {{"src", fresh}}, {{"dst", input_embeds}});
    }
    StepPositions pos = positions_for(seqs, block_);
    StepTensors tensors = draft_->stack().make_step_tensors(t);
    draft_->stack().write_positions(draft_cache_, pos, tensors);
    const BlockAttention attention = patch("sglang#23122/noncausal-mask")
                                         ? BlockAttention::encoder_only
                                         : BlockAttention::causal;
    DraftOutputs out;
    graphs_.run(em_, "dflash_draft.bs" + std::to_string(workload_.batch), [&] {
      out = draft_->block_forward(input_embeds, draft_cache_, pos, tensors, attention);
    });
    std::vector<int32_t> proposed = read_tokens(out.tokens, step);
    if (samples) record_features(seqs, out.features, *samples);
    mark(kind, step, t);
    std::vector<std::vector<int32_t>> drafts;
    for (size_t b = 0; b < seqs.size(); ++b) {
      auto first = proposed.begin() + static_cast<int64_t>(b) * block_ + 1;
      drafts.emplace_back(first, first + block_ - 1);
    }
    return drafts;
  }

  void record_features(const std::vector<Sequence>& seqs, const TensorRef& features,
                       std::vector<FeatureSample>& samples) {
    std::optional<std::vector<float>> values = em_.read(features);
    if (!values) return;
    const int64_t h = dims_.hidden;
    for (size_t b = 0; b < seqs.size(); ++b) {
      for (int64_t i = 1; i < block_; ++i) {
        const int64_t row = static_cast<int64_t>(b) * block_ + i;
        auto first = values->begin() + row * h;
        samples.push_back(FeatureSample{b, seqs[b].context() + i, {first, first + h}});
      }
    }
  }

  void verify(std::vector<Sequence>& seqs, const std::vector<std::vector<int32_t>>& drafts,
              int64_t step, const std::string& kind, AcceptanceStats* stats) {
    set_phase(kind);
    std::vector<int32_t> ids;
    for (size_t b = 0; b < seqs.size(); ++b) {
      ids.push_back(seqs[b].tokens.back());
      ids.insert(ids.end(), drafts[b].begin(), drafts[b].end());
    }
    StepPositions pos = positions_for(seqs, block_);
    TargetOutputs out =
        target_forward(ids, pos, "target_verify.bs" + std::to_string(workload_.batch));
    std::vector<int32_t> target_tokens = read_tokens(out.tokens, step);
    StepPositions accepted;
    std::vector<std::vector<int32_t>> emitted;
    for (size_t b = 0; b < seqs.size(); ++b) {
      VerificationResult result;
      if (em_.functional()) {
        auto first = target_tokens.begin() + static_cast<int64_t>(b) * block_;
        result = verify_greedy(drafts[b], {first, first + block_});
      } else {
        result.accepted_drafts =
            measured_accepted_drafts(workload_.spec.accepted_per_step, step, block_ - 1);
        auto first = target_tokens.begin() + static_cast<int64_t>(b) * block_;
        result.emitted_tokens.assign(first, first + result.accepted_drafts + 1);
      }
      if (stats) stats->record(result.accepted_drafts);
      accepted.query_tokens.push_back(result.accepted_drafts + 1);
      accepted.kv_lengths.push_back(seqs[b].context() + result.accepted_drafts + 1);
      emitted.push_back(result.emitted_tokens);
    }
    append_context(out, accepted, block_);
    for (size_t b = 0; b < seqs.size(); ++b)
      seqs[b].tokens.insert(seqs[b].tokens.end(), emitted[b].begin(), emitted[b].end());
    mark(kind, step, pos.total_tokens());
  }

  // Fits the draft readout on a seeded calibration request run with every
  // fix on: features of each block position against the token the target's
  // greedy decoding put at the position it predicts.
  void calibrate() {
    calibrating_ = true;
    Workload saved = workload_;
    workload_.decode_steps = kCalibrationTokens;
    std::vector<FeatureSample> samples;
    std::vector<std::vector<int32_t>> sequences;
    int64_t step = 0;
    const int64_t rounds = (kCalibrationSequences + workload_.batch - 1) / workload_.batch;
    for (int64_t round = 0; round < rounds; ++round) {
      std::vector<Sequence> seqs = make_prompts(saved.seed ^ (kCalibrationSeedSalt + round));
      prefill(seqs, "calibrate");
      const size_t first_sample = samples.size();
      while (!done(seqs)) {
        auto drafts = draft(seqs, step, "calibrate", &samples);
        verify(seqs, drafts, step++, "calibrate", nullptr);
      }
      for (size_t i = first_sample; i < samples.size(); ++i)
        samples[i].sequence += sequences.size();
      for (auto& s : seqs) sequences.push_back(s.tokens);
    }
    RidgeProblem problem;
    problem.feature_dim = static_cast<int>(dims_.hidden);
    problem.num_classes = static_cast<int>(dims_.vocab);
    problem.lambda = kRidgeLambda;
    for (const auto& sample : samples) {
      const auto& tokens = sequences[sample.sequence];
      if (sample.position >= static_cast<int64_t>(tokens.size())) continue;
      problem.features.insert(problem.features.end(), sample.features.begin(),
                              sample.features.end());
      problem.labels.push_back(tokens[sample.position]);
    }
    set_phase("calibrate");
    std::vector<float> readout = fit_ridge_readout(problem);
    calibration_samples_ = static_cast<int64_t>(problem.labels.size());
    calibration_fit_accuracy_ = readout_accuracy(problem, readout);
    em_.write(draft_->readout(), std::move(readout));
    workload_ = saved;
    calibrating_ = false;
    steps_.clear();  // calibration is set-up, not part of the measured request
  }

  EngineResult finish(const std::vector<Sequence>& seqs) const {
    EngineResult result;
    for (const auto& s : seqs) {
      auto first = s.tokens.begin() + s.prompt_len;
      result.tokens.emplace_back(first, first + 1 + workload_.decode_steps);
    }
    result.steps = steps_;
    result.vocab_per_rank = dims_.vocab;
    return result;
  }

  Workload workload_;
  const PatchSet* patches_;
  Emitter em_;
  StepGraph graphs_;
  DenseDims dims_;
  std::unique_ptr<DenseTarget> target_;
  std::unique_ptr<DflashDraft> draft_;
  PagedKvCache target_cache_, draft_cache_;
  std::vector<int64_t> layer_ids_;
  int64_t block_ = 1;
  int32_t mask_token_ = -1;
  bool calibrating_ = false;
  int64_t calibration_samples_ = 0;
  double calibration_fit_accuracy_ = 0;
  std::vector<StepMark> steps_;
};

}  // namespace

std::vector<int64_t> dflash_target_layer_ids(int64_t target_layers, int64_t draft_layers) {
  if (draft_layers <= 1) return {target_layers / 2};
  const int64_t start = 1, end = std::max<int64_t>(start, target_layers - 3);
  std::vector<int64_t> ids;
  for (int64_t i = 0; i < draft_layers; ++i) {
    double at = start + static_cast<double>(i * (end - start)) / static_cast<double>(draft_layers - 1);
    ids.push_back(std::min<int64_t>(std::llround(at), target_layers - 1));
  }
  return ids;
}

EngineResult run_dflash(const ModelConfig& target, const ModelConfig& draft,
                        const Workload& workload, const PatchSet& patches, OpSink& sink) {
  // The server's start-up checks come before any weight is loaded.
  check_dflash_draft_backend(attention_backend_for_platform(sink.capabilities().platform()),
                             patches);
  require_measured_acceptance(workload.spec.accepted_per_step, sink.functional());
  Session session(target, &draft, workload, &patches, sink);
  return session.run_speculative();
}

EngineResult run_target_greedy(const ModelConfig& target, const Workload& workload, OpSink& sink) {
  Session session(target, nullptr, workload, nullptr, sink);
  return session.run_greedy();
}

}  // namespace npusim::engine::spec
