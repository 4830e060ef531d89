#include "engine/spec/nextn_runner.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>

#include "engine/graph_runner.h"
#include "engine/layers/basic_ops.h"
#include "engine/model_runner.h"
#include "engine/runtime_env/runtime_env.h"
#include "engine/runtime_env/scoped_env_override.h"
#include "engine/spec/acceptance_stats.h"
#include "engine/spec/greedy_verification.h"
#include "engine/spec/nextn_draft.h"
#include "op_stream/failure.h"
#include "op_stream/seeded_fill.h"

namespace npusim::engine::spec {

namespace {

constexpr uint64_t kRequestSeedStride = 0x9E3779B97F4A7C15ULL;
constexpr const char* kBf16Dispatch = "SGLANG_DEEPEP_BF16_DISPATCH";
constexpr const char* kInt8Dispatch = "DEEP_NORMAL_MODE_USE_INT8_QUANT";

DType model_dtype(const std::string& name) { return name == "float16" ? DType::f16 : DType::bf16; }

struct Sequence {
  std::vector<int32_t> tokens;  // prompt + generated; the last one is not in the KV yet
  int64_t prompt_len = 0;
  int64_t context() const { return static_cast<int64_t>(tokens.size()) - 1; }
  int64_t generated() const { return static_cast<int64_t>(tokens.size()) - prompt_len; }
};

class NextnServer {
 public:
  NextnServer(const ModelConfig& config, const Workload& w, const PatchSet& patches, OpSink& sink)
      : config_(config), w_(w), patches_(patches), em_(sink),
        target_(em_, config, patches,
                RunOptions{w.tp, model_dtype(w.dtype), QuantConfig::parse(w.quantization)}) {}

  EngineResult serve() {
    // A new server process starts with the environment's defaults; overrides
    // leak only between the requests it serves.
    RuntimeEnv::process().reset_all();
    speculative_ = w_.spec.method == "nextn";
    const int64_t k = speculative_ ? std::max<int64_t>(1, w_.spec.num_steps) : 0;
    steps_per_verify_ = k;
    max_tokens_ = w_.prompt_len + w_.decode_steps + 2 * (k + 1);
    load();
    for (int64_t r = 0; r < std::max<int64_t>(1, w_.spec.requests); ++r) {
      std::string leaked;
      for (const auto& [name, value] : RuntimeEnv::process().changed())
        leaked += (leaked.empty() ? "" : ", ") + name + "=" + (value ? "1" : "0");
      if (!leaked.empty())
        result_.spec.leaked_env.push_back("request " + std::to_string(r) + ": " + leaked);
      try {
        serve_request(r);
      } catch (const FailureError& error) {
        // A device fault inside the request aborts that request; the server goes on.
        if (error.failure().kind != "injected_fault") throw;
        result_.spec.failed_requests.push_back("request " + std::to_string(r) + ": " +
                                               error.failure().to_string());
        while (em_.frame_depth() > base_frames_) em_.pop_frame();
      }
    }
    double total = 0;
    for (double a : result_.spec.acceptance_lengths) total += a;
    if (!result_.spec.acceptance_lengths.empty())
      result_.spec.mean_acceptance_length =
          total / static_cast<double>(result_.spec.acceptance_lengths.size());
    return result_;
  }

 private:
  void load() {
    em_.set_phase("load");
    const DType dtype = model_dtype(w_.dtype);
    Checkpoint checkpoint = make_synthetic_checkpoint(target_.parameter_specs(), w_.seed);
    // GLM-4.7 w8a8 checkpoints for NPU keep the MTP layer unquantized.
    add_to_checkpoint(checkpoint,
                      nextn_checkpoint_specs(config_, target_.dims(), QuantConfig{"none"}, dtype),
                      w_.seed);
    target_.load(checkpoint, w_.batch, max_tokens_);
    result_.vocab_per_rank = target_.dims().vocab;
    if (em_.functional()) result_.weights["target"] = synthetic_weights_note(w_.seed);
    if (!speculative_) return;
    if (em_.functional()) result_.weights["draft"] = synthetic_weights_note(w_.seed);
    const std::string platform = em_.capabilities().platform();
    draft_quant_ = nextn_draft_quant(target_.options().quant, w_.spec.draft_quantization, platform,
                                     patches_);
    draft_ = std::make_unique<NextnDraft>(
        em_, config_, patches_, RunOptions{w_.tp, dtype, draft_quant_});
    draft_->load(checkpoint, w_.batch, max_tokens_);
    // SGLang sets these around the unquantized draft's forward when the server
    // runs a quantized model on NPU (glm4_moe_nextn.py forward).
    override_env_ = platform == "npu" && !draft_quant_.quantizes_linears() &&
                    target_.options().quant.quantizes_linears();
  }

  std::vector<Sequence> prompts(int64_t request) const {
    const int64_t b = w_.batch, p = w_.prompt_len, vocab = config_.vocab_size;
    const uint64_t seed = (w_.seed + static_cast<uint64_t>(request) * kRequestSeedStride) >> 1;
    const std::vector<float> u = seeded_fill("uniform", seed, 1.0, b * p);
    std::vector<Sequence> seqs(static_cast<size_t>(b));
    for (int64_t s = 0; s < b; ++s) {
      seqs[s].prompt_len = p;
      for (int64_t i = 0; i < p; ++i) {
        const double unit = (static_cast<double>(u[s * p + i]) + 1.0) / 2.0;
        seqs[s].tokens.push_back(
            static_cast<int32_t>(std::min<int64_t>(vocab - 1, static_cast<int64_t>(unit * vocab))));
      }
    }
    return seqs;
  }

  TensorRef write_ints(const std::vector<float>& values, const std::string& name) {
    TensorRef t = em_.temp({static_cast<int64_t>(values.size())}, DType::i32, name);
    em_.write(t, em_.functional() ? values : std::vector<float>{});
    return t;
  }

  // An extend batch: rows_of[b] tokens of sequence b starting at position first[b].
  ForwardBatch extend_batch(ModelRunner& runner, const std::vector<std::vector<int32_t>>& ids,
                            const std::vector<int64_t>& first) {
    ForwardBatch fb;
    fb.mode = "extend";
    std::vector<float> tokens, positions, slots;
    for (size_t b = 0; b < ids.size(); ++b) {
      const auto n = static_cast<int64_t>(ids[b].size());
      fb.query_lens.push_back(n);
      fb.kv_lens.push_back(first[b] + n);
      for (int64_t i = 0; i < n; ++i) {
        tokens.push_back(static_cast<float>(ids[b][i]));
        positions.push_back(static_cast<float>(first[b] + i));
        slots.push_back(static_cast<float>(runner.kv_cache().slot(static_cast<int64_t>(b), first[b] + i)));
      }
    }
    fb.input_ids = write_ints(tokens, "input_ids");
    fb.positions = write_ints(positions, "positions");
    fb.slot_mapping = write_ints(slots, "slot_mapping");
    TensorRef table = em_.temp({w_.batch, runner.kv_cache().blocks_per_sequence()}, DType::i32, "block_table");
    em_.write(table, em_.functional() ? runner.kv_cache().block_table(w_.batch) : std::vector<float>{});
    fb.block_table = table;
    return fb;
  }

  std::vector<int32_t> sample(const TensorRef& logits, int64_t step) {
    const TensorRef ids = greedy_sample(em_, logits);
    if (auto values = em_.read(ids)) {
      std::vector<int32_t> tokens;
      for (float v : *values) tokens.push_back(static_cast<int32_t>(std::lround(v)));
      return tokens;
    }
    std::vector<int32_t> tokens;
    for (int64_t i = 0; i < ids.shape[0]; ++i)
      tokens.push_back(placeholder_token(w_.seed, step, i, config_.vocab_size));
    return tokens;
  }

  // The draft forward with SGLang's environment overrides around it: scoped
  // (sglang#25524 review fix) or set and reset by hand (before it).
  ForwardOutputs draft_forward(const ForwardBatch& batch, const TensorRef& hidden) {
    auto body = [&] { return draft_->forward(batch, hidden); };
    if (!override_env_) return body();
    RuntimeEnv& env = RuntimeEnv::process();
    if (patches_.on("sglang#25524/scoped-override")) {
      ScopedEnvOverride bf16(env, kBf16Dispatch, true);
      ScopedEnvOverride int8(env, kInt8Dispatch, false);
      return body();
    }
    env.set(kBf16Dispatch, true);
    env.set(kInt8Dispatch, false);
    ForwardOutputs out = body();
    env.reset(kBf16Dispatch);
    env.reset(kInt8Dispatch);
    return out;
  }

  void mark(const std::string& kind, int64_t step, int64_t tokens) {
    em_.synchronize(kind, step);
    result_.steps.push_back({kind, step, tokens, em_.records_issued()});
  }

  // Rows of `hidden` [R, H] picked by host row indices, in a new tensor.
  TensorRef rows(const TensorRef& hidden, const std::vector<float>& indices) {
    return gather_rows(em_, hidden, write_ints(indices, "row_indices"), "hidden_rows");
  }

  void serve_request(int64_t request) {
    base_frames_ = em_.frame_depth();
    std::vector<Sequence> seqs = prompts(request);
    const auto b = static_cast<size_t>(w_.batch);
    // Prefill: every prompt row goes to the LM head (the draft needs their hidden states).
    em_.set_phase("prefill");
    em_.push_frame();
    std::vector<std::vector<int32_t>> ids(b);
    std::vector<int64_t> zero(b, 0);
    for (size_t s = 0; s < b; ++s) ids[s] = seqs[s].tokens;
    ForwardOutputs out = target_.forward(extend_batch(target_, ids, zero));
    std::vector<int32_t> next = sample(out.logits, 0);
    const int64_t p = w_.prompt_len;
    for (size_t s = 0; s < b; ++s) seqs[s].tokens.push_back(next[s * p + p - 1]);
    std::vector<std::vector<int32_t>> drafts(b);
    if (speculative_) {
      // Draft prefill: position j sees the target's hidden at j and token j + 1.
      std::vector<std::vector<int32_t>> shifted(b);
      for (size_t s = 0; s < b; ++s) shifted[s].assign(seqs[s].tokens.begin() + 1, seqs[s].tokens.end());
      drafts = propose(shifted, zero, out.hidden, 0);
    }
    mark("prefill", 0, w_.batch * p);
    em_.pop_frame();
    for (int64_t step = 0; !done(seqs); ++step) {
      if (speculative_) {
        verify(seqs, drafts, step);
      } else {
        decode(seqs, step);
      }
    }
    for (auto& s : seqs) {
      auto first = s.tokens.begin() + s.prompt_len;
      result_.tokens.emplace_back(first, first + 1 + w_.decode_steps);
    }
  }

  bool finished(const Sequence& s) const { return s.generated() >= 1 + w_.decode_steps; }
  bool done(const std::vector<Sequence>& seqs) const {
    return std::all_of(seqs.begin(), seqs.end(), [&](const Sequence& s) { return finished(s); });
  }

  // Draft extend over `tokens` (the token after each new position) at
  // positions first[b].., conditioned on `hidden` rows in the same order; then
  // steps_per_verify_ - 1 chained draft decodes on the draft's own hidden.
  std::vector<std::vector<int32_t>> propose(const std::vector<std::vector<int32_t>>& tokens,
                                            const std::vector<int64_t>& first,
                                            const TensorRef& hidden, int64_t step) {
    em_.set_phase("draft");
    const size_t b = tokens.size();
    std::vector<std::vector<int32_t>> drafts(b);
    ForwardOutputs out = draft_forward(extend_batch(draft_->runner(), tokens, first), hidden);
    std::vector<int32_t> proposed = sample(out.logits, step);
    std::vector<float> last_rows;
    std::vector<int64_t> next_first(b);
    std::vector<std::vector<int32_t>> next_tokens(b);
    int64_t row = 0;
    for (size_t s = 0; s < b; ++s) {
      row += static_cast<int64_t>(tokens[s].size());
      last_rows.push_back(static_cast<float>(row - 1));
      drafts[s].push_back(proposed[row - 1]);
      next_first[s] = first[s] + static_cast<int64_t>(tokens[s].size());
    }
    TensorRef h = rows(out.hidden, last_rows);
    for (int64_t k = 1; k < steps_per_verify_; ++k) {
      for (size_t s = 0; s < b; ++s) next_tokens[s] = {drafts[s].back()};
      out = draft_forward(extend_batch(draft_->runner(), next_tokens, next_first), h);
      proposed = sample(out.logits, step);
      for (size_t s = 0; s < b; ++s) {
        drafts[s].push_back(proposed[s]);
        ++next_first[s];
      }
      h = out.hidden;
    }
    return drafts;
  }

  void verify(std::vector<Sequence>& seqs, std::vector<std::vector<int32_t>>& drafts, int64_t step) {
    em_.set_phase("verify");
    em_.push_frame();
    const size_t b = seqs.size();
    std::vector<std::vector<int32_t>> ids(b);
    std::vector<int64_t> first(b);
    for (size_t s = 0; s < b; ++s) {
      ids[s] = {seqs[s].tokens.back()};
      ids[s].insert(ids[s].end(), drafts[s].begin(), drafts[s].end());
      first[s] = seqs[s].context();
    }
    ForwardOutputs out = target_.forward(extend_batch(target_, ids, first));
    std::vector<int32_t> target_tokens = sample(out.logits, step + 1);
    std::vector<std::vector<int32_t>> shifted(b);
    std::vector<float> accepted_rows;
    const auto width = static_cast<int64_t>(steps_per_verify_ + 1);
    for (size_t s = 0; s < b; ++s) {
      auto begin = target_tokens.begin() + static_cast<int64_t>(s) * width;
      if (finished(seqs[s])) {
        // It waits in the static batch until the others finish: nothing is
        // accepted or counted, and the draft re-extends over its last position.
        accepted_rows.push_back(static_cast<float>(static_cast<int64_t>(s) * width));
        shifted[s] = {seqs[s].tokens.back()};
        continue;
      }
      VerificationResult v;
      if (em_.functional()) {
        v = verify_greedy(drafts[s], {begin, begin + width});
      } else {
        // Timing replays the functional run's lengths in the order it recorded them.
        v.accepted_drafts = measured_accepted_drafts(w_.spec.accepted_per_step, replayed_++, steps_per_verify_);
        v.emitted_tokens.assign(begin, begin + v.accepted_drafts + 1);
      }
      result_.spec.acceptance_lengths.push_back(v.accepted_drafts + 1);
      for (int i = 0; i <= v.accepted_drafts; ++i)
        accepted_rows.push_back(static_cast<float>(static_cast<int64_t>(s) * width + i));
      // The draft extends over the verified positions: the token after each.
      shifted[s].assign(drafts[s].begin(), drafts[s].begin() + v.accepted_drafts);
      shifted[s].push_back(v.emitted_tokens.back());
      seqs[s].tokens.insert(seqs[s].tokens.end(), v.emitted_tokens.begin(), v.emitted_tokens.end());
    }
    ++result_.spec.verify_steps;
    result_.spec.draft_tokens_proposed += steps_per_verify_;
    drafts = propose(shifted, first, rows(out.hidden, accepted_rows), step + 1);
    mark("verify", step, w_.batch * width);
    em_.pop_frame();
  }

  void decode(std::vector<Sequence>& seqs, int64_t step) {
    em_.set_phase("decode");
    em_.push_frame();
    const size_t b = seqs.size();
    std::vector<std::vector<int32_t>> ids(b);
    std::vector<int64_t> first(b);
    for (size_t s = 0; s < b; ++s) {
      ids[s] = {seqs[s].tokens.back()};
      first[s] = seqs[s].context();
    }
    ForwardOutputs out = target_.forward(extend_batch(target_, ids, first));
    std::vector<int32_t> next = sample(out.logits, step + 1);
    for (size_t s = 0; s < b; ++s) seqs[s].tokens.push_back(next[s]);
    mark("decode", step, w_.batch);
    em_.pop_frame();
  }

  const ModelConfig& config_;
  const Workload& w_;
  const PatchSet& patches_;
  Emitter em_;
  ModelRunner target_;
  std::unique_ptr<NextnDraft> draft_;
  QuantConfig draft_quant_;
  bool speculative_ = false;
  bool override_env_ = false;
  int64_t steps_per_verify_ = 0;
  int64_t max_tokens_ = 0;
  int64_t replayed_ = 0;  // timing mode: measured acceptance lengths used so far
  size_t base_frames_ = 0;
  EngineResult result_;
};

}  // namespace

EngineResult run_nextn(const ModelConfig& config, const Workload& workload,
                       const PatchSet& patches, OpSink& sink) {
  if (config.num_nextn_predict_layers < 1 && workload.spec.method == "nextn") {
    throw FailureError(Failure{"config", "nextn", "num_nextn_predict_layers", "0", "spec.nextn.config",
                               "the model has no NextN layer", "use a model with num_nextn_predict_layers >= 1",
                               config.source_path});
  }
  if (workload.spec.method == "nextn")
    require_measured_acceptance(workload.spec.accepted_per_step, sink.functional());
  NextnServer server(config, workload, patches, sink);
  return server.serve();
}

}  // namespace npusim::engine::spec
