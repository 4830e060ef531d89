// Drives the npusim binary the way CI does.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/sim/npusim_cli.h"

namespace {
namespace fs = std::filesystem;

using npusim::testing::CliRun;
using npusim::testing::read_text_file;

CliRun npusim(const std::string& args) { return npusim::testing::run_npusim(args); }

const std::string kData = std::string(NPUSIM_SOURCE_DIR) + "/tests/sim/data/";

TEST(RegressCli, AWrongExpectationFailsTheSuiteAndShowsInJUnit) {
  const fs::path dir = fs::temp_directory_path() / "npusim_wrong_expectation";
  fs::remove_all(dir);
  const CliRun run = npusim("regress " + kData + "wrong_expectation_suite.yaml --report-dir " + dir.string());
  EXPECT_EQ(run.exit_code, 1) << run.output;
  const std::string junit = read_text_file((dir / "junit.xml").string());
  EXPECT_NE(junit.find("<failure"), std::string::npos) << junit;
  EXPECT_NE(junit.find("wrong-expectation"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir / "run_results.json"));
  EXPECT_TRUE(fs::exists(dir / "summary.md"));
  EXPECT_TRUE(fs::exists(dir / "report.html"));
}

TEST(RegressCli, BadScenarioInputIsExitCodeTwoWithFileAndLine) {
  const fs::path bad = fs::temp_directory_path() / "npusim_bad_scenario.yaml";
  std::ofstream(bad) << "scenario: x\nupstream: u\ntitle: t\nsummary: s\ntrigger: t\nmodel: "
                     << NPUSIM_SOURCE_DIR << "/engine/models/glm-4.7-flash.json\n"
                     << "workload: {batch: many}\nvariants:\n  - {name: v, expect: {outcome: ok}}\n";
  const CliRun run = npusim("run " + bad.string() + " --report-dir " + (fs::temp_directory_path() / "npusim_bad").string());
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("npusim_bad_scenario.yaml:7"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("an integer"), std::string::npos) << run.output;
}

TEST(RegressCli, UnknownCommandAndOptionAreUsageErrors) {
  EXPECT_EQ(npusim("frobnicate").exit_code, 2);
  EXPECT_EQ(npusim("exec --no-such-option x").exit_code, 2);
  EXPECT_EQ(npusim("--help").exit_code, 0);
}

const std::string kHeadsScenario = std::string(NPUSIM_SOURCE_DIR) + "/scenarios/sglang_21408_glm47_flash_heads.yaml";

// The heads scenario compares fix with whatif-any-heads: running fix alone must
// not fail on the comparison it cannot make, and running both must make it.
TEST(RegressCli, ComparisonsNeedBothOfTheirVariantsSelected) {
  const fs::path dir = fs::temp_directory_path() / "npusim_variant_selection";
  fs::remove_all(dir);
  const std::string run = "run " + kHeadsScenario + " --fidelity analytic --report-dir " + dir.string();
  const CliRun alone = npusim(run + " --variant fix");
  EXPECT_EQ(alone.exit_code, 0) << alone.output;
  const std::string ratio = "padding_cost_tpot_ratio";
  EXPECT_EQ(read_text_file((dir / "run_results.json").string()).find(ratio), std::string::npos);

  const CliRun both = npusim(run + " --variant fix --variant whatif-any-heads");
  EXPECT_EQ(both.exit_code, 0) << both.output;
  EXPECT_NE(read_text_file((dir / "run_results.json").string()).find(ratio), std::string::npos);
}

TEST(RegressCli, AVariantNobodyHasIsAnInputErrorListingTheVariants) {
  const CliRun run = npusim("run " + kHeadsScenario + " --variant fixed --report-dir " +
                            (fs::temp_directory_path() / "npusim_unknown_variant").string());
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("variant 'fixed'"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("whatif-any-heads"), std::string::npos) << run.output;
}

// A baseline file holds a whole scenario: rewriting it from one variant would
// drop the others' figures.
TEST(RegressCli, UpdatingBaselinesFromSomeVariantsIsRefused) {
  const CliRun run = npusim("regress --variant fix --update-baselines --report-dir " +
                            (fs::temp_directory_path() / "npusim_partial_baselines").string());
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("drop --variant"), std::string::npos) << run.output;
}

}  // namespace
