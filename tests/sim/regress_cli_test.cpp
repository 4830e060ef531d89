// Drives the npusim binary the way CI does.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {
namespace fs = std::filesystem;

struct CliRun {
  int exit_code;
  std::string output;
};

CliRun npusim(const std::string& args) {
  const std::string command = std::string(NPUSIM_BINARY) + " " + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::string kData = std::string(NPUSIM_SOURCE_DIR) + "/tests/sim/data/";

TEST(RegressCli, AWrongExpectationFailsTheSuiteAndShowsInJUnit) {
  const fs::path dir = fs::temp_directory_path() / "npusim_wrong_expectation";
  fs::remove_all(dir);
  const CliRun run = npusim("regress " + kData + "wrong_expectation_suite.yaml --report-dir " + dir.string());
  EXPECT_EQ(run.exit_code, 1) << run.output;
  const std::string junit = read_file(dir / "junit.xml");
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

}  // namespace
