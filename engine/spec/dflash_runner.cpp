#include "engine/spec/dflash_runner.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <memory>

#include "engine/spec/acceptance_stats.h"
#include "engine/spec/dflash_draft.h"
#include "engine/spec/dense_target.h"
#include "engine/spec/draft_backends.h"
#include "engine/spec/greedy_verification.h"
#include "engine/spec/step_graph.h"
#include "engine/weights/safetensors_file.h"
#include "op_stream/failure.h"
#include "op_stream/seeded_fill.h"

namespace npusim::engine::spec {

namespace {

// FIA paged attention: prefill block_size 128..512 in multiples of 128 (FACTS.md).
constexpr int64_t kKvBlockSize = 128;

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

struct Sequence {
  std::vector<int32_t> tokens;  // prompt + generated; the last one is not in the KV yet
  int64_t prompt_len = 0;
  int64_t context() const { return static_cast<int64_t>(tokens.size()) - 1; }
  int64_t generated() const { return static_cast<int64_t>(tokens.size()) - prompt_len; }
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
    if (em_.functional()) load_trained_target(target);
    // Room for the request plus the block a verify step may run past it.
    const int64_t max_tokens = workload.prompt_len + workload.decode_steps + 2 * block_size(draft);
    target_cache_ = target_->stack().make_cache(workload.batch, max_tokens, kKvBlockSize);
    if (draft) init_draft(target, *draft, dtype, max_tokens);
  }

  EngineResult run_greedy() {
    capture_target_graph("target_decode", "decode", 1);
    std::vector<Sequence> seqs = make_prompts(workload_.seed);
    prefill(seqs, "prefill");
    for (int64_t step = 0; step < workload_.decode_steps; ++step) decode(seqs, step);
    return finish(seqs);
  }

  EngineResult run_speculative() {
    capture_draft_graph();
    capture_target_graph("target_verify", "verify", block_);
    std::vector<Sequence> seqs = make_prompts(workload_.seed);
    prefill(seqs, "prefill");
    AcceptanceStats stats;
    int64_t steps = 0;
    for (; !done(seqs); ++steps) {
      auto drafts = draft(seqs, steps);
      verify(seqs, drafts, steps, "verify", &stats);
    }
    EngineResult result = finish(seqs);
    for (int emitted : stats.emitted_per_step) result.spec.acceptance_lengths.push_back(emitted);
    result.spec.mean_acceptance_length = stats.acceptance_length();
    result.spec.verify_steps = steps;
    result.spec.draft_tokens_proposed = steps * (block_ - 1);
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
    if (em_.functional()) load_trained_draft(draft);
  }

  // The tiny target's trained weights (tools/dflash/train_tiny_qwen3_target.py);
  // without them it stays seeded from the workload seed, as every other
  // functional model is, and says so.
  void load_trained_target(const ModelConfig& target) {
    const std::string path = trained_weights_path(target);
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      target_weights_ = synthetic_weights_note(workload_.seed) + ": no " + path;
      target_weights_id_ = "seeded:" + std::to_string(workload_.seed);
      return;
    }
    const SafetensorsFile checkpoint = read_safetensors(path);
    target_->load_weights(checkpoint);
    target_weights_id_ = metadata_value(checkpoint, "weights_id");
    // The file name, not the path: run results stay the same wherever the tree is.
    target_weights_ = std::filesystem::path(path).filename().string() + " (" + target_weights_id_ + ")";
  }

  // The tiny draft's trained weights (tools/dflash/train_tiny_dflash_draft.py),
  // trained against one target's weights and layers; without them the draft
  // stays seeded (untrained) and says so in the result.
  void load_trained_draft(const ModelConfig& draft) {
    const std::string path = trained_weights_path(draft);
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      draft_weights_ = synthetic_weights_note(workload_.seed) + ": no " + path;
      return;
    }
    const SafetensorsFile checkpoint = read_safetensors(path);
    std::string layer_ids;
    for (int64_t id : layer_ids_) layer_ids += (layer_ids.empty() ? "" : ",") + std::to_string(id);
    const std::string trained_against = metadata_value(checkpoint, "target_weights");
    const std::string trained_layers = metadata_value(checkpoint, "target_layer_ids");
    if (trained_against != target_weights_id_ || trained_layers != layer_ids) {
      throw FailureError(Failure{
          "config", "dflash", "target_weights", target_weights_id_, "spec.dflash.trained_target",
          "the draft checkpoint was trained against target weights " + trained_against +
              ", reading layers " + trained_layers + "; this run's target has weights " +
              target_weights_ + ", reading layers " + layer_ids,
          "a draft only predicts the target it was trained against: retrain it with "
          "python3 tools/dflash/train_tiny_dflash_draft.py --out " + path +
              " (engine/models/README.md)",
          path});
    }
    draft_->load_weights(checkpoint);
    draft_weights_ = std::filesystem::path(path).filename().string();
  }

  static std::string metadata_value(const SafetensorsFile& checkpoint, const std::string& key) {
    auto it = checkpoint.metadata.find(key);
    return it == checkpoint.metadata.end() ? std::string("(no " + key + " in the checkpoint)")
                                           : it->second;
  }

  bool patch(const std::string& id) const { return patches_->on(id); }

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

  bool finished(const Sequence& s) const { return s.generated() >= 1 + workload_.decode_steps; }
  bool done(const std::vector<Sequence>& seqs) const {
    return std::all_of(seqs.begin(), seqs.end(), [&](const Sequence& s) { return finished(s); });
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

  std::string graph_name(const std::string& kind) const {
    return kind + ".bs" + std::to_string(workload_.batch);
  }

  // What a graph's forward reads: positions 0..tokens_each-1 of every
  // sequence. At capture they stand in for real ones; the warm-up's KV writes
  // there are overwritten (prefill, or the step's own block) before any step
  // reads them.
  StepPositions capture_positions(int64_t tokens_each) const {
    return StepPositions{std::vector<int64_t>(workload_.batch, tokens_each),
                         std::vector<int64_t>(workload_.batch, tokens_each)};
  }

  // The target's forward on its input workspaces, which the step (or the
  // capture) has written.
  TargetOutputs forward_target(const StepPositions& pos) {
    const int64_t t = pos.total_tokens();
    return target_->forward(target_->input_ids(t), target_cache_, pos, target_->stack().make_step_tensors(t));
  }

  // As a graph: what it writes is kept in target_graph_outputs_, which every
  // replay writes again. A session runs one target graph: decode for plain
  // greedy, verify for DFlash.
  std::function<void()> target_graph_forward(const StepPositions& pos) {
    return [this, pos] { target_graph_outputs_ = forward_target(pos); };
  }

  void write_target_inputs(const std::vector<int32_t>& ids_host, const StepPositions& pos) {
    const int64_t t = pos.total_tokens();
    write_ids(target_->input_ids(t), ids_host);
    target_->stack().write_positions(target_cache_, pos, target_->stack().make_step_tensors(t));
  }

  void capture_target_graph(const std::string& kind, const std::string& phase, int64_t tokens_each) {
    set_phase("capture");
    const StepPositions pos = capture_positions(tokens_each);
    write_target_inputs(std::vector<int32_t>(pos.total_tokens(), 0), pos);
    graphs_.capture(em_, graph_name(kind), phase, target_graph_forward(pos));
  }

  // Eager when `kind` is empty (prefill), else a replay of that target graph.
  TargetOutputs target_forward(const std::vector<int32_t>& ids_host, const StepPositions& pos,
                               const std::string& kind) {
    write_target_inputs(ids_host, pos);
    if (kind.empty()) return forward_target(pos);
    graphs_.run(em_, graph_name(kind), pos.kv_lengths, target_graph_forward(pos));
    return target_graph_outputs_;
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
        target_forward(ids, pos, "target_decode");
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

  // The draft's block forward on its static input_embeds, writing its
  // proposals into draft_ids_.
  std::function<void()> draft_graph_forward(const StepPositions& pos) {
    return [this, pos] {
      const int64_t t = pos.total_tokens();
      const BlockAttention attention = patch("sglang#23122/noncausal-mask") ? BlockAttention::encoder_only
                                                                            : BlockAttention::causal;
      draft_ids_ = draft_->block_forward(draft_->static_input_embeds(t), draft_cache_, pos,
                                         draft_->stack().make_step_tensors(t), attention);
    };
  }

  void capture_draft_graph() {
    set_phase("capture");
    const StepPositions pos = capture_positions(block_);
    draft_->stack().write_positions(draft_cache_, pos, draft_->stack().make_step_tensors(pos.total_tokens()));
    graphs_.capture(em_, graph_name("dflash_draft"), "draft", draft_graph_forward(pos));
  }

  std::vector<std::vector<int32_t>> draft(const std::vector<Sequence>& seqs, int64_t step) {
    const std::string kind = "draft";
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
    draft_->stack().write_positions(draft_cache_, pos, draft_->stack().make_step_tensors(t));
    graphs_.run(em_, graph_name("dflash_draft"), pos.kv_lengths, draft_graph_forward(pos));
    std::vector<int32_t> proposed = read_tokens(draft_ids_, step);
    mark(kind, step, t);
    std::vector<std::vector<int32_t>> drafts;
    for (size_t b = 0; b < seqs.size(); ++b) {
      auto first = proposed.begin() + static_cast<int64_t>(b) * block_ + 1;
      drafts.emplace_back(first, first + block_ - 1);
    }
    return drafts;
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
        target_forward(ids, pos, "target_verify");
    std::vector<int32_t> target_tokens = read_tokens(out.tokens, step);
    StepPositions accepted;
    std::vector<std::vector<int32_t>> emitted;
    for (size_t b = 0; b < seqs.size(); ++b) {
      VerificationResult result;
      auto first = target_tokens.begin() + static_cast<int64_t>(b) * block_;
      if (finished(seqs[b])) {
        // It waits in the static batch until the others finish: nothing is
        // accepted, so its KV stays inside the cache, and it is not counted.
      } else if (em_.functional()) {
        result = verify_greedy(drafts[b], {first, first + block_});
        if (stats) stats->record(result.accepted_drafts);
      } else {
        result.accepted_drafts =
            measured_accepted_drafts(workload_.spec.accepted_per_step, replayed_++, block_ - 1);
        result.emitted_tokens.assign(first, first + result.accepted_drafts + 1);
        if (stats) stats->record(result.accepted_drafts);
      }
      accepted.query_tokens.push_back(result.accepted_drafts + 1);
      accepted.kv_lengths.push_back(seqs[b].context() + result.accepted_drafts + 1);
      emitted.push_back(result.emitted_tokens);
    }
    append_context(out, accepted, block_);
    for (size_t b = 0; b < seqs.size(); ++b)
      seqs[b].tokens.insert(seqs[b].tokens.end(), emitted[b].begin(), emitted[b].end());
    mark(kind, step, pos.total_tokens());
  }

  EngineResult finish(const std::vector<Sequence>& seqs) const {
    EngineResult result;
    for (const auto& s : seqs) {
      auto first = s.tokens.begin() + s.prompt_len;
      result.tokens.emplace_back(first, first + 1 + workload_.decode_steps);
    }
    result.steps = steps_;
    result.vocab_per_rank = dims_.vocab;
    if (em_.functional()) {
      result.weights["target"] = target_weights_;
      if (draft_) result.weights["draft"] = draft_weights_;
    }
    return result;
  }

  Workload workload_;
  const PatchSet* patches_;
  Emitter em_;
  StepGraph graphs_;
  TargetOutputs target_graph_outputs_;  // what the target graph writes
  TensorRef draft_ids_;                 // what the draft graph proposes
  DenseDims dims_;
  std::unique_ptr<DenseTarget> target_;
  std::unique_ptr<DflashDraft> draft_;
  PagedKvCache target_cache_, draft_cache_;
  std::vector<int64_t> layer_ids_;
  int64_t block_ = 1;
  int32_t mask_token_ = -1;
  std::string draft_weights_;
  std::string target_weights_, target_weights_id_;
  int64_t replayed_ = 0;  // timing mode: measured acceptance lengths used so far
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
