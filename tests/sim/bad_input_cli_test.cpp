// Bad input of every kind the npusim binary reads (scenario, suite, preset,
// --set, HF config.json, study, op stream) is refused with FILE:LINE, what is wrong,
// what was expected, and exit code 2 (issue 6). Stream records the device
// refuses for running out of memory are simulated failures: exit code 1.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <ostream>
#include <string>
#include <vector>

#include "tests/sim/npusim_cli.h"

namespace {
namespace fs = std::filesystem;
using npusim::testing::CliRun;
using npusim::testing::read_text_file;
using npusim::testing::run_npusim;

const std::string kSource = NPUSIM_SOURCE_DIR;
const std::string kModels = kSource + "/engine/models";

struct BadInput {
  std::string name;
  std::string file;                   // written to the case's directory
  std::string content;                // {models} expands to engine/models
  std::string args;                   // {file} and {dir} expand
  int exit_code;
  std::vector<std::string> expected;  // substrings of the output; {file} expands
};

// gtest names a failing case by this instead of dumping its bytes.
void PrintTo(const BadInput& c, std::ostream* os) { *os << c.name; }

std::string expand(std::string text, const std::string& file, const std::string& dir) {
  for (const auto& [key, value] : {std::pair<std::string, std::string>{"{file}", file}, {"{dir}", dir},
                                   {"{models}", kModels}}) {
    for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size()))
      text.replace(at, key.size(), value);
  }
  return text;
}

// `text` with the first `from` replaced by `to`; fails loudly if `from` is absent.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("test fixture: '" + from + "' not found");
  return text.replace(at, from.size(), to);
}

std::string scenario(const std::string& extra_top, const std::string& variants) {
  return "scenario: bad\nupstream: sglang#0\ntitle: t\nsummary: s\ntrigger: t\nmodel: {models}/qwen3-8b.json\n" +
         extra_top + "variants:\n" + variants;
}
const std::string kVariant = "  - name: v\n    expect: {outcome: ok}\n";

std::string study(const std::string& from, const std::string& to) {
  return replaced("study: s\ntitle: t\nscenario: " + kSource + "/scenarios/sglang_21408_glm47_flash_heads.yaml\n"
                  "variant: fix\nmode: timing\nfidelity: analytic\naxes:\n  - name: batch\n    key: workload.batch\n"
                  "    values: [1, 4]\nmetrics: [timing.tpot_ms]\n",
                  from, to);
}

std::string preset_with(const std::string& from, const std::string& to) {
  return replaced(read_text_file(kSource + "/device_model/presets/ascend910b.yaml"), from, to);
}

std::string config_with(const std::string& from, const std::string& to) {
  return replaced(read_text_file(kModels + "/qwen3-8b.json"), from, to);
}

const std::string kHeader = R"({"schema":"npusim.op_stream","version":1,"source":"test"})" "\n";
const std::string kAlloc = R"({"kind":"alloc","buffer":1,"bytes":1024,"name":"x"})" "\n";
std::string tensor(int buffer, const std::string& shape, const std::string& dtype = "float16") {
  return R"({"name":"x","buffer":)" + std::to_string(buffer) + R"(,"offset_bytes":0,"shape":)" + shape +
         R"(,"dtype":")" + dtype + "\"}";
}
const std::string kStreamArgs = "exec {file}";
const std::string kStudyArgs = "sweep {file} --report-dir {dir}/sweep";
const std::string kScenarioArgs = "run {file} --report-dir {dir}/reports";
const std::string kSuiteArgs = "regress {file} --report-dir {dir}/reports";
const std::string kConfigArgs = "stream --model {file} --phase prefill --seq 8 -o {dir}/out.jsonl";
// A valid stream for the preset cases: they fail while loading the device.
const std::string kPresetArgs = "exec " + kSource + "/tests/sim/data/bad_input_minimal_stream.jsonl --device {file}";

std::vector<BadInput> cases() {
  return {
      // Scenario YAML.
      {"ScenarioMalformedYaml", "s.yaml", "scenario: bad\ntitle: [unclosed\n", kScenarioArgs, 2,
       {"{file}:3", "malformed YAML"}},
      {"ScenarioTruncated", "s.yaml", scenario("", "  - name: v\n    expect: {outcome: o"), kScenarioArgs, 2,
       {"{file}:", "malformed YAML"}},
      {"ScenarioEmptyFile", "s.yaml", "", kScenarioArgs, 2, {"{file}", "not a mapping"}},
      {"ScenarioNotAMapping", "s.yaml", "- a\n- b\n", kScenarioArgs, 2, {"{file}:1", "scenario file is not a mapping"}},
      {"ScenarioMissingRequiredKey", "s.yaml", "scenario: bad\ntitle: t\nvariants: []\n", kScenarioArgs, 2,
       {"{file}:1", "missing key 'upstream'"}},
      {"ScenarioUnknownKeyDidYouMean", "s.yaml", scenario("titel: x\n", kVariant), kScenarioArgs, 2,
       {"{file}:7", "unknown key 'titel' in scenario (did you mean 'title'?)"}},
      {"ScenarioWrongTypeTitle", "s.yaml", replaced(scenario("", kVariant), "title: t", "title: [a, b]"),
       kScenarioArgs, 2, {"{file}:3", "'title' is not a scalar"}},
      {"ScenarioNoVariants", "s.yaml", scenario("", "  []\n"), kScenarioArgs, 2,
       {"{file}:8", "non-empty 'variants' list"}},
      {"ScenarioVariantWithoutExpect", "s.yaml", scenario("", "  - name: v\n"), kScenarioArgs, 2,
       {"{file}:8", "has no 'expect'"}},
      {"ScenarioUnknownOutcome", "s.yaml", scenario("", "  - name: v\n    expect: {outcome: maybe}\n"), kScenarioArgs,
       2, {"{file}:9", "outcome 'maybe', expected ok or failed"}},
      {"ScenarioFailureSignatureNotScalar", "s.yaml",
       scenario("", "  - name: v\n    expect:\n      outcome: failed\n      failure: {kind: [a]}\n"), kScenarioArgs, 2,
       {"{file}:11", "wrong type of value"}},
      {"ScenarioUnknownMode", "s.yaml", scenario("mode: fast\n", kVariant), kScenarioArgs, 2,
       {"{file}:7", "timing, functional or both"}},
      {"ScenarioMissingModelFile", "s.yaml",
       replaced(scenario("", kVariant), "qwen3-8b.json", "no-such-model.json"), kScenarioArgs, 2,
       {"{file}:6", "does not exist"}},
      {"ScenarioDuplicateVariant", "s.yaml", scenario("", kVariant + kVariant), kScenarioArgs, 2,
       {"{file}:10", "duplicate variant name 'v'"}},
      {"ScenarioMetricWithoutMode", "s.yaml",
       scenario("", "  - name: v\n    expect:\n      outcome: ok\n      metrics: {tpot_ms: {max: 1}}\n"),
       kScenarioArgs, 2, {"{file}:11", "names no mode"}},
      {"ScenarioComparisonOfUnknownVariant", "s.yaml",
       scenario("", kVariant) + "comparisons:\n  - {name: c, metric: timing.tpot_ms, variant: vv, baseline_variant: v}\n",
       kScenarioArgs, 2, {"{file}:11", "unknown variant 'vv' (did you mean 'v'?)"}},
      {"ScenarioZeroBatch", "s.yaml", scenario("workload: {batch: 0}\n", kVariant), kScenarioArgs, 2,
       {"{file}:7", "batch must be positive"}},
      {"ScenarioNegativePromptLength", "s.yaml", scenario("workload:\n  prompt_len: -8\n", kVariant), kScenarioArgs,
       2, {"{file}:8", "prompt_len must be positive"}},
      {"ScenarioWorkloadNotAnInteger", "s.yaml", scenario("workload: {decode_steps: few}\n", kVariant),
       kScenarioArgs, 2, {"{file}:7", "workload.decode_steps is 'few', expected an integer"}},
      {"ScenarioUnknownWorkloadKey", "s.yaml", scenario("workload: {promt_len: 8}\n", kVariant), kScenarioArgs, 2,
       {"{file}:7", "unknown workload key 'promt_len' (did you mean 'prompt_len'?)"}},
      {"ScenarioUnknownDtype", "s.yaml", scenario("workload: {dtype: float64}\n", kVariant), kScenarioArgs, 2,
       {"{file}:7", "dtype must be bfloat16 or float16"}},
      {"ScenarioPatchNotOnOff", "s.yaml", scenario("patches: {sglang#21408: maybe}\n", kVariant), kScenarioArgs, 2,
       {"{file}:7", "is 'maybe', expected on or off"}},
      // Suite YAML.
      {"SuiteMalformedYaml", "suite.yaml", "suite: s\nscenarios: [a.yaml\n", kSuiteArgs, 2,
       {"{file}:3", "malformed YAML"}},
      {"SuiteUnknownKeyDidYouMean", "suite.yaml", "suite: s\nscenario: [a.yaml]\n", kSuiteArgs, 2,
       {"{file}:2", "unknown key 'scenario' in suite (did you mean 'scenarios'?)"}},
      {"SuiteMissingScenarioFile", "suite.yaml", "suite: s\nscenarios:\n  - nowhere.yaml\n", kSuiteArgs, 2,
       {"{file}:3", "nowhere.yaml' does not exist"}},
      {"SuiteZeroTimeLimit", "suite.yaml",
       "suite: s\nscenarios: [" + kSource + "/scenarios/sglang_21408_glm47_flash_heads.yaml]\ntime_limit_s: 0\n",
       kSuiteArgs, 2, {"{file}:1", "time_limit_s > 0"}},
      {"SuiteScenarioEntryNotAString", "suite.yaml", "suite: s\nscenarios:\n  - {file: a.yaml}\n", kSuiteArgs, 2,
       {"{file}:3", "wrong type of value"}},
      // Device preset YAML and --set overrides.
      {"PresetMalformedYaml", "p.yaml", "cores:\n  clock_GHz: [1.8\n", kPresetArgs, 2, {"{file}:3", "malformed preset"}},
      {"PresetZeroSize", "p.yaml", preset_with("hbm_bytes: 68719476736", "hbm_bytes: 0"), kPresetArgs, 2,
       {"{file}:", "preset figure 'memory.hbm_bytes' must be > 0"}},
      {"PresetNegativeCount", "p.yaml", preset_with("cube_count: 24", "cube_count: -24"), kPresetArgs, 2,
       {"{file}:", "preset figure 'cores.cube_count' must be > 0"}},
      {"PresetFractionalCount", "p.yaml", preset_with("cube_count: 24", "cube_count: 2.5"), kPresetArgs, 2,
       {"{file}:", "must be a whole number"}},
      {"PresetMissingFigure", "p.yaml", preset_with("hbm_bandwidth_GBps: 1600", "hbm_bandwidth_typo_GBps: 1600"),
       kPresetArgs, 2, {"{file}", "has no key 'memory.hbm_bandwidth_GBps'"}},
      {"PresetDottedKey", "p.yaml", preset_with("hbm_bytes:", "hbm.bytes:"), kPresetArgs, 2,
       {"{file}:", "preset key 'hbm.bytes' is empty or contains '.'"}},
      {"PresetListOfNonNumbers", "p.yaml", preset_with("hbm_bytes: 68719476736", "hbm_bytes: [a, b]"), kPresetArgs,
       2, {"{file}:", "list 'memory.hbm_bytes' holds a non-number"}},
      {"PresetUnknownName", "p.yaml", "", "exec " + kSource + "/tests/sim/data/bad_input_minimal_stream.jsonl --device ascend910c",
       2, {"unknown device preset 'ascend910c' (did you mean 'ascend910b'?)"}},
      {"SetUnknownKeyDidYouMean", "p.yaml", "", kPresetArgs.substr(0, kPresetArgs.find(" --device")) +
       " --set memory.hbm_bytez=1", 2, {"unknown device key 'memory.hbm_bytez' (did you mean 'memory.hbm_bytes'?)"}},
      {"SetWrongType", "p.yaml", "", kPresetArgs.substr(0, kPresetArgs.find(" --device")) +
       " --set memory.hbm_bytes=lots", 2, {"ascend910b.yaml:", "override of 'memory.hbm_bytes' with 'lots': expected a number"}},
      {"SetNotAnAssignment", "p.yaml", "", kPresetArgs.substr(0, kPresetArgs.find(" --device")) +
       " --set memory.hbm_bytes", 2, {"override 'memory.hbm_bytes' is not key=value"}},
      {"SetZeroSize", "p.yaml", "", kPresetArgs.substr(0, kPresetArgs.find(" --device")) +
       " --set memory.hbm_bytes=0", 2, {"ascend910b.yaml:", "preset figure 'memory.hbm_bytes' must be > 0"}},
      // HF config.json.
      {"ConfigMalformedJson", "c.json", config_with("\"head_dim\": 128,", "\"head_dim\": 128,,"), kConfigArgs, 2,
       {"{file}:8:", "not valid JSON"}},
      {"ConfigTruncated", "c.json", read_text_file(kModels + "/qwen3-8b.json").substr(0, 200), kConfigArgs, 2,
       {"{file}:", "not valid JSON"}},
      {"ConfigNameTooLongForTheOs", "c.json", "", "stream --model " + std::string(5000, 'm') + " --phase prefill", 2,
       {"no model 'mmm", "use a name from `npusim models`"}},
      {"ScenarioModelPathTooLongForTheOs", "s.yaml",
       replaced(scenario("", kVariant), "qwen3-8b.json", std::string(5000, 'm') + ".json"), kScenarioArgs, 2,
       {"{file}:6", "does not exist"}},
      {"ConfigNotAnObject", "c.json", "[1, 2]", kConfigArgs, 2, {"{file}:1:1", "must be a JSON object"}},
      {"ConfigMissingRequiredField", "c.json", config_with("\"hidden_size\": 4096,", ""), kConfigArgs, 2,
       {"{file}:1:1", "required field 'hidden_size' is missing"}},
      {"ConfigNegativeSize", "c.json", config_with("\"hidden_size\": 4096", "\"hidden_size\": -4096"), kConfigArgs, 2,
       {"{file}:10:", "field 'hidden_size' must be a positive integer"}},
      {"ConfigWrongType", "c.json", config_with("\"num_attention_heads\": 32", "\"num_attention_heads\": \"32\""),
       kConfigArgs, 2, {"{file}:14:", "field 'num_attention_heads' must be a positive integer"}},
      {"ConfigUnknownModelType", "c.json", config_with("\"qwen3\"", "\"llama\""), kConfigArgs, 2,
       {"{file}:3:", "model_type 'llama' is not one of"}},
      {"ConfigKvHeadsDoNotDivide", "c.json", config_with("\"num_key_value_heads\": 8", "\"num_key_value_heads\": 7"),
       kConfigArgs, 2, {"{file}:16:", "must divide num_attention_heads"}},
      {"ConfigUnsupportedRope", "c.json", config_with("\"rope_scaling\": null", "\"rope_scaling\": {\"rope_type\": \"yarn\"}"),
       kConfigArgs, 2, {"{file}:18:", "only default RoPE is modelled"}},
      {"ConfigRopeTypeWrongType", "c.json", config_with("\"rope_scaling\": null", "\"rope_scaling\": {\"rope_type\": 5}"),
       kConfigArgs, 2, {"{file}", "a field has the wrong type"}},
      // Study YAML (npusim sweep, docs/STUDIES.md).
      {"StudyMalformedYaml", "st.yaml", study("values: [1, 4]", "values: [1, 4"), kStudyArgs, 2,
       {"{file}:11:", "malformed YAML"}},
      {"StudyUnknownKeyDidYouMean", "st.yaml", study("title: t", "titel: t"), kStudyArgs, 2,
       {"{file}:2", "unknown key 'titel' in a study (did you mean 'title'?)"}},
      {"StudyAxisWithoutValues", "st.yaml", study("values: [1, 4]", "values: []"), kStudyArgs, 2,
       {"{file}:8", "axis 'batch' needs a list of values"}},
      {"StudyUnknownVariant", "st.yaml", study("variant: fix", "variant: fixx"), kStudyArgs, 2,
       {"{file}:4", "scenario has no variant 'fixx'"}},
      {"StudyPlotOfUnknownAxis", "st.yaml", study("metrics:", "plots:\n  - {kind: line, x: bach, metric: timing.tpot_ms}\nmetrics:"),
       kStudyArgs, 2, {"{file}:12", "plot x 'bach' is not an axis (did you mean 'batch'?)"}},
      // Op stream JSON Lines.
      {"StreamMalformedJson", "s.jsonl", kHeader + "{\"kind\": \"alloc\",\n", kStreamArgs, 2,
       {"{file}:2", "malformed JSON, expected one JSON object per line"}},
      {"StreamTruncated", "s.jsonl", kHeader + kAlloc.substr(0, 20), kStreamArgs, 2, {"{file}:2", "malformed JSON"}},
      {"StreamEmpty", "s.jsonl", "", kStreamArgs, 2, {"{file}:0", "empty op stream"}},
      {"StreamWithoutHeader", "s.jsonl", kAlloc, kStreamArgs, 2, {"{file}:1", "first line is not an op-stream header"}},
      {"StreamUnsupportedVersion", "s.jsonl", replaced(kHeader, "\"version\":1", "\"version\":7"), kStreamArgs, 2,
       {"{file}:1", "unsupported op-stream version 7, expected version 1"}},
      {"StreamUnknownRecordKind", "s.jsonl", kHeader + "{\"kind\":\"launch\"}\n", kStreamArgs, 2,
       {"{file}:2", "unknown record kind 'launch'"}},
      {"StreamUnknownKeyDidYouMean", "s.jsonl", kHeader + "{\"kind\":\"alloc\",\"buffer\":1,\"bytez\":8}\n",
       kStreamArgs, 2, {"{file}:2", "unknown key 'bytez' in record (did you mean 'bytes'?)"}},
      {"StreamMissingBytes", "s.jsonl", kHeader + "{\"kind\":\"alloc\",\"buffer\":1}\n", kStreamArgs, 2,
       {"{file}:2", "missing key 'bytes'"}},
      {"StreamNegativeBytes", "s.jsonl", kHeader + "{\"kind\":\"alloc\",\"buffer\":1,\"bytes\":-1}\n", kStreamArgs, 2,
       {"{file}:2", "negative 'bytes', expected bytes >= 0"}},
      {"StreamWrongType", "s.jsonl", kHeader + "{\"kind\":\"alloc\",\"buffer\":\"one\",\"bytes\":8}\n", kStreamArgs, 2,
       {"{file}:2", "'buffer' is string, expected an integer"}},
      {"StreamUnknownDtype", "s.jsonl",
       kHeader + kAlloc + "{\"kind\":\"read\",\"inputs\":[" + tensor(1, "[4]", "float8") + "]}\n", kStreamArgs, 2,
       {"{file}:3", "unknown dtype 'float8'"}},
      {"StreamNegativeDimension", "s.jsonl", kHeader + kAlloc + "{\"kind\":\"read\",\"inputs\":[" + tensor(1, "[-4]") + "]}\n",
       kStreamArgs, 2, {"{file}:3", "invalid dimension -4"}},
      {"StreamTensorBeyondAddressSpace", "s.jsonl",
       kHeader + kAlloc + "{\"kind\":\"read\",\"inputs\":[" + tensor(1, "[4294967296,4294967296]") + "]}\n",
       kStreamArgs, 2, {"{file}:3", "does not fit in a 64-bit address space"}},
      {"StreamUndefinedBuffer", "s.jsonl", kHeader + "{\"kind\":\"read\",\"inputs\":[" + tensor(5, "[4]") + "]}\n",
       kStreamArgs, 2, {"{file}:2", "refers to buffer 5, which is not allocated"}},
      {"StreamViewOutsideItsBuffer", "s.jsonl",
       kHeader + kAlloc + "{\"kind\":\"read\",\"inputs\":[" + tensor(1, "[1024]") + "]}\n", kStreamArgs, 2,
       {"{file}:3", "lies outside buffer 1 of 1024 bytes"}},
      {"StreamFreeOfUnallocatedBuffer", "s.jsonl", kHeader + "{\"kind\":\"free\",\"buffer\":3}\n", kStreamArgs, 2,
       {"{file}:2", "free of buffer 3 that is not allocated"}},
      {"StreamReplayOfUnknownGraph", "s.jsonl", kHeader + "{\"kind\":\"graph_replay\",\"name\":\"decode_bs1\"}\n",
       kStreamArgs, 2, {"{file}:2", "replay of unknown graph 'decode_bs1'"}},
      {"StreamUnknownOpDidYouMean", "s.jsonl", kHeader + kAlloc + "{\"kind\":\"op\",\"op\":\"MatMull\"}\n",
       kStreamArgs, 2, {"{file}:3", "no operator 'MatMull' (did you mean 'MatMul'?)"}},
      {"StreamTensorLargerThanTheDevice", "s.jsonl",
       kHeader + "{\"kind\":\"alloc\",\"buffer\":1,\"bytes\":137438953472,\"name\":\"huge\"}\n", kStreamArgs, 1,
       {"{file}:2", "out of device memory: requested 128.00 GiB for 'huge'"}},
      {"StreamOverTheHostBudgetInFunctionalMode", "s.jsonl",
       kHeader + "{\"kind\":\"alloc\",\"buffer\":1,\"bytes\":17179869184,\"name\":\"big\"}\n",
       kStreamArgs + " --mode functional", 1, {"{file}:2", "over the host budget of 4.00 GiB"}},
  };
}

class BadInputCli : public ::testing::TestWithParam<BadInput> {};

TEST_P(BadInputCli, IsRefusedWithLocationMessageAndExitCode) {
  const BadInput& c = GetParam();
  const fs::path dir = fs::temp_directory_path() / ("npusim_bad_input_" + std::to_string(::getpid()) + "_" + c.name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string file = (dir / c.file).string();
  std::ofstream(file) << expand(c.content, file, dir.string());
  const CliRun run = run_npusim(expand(c.args, file, dir.string()));
  EXPECT_EQ(run.exit_code, c.exit_code) << run.output;
  for (const auto& text : c.expected) EXPECT_NE(run.output.find(expand(text, file, dir.string())), std::string::npos)
      << "expected '" << expand(text, file, dir.string()) << "' in:\n" << run.output;
  EXPECT_EQ(run.output.find("internal error"), std::string::npos) << run.output;
  fs::remove_all(dir);
}

TEST(BadInputCli, TheTableCoversAtLeastFortyInputs) { EXPECT_GE(cases().size(), 40u); }

INSTANTIATE_TEST_SUITE_P(Table, BadInputCli, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<BadInput>& info) { return info.param.name; });

}  // namespace
