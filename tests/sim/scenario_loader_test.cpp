#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "op_stream/failure.h"
#include "scenarios/scenario.h"

namespace npusim::scenarios {
namespace {
namespace fs = std::filesystem;

// One folder per test: ctest runs the tests of this file in parallel processes.
std::string write_scenario(const std::string& name, const std::string& text) {
  const fs::path dir = fs::temp_directory_path() / "npusim_scenario_test" /
                       ::testing::UnitTest::GetInstance()->current_test_info()->name();
  fs::create_directories(dir);
  const fs::path file = dir / name;
  std::ofstream(file) << text;
  return file.string();
}

const std::string kModel = std::string("model: ") + NPUSIM_SOURCE_DIR + "/engine/models/glm-4.7-flash.json\n";
const std::string kHead = "scenario: s\nupstream: sglang#1\ntitle: t\nsummary: s\ntrigger: t\n" + kModel;

Failure load_failure(const std::string& text) {
  try {
    load_scenario(write_scenario("bad.yaml", text));
  } catch (const FailureError& e) {
    return e.failure();
  }
  ADD_FAILURE() << "no error for:\n" << text;
  return {};
}

TEST(ScenarioLoader, ShippedSeedScenariosLoad) {
  for (const auto& entry : fs::directory_iterator(fs::path(NPUSIM_SOURCE_DIR) / "scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    const Scenario s = load_scenario(entry.path().string());
    EXPECT_FALSE(s.variants.empty()) << entry.path();
    EXPECT_EQ(s.upstream.rfind("sglang#", 0), 0u) << entry.path();
  }
}

TEST(ScenarioLoader, VariantsInheritTheBaseAndOverrideSingleKeys) {
  const Scenario s = load_scenario(write_scenario("ok.yaml", kHead + R"(
set: [a=1]
workload: {batch: 4, dtype: bfloat16}
patches: {"sglang#1": off}
variants:
  - name: v
    set: [b=2]
    workload: {dtype: float16}
    mode: timing
    expect: {outcome: ok}
)"));
  const Variant& v = s.variants.at(0);
  EXPECT_EQ(v.workload.at("batch").value, "4");
  EXPECT_EQ(v.workload.at("dtype").value, "float16");
  EXPECT_EQ(v.device_overrides, (std::vector<std::string>{"a=1", "b=2"}));
  EXPECT_FALSE(v.patches.at("sglang#1"));
  EXPECT_EQ(v.modes, (std::vector<std::string>{"timing"}));
  EXPECT_EQ(v.device, "ascend910b");
  EXPECT_EQ(v.workload.at("dtype").mark.line, 14);  // the variant's own line
}

TEST(ScenarioLoader, UnknownKeyIsReportedAtItsLineWithASuggestion) {
  const Failure f = load_failure(kHead + "variants:\n  - name: v\n    expct: {outcome: ok}\n");
  EXPECT_EQ(f.kind, "input");
  EXPECT_NE(f.where.find("bad.yaml:9"), std::string::npos) << f.where;
  EXPECT_NE(f.message.find("did you mean 'expect'"), std::string::npos) << f.message;
}

TEST(ScenarioLoader, RejectsBadOutcomeModeAndSignatureField) {
  EXPECT_NE(load_failure(kHead + "variants:\n  - name: v\n    expect: {outcome: maybe}\n").message.find("outcome 'maybe'"),
            std::string::npos);
  EXPECT_NE(load_failure(kHead + "mode: fast\nvariants:\n  - name: v\n    expect: {outcome: ok}\n").message.find("mode 'fast'"),
            std::string::npos);
  EXPECT_NE(load_failure(kHead + "variants:\n  - name: v\n    expect: {outcome: failed, failure: {rul: x}}\n")
                .message.find("did you mean 'rule'"),
            std::string::npos);
}

TEST(ScenarioLoader, RejectsMissingModelDuplicateVariantsAndUnknownComparisonVariant) {
  EXPECT_NE(load_failure("scenario: s\nupstream: u\ntitle: t\nsummary: s\ntrigger: t\nmodel: nope.json\nvariants: []\n")
                .message.find("does not exist"),
            std::string::npos);
  EXPECT_NE(load_failure(kHead + "variants:\n  - {name: v, expect: {outcome: ok}}\n  - {name: v, expect: {outcome: ok}}\n")
                .message.find("duplicate variant"),
            std::string::npos);
  EXPECT_NE(load_failure(kHead + "variants:\n  - {name: fix, expect: {outcome: ok}}\ncomparisons:\n"
                                 "  - {name: c, metric: timing.tpot_ms, variant: fx, baseline_variant: fix}\n")
                .message.find("did you mean 'fix'"),
            std::string::npos);
}

TEST(ScenarioLoader, MalformedYamlNamesTheLine) {
  const Failure f = load_failure(kHead + "variants: [\n  - {name: v\n");
  EXPECT_EQ(f.kind, "input");
  EXPECT_NE(f.message.find("malformed YAML"), std::string::npos);
  EXPECT_NE(f.where.find("bad.yaml:"), std::string::npos);
}

}  // namespace
}  // namespace npusim::scenarios
