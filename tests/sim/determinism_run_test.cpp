// The same scenario and seed give byte-identical run_results.json apart from
// host_info (wall times, host name), whatever the number of parallel children
// (issue 6). Both modes run: functional values and SystemC timing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/sim/npusim_cli.h"

namespace {
namespace fs = std::filesystem;
using nlohmann::json;
using npusim::testing::run_npusim;

// The report without any host_info object, at any depth.
json without_host_info(json j) {
  if (j.is_object()) {
    j.erase("host_info");
    for (auto& [key, value] : j.items()) value = without_host_info(value);
  } else if (j.is_array()) {
    for (auto& value : j) value = without_host_info(value);
  }
  return j;
}

std::string run_results(const std::string& scenario, const std::string& variant, int jobs, const fs::path& dir) {
  fs::remove_all(dir);
  const auto run = run_npusim("run " + scenario + " --variant " + variant + " -j " + std::to_string(jobs) +
                              " --report-dir " + dir.string());
  EXPECT_NE(run.exit_code, 2) << run.output;
  return npusim::testing::read_text_file((dir / "run_results.json").string());
}

TEST(Determinism, SameScenarioAndSeedGiveIdenticalResultsApartFromHostInfo) {
  const std::string scenario = std::string(NPUSIM_SOURCE_DIR) + "/scenarios/sglang_21408_glm47_flash_heads.yaml";
  const fs::path base = fs::temp_directory_path() / ("npusim_determinism_" + std::to_string(::getpid()));
  // Two variants so two children run at once in the second run.
  const std::string variants = "bug --variant fix";
  const std::string first = run_results(scenario, variants, 1, base / "a");
  const std::string second = run_results(scenario, variants, 2, base / "b");
  ASSERT_FALSE(first.empty());
  const json a = json::parse(first), b = json::parse(second);
  ASSERT_GE(a.at("runs").size(), 4u) << "both variants in both modes";
  EXPECT_TRUE(a.contains("host_info")) << "the comparison must have something to ignore";
  EXPECT_EQ(without_host_info(a).dump(2), without_host_info(b).dump(2));
  fs::remove_all(base);
}

}  // namespace
