// npusim check: the model-on-NPU compatibility matrix comes from the device's
// declared constraints (a rule switched off with --set stops being reported).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "device_model/runtime/device.h"
#include "engine/engine.h"
#include "sim/constraint_check.h"

namespace npusim::sim {
namespace {

constexpr const char* kPowerOfTwoRule = "fia.mla.num_heads_power_of_two";

CheckOptions options(std::vector<int64_t> tps, std::vector<std::string> phases) {
  CheckOptions o;
  o.tps = std::move(tps);
  o.phases = std::move(phases);
  o.workload.prompt_len = 128;
  o.workload.decode_steps = 2;
  return o;
}

TEST(CheckCompatibility, GlmFlashFlagsFiaPowerOfTwoHeadsAtTp124AndNamesThePaddedCount) {
  const auto cells = check_compatibility(engine::load_model("glm-4.7-flash"), options({1, 2, 4}, {"decode"}));
  ASSERT_EQ(cells.size(), 3u);
  const std::map<int64_t, std::pair<std::string, int64_t>> expected = {{1, {"20", 32}}, {2, {"10", 16}}, {4, {"5", 8}}};
  for (const auto& cell : cells) {
    SCOPED_TRACE("tp " + std::to_string(cell.tp));
    ASSERT_EQ(cell.violations.size(), 1u);
    const Violation& v = cell.violations.front();
    EXPECT_EQ(v.failure.op, "FusedInferAttentionScore");
    EXPECT_EQ(v.failure.parameter, "num_heads");
    EXPECT_EQ(v.failure.rule, kPowerOfTwoRule);
    EXPECT_EQ(v.failure.value, expected.at(cell.tp).first);
    EXPECT_EQ(v.suggested_value, expected.at(cell.tp).second);
    EXPECT_GT(v.occurrences, 1);  // every MLA layer, not only the first
    // The fixed engine pads and runs; padding costs time on the analytic model.
    EXPECT_EQ(cell.fixed_outcome, "ok");
    ASSERT_TRUE(cell.fixed_step_ms && cell.unfixed_step_ms);
    EXPECT_GT(*cell.fixed_step_ms, *cell.unfixed_step_ms);
  }
}

TEST(CheckCompatibility, AnyConfigOfTheFamilyIsJudgedByTheRuleNotByName) {
  // A hypothetical MLA model of the same family with 12 heads: 12 -> 16, 6 -> 8, 3 -> 4.
  std::ifstream in(engine::models_dir() + "/glm-4.7-flash.json");
  auto config = nlohmann::json::parse(in);
  config["num_attention_heads"] = 12;
  config["num_key_value_heads"] = 12;
  const auto file = std::filesystem::temp_directory_path() / "npusim_check_mla12.json";
  std::ofstream(file) << config.dump();
  const auto cells = check_compatibility(engine::load_model(file.string()), options({1, 2, 4}, {"decode"}));
  const std::map<int64_t, int64_t> padded = {{1, 16}, {2, 8}, {4, 4}};
  ASSERT_EQ(cells.size(), 3u);
  for (const auto& cell : cells) {
    SCOPED_TRACE("tp " + std::to_string(cell.tp));
    ASSERT_EQ(cell.violations.size(), 1u);
    EXPECT_EQ(cell.violations[0].failure.rule, kPowerOfTwoRule);
    EXPECT_EQ(cell.violations[0].suggested_value, padded.at(cell.tp));
  }
}

TEST(CheckCompatibility, GlmFlashPrefillTakesNoMlaPathAndPasses) {
  const auto cells = check_compatibility(engine::load_model("glm-4.7-flash"), options({1}, {"prefill"}));
  ASSERT_EQ(cells.size(), 1u);
  EXPECT_TRUE(cells[0].constraint_ok());
}

TEST(CheckCompatibility, DisablingTheRuleWithSetMakesGlmFlashPass) {
  CheckOptions o = options({1}, {"decode"});
  o.overrides = {std::string("constraints.") + kPowerOfTwoRule + ".enabled=false"};
  const auto cells = check_compatibility(engine::load_model("glm-4.7-flash"), o);
  ASSERT_EQ(cells.size(), 1u);
  EXPECT_TRUE(cells[0].constraint_ok());
  EXPECT_FALSE(cells[0].fixed_step_ms);
}

TEST(CheckCompatibility, Qwen3AndGlm47PassAtTp1248WithOomReportedApart) {
  for (const char* model : {"qwen3-8b", "glm-4.7"}) {
    const auto cells = check_compatibility(engine::load_model(model), options({1, 2, 4, 8}, {"prefill", "decode"}));
    ASSERT_EQ(cells.size(), 8u);
    for (const auto& cell : cells) {
      SCOPED_TRACE(std::string(model) + " tp " + std::to_string(cell.tp) + " " + cell.phase);
      EXPECT_TRUE(cell.constraint_ok()) << (cell.violations.empty() ? cell.scan_failure->to_string()
                                                                    : cell.violations[0].failure.to_string());
    }
  }
  // GLM-4.7 (355B) does not fit one 64 GiB device in bf16: a simulated OOM of the
  // fixed engine, not a constraint violation.
  const auto glm = check_compatibility(engine::load_model("glm-4.7"), options({1}, {"decode"}));
  ASSERT_TRUE(glm[0].fixed_failure);
  EXPECT_EQ(glm[0].fixed_failure->kind, "oom");
  EXPECT_GT(glm[0].memory_peak_gib, glm[0].memory_capacity_gib);
}

TEST(CheckStream, CollectsEveryOccurrenceOfARecordedStreamWithoutStopping) {
  const auto config = device::DeviceConfig::load("ascend910b");
  device::Device recorder(without_constraints(config), false);
  engine::PatchSet unpadded;
  unpadded.set("sglang#21408", false);
  engine::Workload w;
  w.decode_steps = 1;
  engine::run_engine(engine::load_model("glm-4.7-flash"), w, unpadded, recorder);

  const CheckCell cell = check_stream(recorder.records(), options({}, {}));
  ASSERT_EQ(cell.violations.size(), 1u);
  EXPECT_EQ(cell.violations[0].failure.rule, kPowerOfTwoRule);
  EXPECT_EQ(cell.violations[0].suggested_value, 32);
  int fia_mla_records = 0;
  for (const auto& r : recorder.records())
    if (r.op == "FusedInferAttentionScore" && r.origin.phase != "prefill" && r.attrs.get_int("num_heads") == 20)
      ++fia_mla_records;
  EXPECT_EQ(cell.violations[0].occurrences, fia_mla_records);
  EXPECT_EQ(cell.fixed_outcome, "ok");
}

TEST(CheckCli, ExitOneOnViolationZeroWithTheRuleOffAndJsonMatrix) {
  const auto json_path = std::filesystem::temp_directory_path() / "npusim_check_test.json";
  auto run = [&](const std::string& extra) {
    const std::string cmd = std::string(NPUSIM_BINARY) + " check --model glm-4.7-flash --tp 1,2 --phase decode --json " +
                            json_path.string() + " " + extra + " > /dev/null 2>&1";
    const int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  EXPECT_EQ(run(""), 1);
  std::ifstream in(json_path);
  const auto doc = nlohmann::json::parse(in);
  ASSERT_EQ(doc.at("cells").size(), 2u);
  EXPECT_EQ(doc.at("cells")[1].at("verdict"), "violations");
  EXPECT_EQ(doc.at("cells")[1].at("violations")[0].at("suggested_value"), 16);
  EXPECT_FALSE(doc.at("ok").get<bool>());
  EXPECT_EQ(run(std::string("--set constraints.") + kPowerOfTwoRule + ".enabled=false"), 0);
  EXPECT_EQ(run("--phase nonsense"), 2);
}

}  // namespace
}  // namespace npusim::sim
