// Functional tiny models on a functional device against the independent fp32
// reference: same seeded checkpoint, same prompts.
#include <gtest/gtest.h>

#include <cmath>
#include <ostream>

#include "device_model/config/device_config.h"
#include "device_model/runtime/device.h"
#include "engine/engine.h"
#include "engine/rank_dims.h"
#include "engine/reference/reference_model.h"
#include "engine/weights/parameter_specs.h"

namespace npusim::engine {
namespace {

// One model family's run against the reference, and what it must reach.
struct AccuracyCase {
  const char* name;  // the test's name
  const char* model;
  const char* phase;
  bool use_graph;
  const char* dtype;
  const char* quantization;
  bool same_tokens;  // greedy decoding must pick the reference's tokens
};

// bf16 storage of every activation bounds the agreement: these thresholds are
// what the tiny models reach, checked against the fp32 math.
constexpr double kMinCosine = 0.99;

const AccuracyCase kCases[] = {
    {"Qwen3PrefillLogits", "qwen3-8b", "prefill", false, "bfloat16", "none", true},
    {"Qwen3GreedyDecode", "qwen3-8b", "decode", false, "bfloat16", "none", true},
    {"Glm47FlashMlaPaddedDecode", "glm-4.7-flash", "decode", false, "bfloat16", "none", true},
    // fp16: the padded query heads must take the model's dtype (sglang#21408 review).
    {"Glm47FlashFp16Decode", "glm-4.7-flash", "decode", false, "float16", "none", false},
    {"Glm45vFusedDecodeWithoutQkNorm", "glm-4.5v", "decode", false, "bfloat16", "none", true},
    {"Glm47GqaMoeDecode", "glm-4.7", "decode", false, "bfloat16", "none", true},
    // w8a8: the reference dequantizes the int8 weights with their scales but keeps
    // activations in fp32, so the per-token activation quantization is the error.
    {"Qwen3W8a8Decode", "qwen3-8b", "decode", false, "bfloat16", "w8a8", false},
    // Graph replay must compute what eager decode computes: inputs copied into the
    // static buffers and the captured FIA's KV lengths updated (graph_update) each step.
    {"Qwen3GraphDecode", "qwen3-8b", "decode", true, "bfloat16", "none", true},
    {"Glm47FlashGraphDecode", "glm-4.7-flash", "decode", true, "bfloat16", "none", true},
};

struct Comparison {
  double cosine = 0;
  double max_abs_error = 0;
  double token_agreement = 0;
};

Comparison compare(const AccuracyCase& run) {
  const ModelConfig tiny = tiny_variant(load_model(run.model));
  Workload w;
  w.phase = run.phase;
  w.batch = 2;
  w.prompt_len = 6;
  w.decode_steps = 3;
  w.use_graph = run.use_graph;
  w.dtype = run.dtype;
  w.seed = 7;
  w.quantization = run.quantization;
  device::Device dev(device::DeviceConfig::load("ascend910b"), true);
  const EngineResult got = run_engine(tiny, w, PatchSet(), dev);
  const DType dt = w.dtype == "float16" ? DType::f16 : DType::bf16;
  const Checkpoint checkpoint = make_synthetic_checkpoint(
      model_parameter_specs(tiny, rank_dims(tiny, 1), QuantConfig::parse(w.quantization), dt).specs(), w.seed);
  const ReferenceResult ref = reference_generate(tiny, checkpoint, prompt_tokens(w.seed, w.batch, w.prompt_len, tiny.vocab_size),
                                                 w.phase == "decode" ? w.decode_steps : 0);
  Comparison c;
  double dot = 0, na = 0, nb = 0;
  EXPECT_EQ(got.final_logits.size(), ref.final_logits.size());
  for (size_t i = 0; i < std::min(got.final_logits.size(), ref.final_logits.size()); ++i) {
    const double a = got.final_logits[i], b = ref.final_logits[i];
    dot += a * b;
    na += a * a;
    nb += b * b;
    c.max_abs_error = std::max(c.max_abs_error, std::abs(a - b));
  }
  c.cosine = dot / std::sqrt(na * nb);
  int agree = 0, total = 0;
  for (size_t s = 0; s < ref.tokens.size(); ++s)
    for (size_t i = 0; i < ref.tokens[s].size(); ++i, ++total) agree += got.tokens[s][i] == ref.tokens[s][i];
  c.token_agreement = static_cast<double>(agree) / total;
  std::printf("%s %s graph=%d %s %s: cosine %.5f, max |err| %.4f, greedy agreement %.2f\n", run.model, run.phase,
              run.use_graph, run.dtype, run.quantization, c.cosine, c.max_abs_error, c.token_agreement);
  return c;
}

// ctest lists parameterised tests with their printed parameter: the name, not its bytes.
void PrintTo(const AccuracyCase& run, std::ostream* os) { *os << run.name; }

class ReferenceAccuracy : public ::testing::TestWithParam<AccuracyCase> {};

TEST_P(ReferenceAccuracy, MatchesTheFp32Reference) {
  const AccuracyCase& run = GetParam();
  const Comparison c = compare(run);
  EXPECT_GT(c.cosine, kMinCosine);
  if (run.same_tokens) {
    EXPECT_EQ(c.token_agreement, 1.0);
  }
}

INSTANTIATE_TEST_SUITE_P(ModelFamilies, ReferenceAccuracy, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace npusim::engine
