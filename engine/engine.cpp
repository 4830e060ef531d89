// run_engine: load, prefill, then decode steps (eager or through the graph runner).
#include "engine/engine.h"

#include "engine/graph_runner.h"
#include "engine/model_runner.h"
#include "engine/spec/speculative.h"
#include "op_stream/failure.h"
#include "op_stream/seeded_fill.h"

namespace npusim::engine {
namespace {
// Prompt tokens: seeded_fill("uniform") over [-1, 1) mapped onto [0, vocab).
constexpr uint64_t kPromptSeedSalt = 0x70726f6d7074ull;  // "prompt"

[[noreturn]] void bad_input(const std::string& field, const std::string& value, const std::string& why) {
  throw FailureError({"input", "workload", field, value, "", why, "", ""});
}

DType model_dtype(const std::string& name) { return name == "float16" ? DType::f16 : DType::bf16; }

}  // namespace

std::vector<std::vector<int32_t>> prompt_tokens(uint64_t seed, int64_t batch, int64_t len, int64_t vocab) {
  const std::vector<float> u = seeded_fill("uniform", (seed ^ kPromptSeedSalt) >> 1, 1.0, batch * len);
  std::vector<std::vector<int32_t>> prompts(static_cast<size_t>(batch));
  for (int64_t b = 0; b < batch; ++b)
    for (int64_t i = 0; i < len; ++i) {
      const double unit = (static_cast<double>(u[static_cast<size_t>(b * len + i)]) + 1.0) / 2.0;
      prompts[static_cast<size_t>(b)].push_back(
          static_cast<int32_t>(std::min<int64_t>(vocab - 1, static_cast<int64_t>(unit * static_cast<double>(vocab)))));
    }
  return prompts;
}

namespace {
class EngineRun {
 public:
  EngineRun(const ModelConfig& config, const Workload& w, const PatchSet& patches, OpSink& sink)
      : w_(w), em_(sink),
        runner_(em_, config, patches, RunOptions{w.tp, model_dtype(w.dtype), QuantConfig::parse(w.quantization)}),
        graphs_(runner_) {}

  EngineResult run() {
    const int64_t max_tokens = w_.prompt_len + (w_.phase == "decode" ? w_.decode_steps : 0);
    em_.set_phase("load");
    runner_.load(make_synthetic_checkpoint(runner_.parameter_specs(), w_.seed), w_.batch, max_tokens);
    result_.vocab_per_rank = runner_.dims().vocab;
    if (em_.functional()) result_.weights["target"] = synthetic_weights_note(w_.seed);
    result_.tokens.resize(static_cast<size_t>(w_.batch));
    prefill();
    if (w_.phase == "decode")
      for (int64_t step = 0; step < w_.decode_steps; ++step) decode(step);
    return result_;
  }

 private:
  void prefill() {
    em_.set_phase("prefill");
    em_.set_module(-1, "scheduler");
    em_.push_frame();
    const int64_t b = w_.batch, len = w_.prompt_len;
    const auto prompts = prompt_tokens(w_.seed, b, len, runner_.config().vocab_size);
    std::vector<float> ids, positions, slots, last_rows;
    for (int64_t s = 0; s < b; ++s) {
      for (int64_t i = 0; i < len; ++i) {
        ids.push_back(static_cast<float>(prompts[static_cast<size_t>(s)][static_cast<size_t>(i)]));
        positions.push_back(static_cast<float>(i));
        slots.push_back(static_cast<float>(runner_.kv_cache().slot(s, i)));
      }
      last_rows.push_back(static_cast<float>((s + 1) * len - 1));
    }
    ForwardBatch fb;
    fb.mode = "extend";
    fb.query_lens.assign(static_cast<size_t>(b), len);
    fb.kv_lens = fb.query_lens;
    fb.input_ids = write_temp({b * len}, ids, "input_ids");
    fb.positions = write_temp({b * len}, positions, "positions");
    fb.slot_mapping = write_temp({b * len}, slots, "slot_mapping");
    fb.block_table = write_temp({b, runner_.kv_cache().blocks_per_sequence()}, runner_.kv_cache().block_table(b),
                                "block_table");
    fb.logits_indices = write_temp({b}, last_rows, "logits_indices");
    const ForwardOutputs out = runner_.forward(fb);
    sample(out.logits, greedy_sample(em_, out.logits));
    em_.pop_frame();
    end_step("prefill", 0, b * len);
  }

  void decode(int64_t step) {
    em_.set_phase("decode");
    em_.set_module(-1, "scheduler");
    const int64_t b = w_.batch, position = w_.prompt_len + step;
    DecodeInputs in;
    for (int64_t s = 0; s < b; ++s) {
      in.input_ids.push_back(static_cast<float>(result_.tokens[static_cast<size_t>(s)].back()));
      in.positions.push_back(static_cast<float>(position));
      in.slot_mapping.push_back(static_cast<float>(runner_.kv_cache().slot(s, position)));
      in.kv_lens.push_back(position + 1);
    }
    in.block_table = runner_.kv_cache().block_table(b);
    em_.push_frame();
    if (w_.use_graph) {
      if (!graphs_.captured(b)) graphs_.capture(in);
      em_.set_phase("decode");
      const StaticDecodeBuffers s = graphs_.replay(in);
      sample(s.logits, s.next_ids);
    } else {
      const ForwardOutputs out = runner_.forward(decode_batch(em_, runner_.kv_cache(), in));
      sample(out.logits, greedy_sample(em_, out.logits));
    }
    em_.pop_frame();
    end_step("decode", step, b);
  }

  TensorRef write_temp(const Shape& shape, const std::vector<float>& values, const std::string& name) {
    TensorRef t = em_.temp(shape, DType::i32, name);
    em_.write(t, values);
    return t;
  }

  // Reads the sampled ids (placeholders in timing mode).
  void sample(const TensorRef& logits, const TensorRef& ids) {
    em_.set_module(-1, "sampler");
    const auto values = em_.read(ids);
    for (int64_t s = 0; s < w_.batch; ++s)
      result_.tokens[static_cast<size_t>(s)].push_back(
          values ? static_cast<int32_t>((*values)[static_cast<size_t>(s)])
                 : placeholder_token(w_.seed, static_cast<int64_t>(result_.steps.size()), s, runner_.config().vocab_size));
    if (em_.functional()) {
      if (auto l = em_.read(logits)) result_.final_logits = *l;
    }
  }

  // The step's last record: sim/ measures TTFT/TPOT between these.
  void end_step(const std::string& kind, int64_t step, int64_t tokens) {
    em_.set_module(-1, "scheduler");
    em_.synchronize(kind, step);
    result_.steps.push_back({kind, step, tokens, em_.records_issued()});
  }

  const Workload& w_;
  Emitter em_;
  ModelRunner runner_;
  GraphRunner graphs_;
  EngineResult result_;
};
}  // namespace

void Workload::validate() const {
  if (phase != "prefill" && phase != "decode") bad_input("phase", phase, "phase must be prefill or decode");
  if (batch <= 0) bad_input("batch", std::to_string(batch), "batch must be positive");
  if (prompt_len <= 0) bad_input("prompt_len", std::to_string(prompt_len), "prompt_len must be positive");
  if (decode_steps < 0) bad_input("decode_steps", std::to_string(decode_steps), "decode_steps must be >= 0");
  if (tp <= 0) bad_input("tp", std::to_string(tp), "tp must be positive");
  if (dtype != "bfloat16" && dtype != "float16") bad_input("dtype", dtype, "dtype must be bfloat16 or float16");
  QuantConfig::parse(quantization);
}

std::string synthetic_weights_note(uint64_t seed) {
  return "seeded (untrained) from workload seed " + std::to_string(seed);
}

int32_t placeholder_token(uint64_t seed, int64_t step, int64_t sequence, int64_t vocab) {
  uint64_t h = seed * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(step) * 0xBF58476D1CE4E5B9ull +
               static_cast<uint64_t>(sequence) * 0x94D049BB133111EBull;
  h ^= h >> 31;
  return static_cast<int32_t>(h % static_cast<uint64_t>(vocab));
}

EngineResult run_engine(const ModelConfig& config, const Workload& workload, const PatchSet& patches, OpSink& sink) {
  workload.validate();
  if (sink.functional() && workload.tp != 1)
    bad_input("tp", std::to_string(workload.tp),
              "functional mode computes one rank without the all-reduce, so it needs tp 1 (timing mode takes any tp)");
  const int64_t positions = workload.prompt_len + (workload.phase == "decode" ? workload.decode_steps : 0);
  if (positions > config.max_position_embeddings)
    bad_input("prompt_len", std::to_string(workload.prompt_len),
              "prompt_len + decode_steps = " + std::to_string(positions) + " exceeds the model's max_position_embeddings " +
                  std::to_string(config.max_position_embeddings));
  if (spec::is_speculative(workload)) return spec::run_speculative(config, workload, patches, sink);
  return EngineRun(config, workload, patches, sink).run();
}

}  // namespace npusim::engine
