// End to end through `npusim regress`: a simulation child that runs past the
// suite's time limit, or dies of a signal, becomes that run's failure with the
// timeout or the signal, and the suite goes on to write every report (issue 6).
// sim/child_process_test.cpp checks the mechanism on plain functions.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "tests/sim/npusim_cli.h"

namespace {
namespace fs = std::filesystem;
using nlohmann::json;
using npusim::testing::read_text_file;

const std::string kScenario = std::string(NPUSIM_SOURCE_DIR) + "/tests/sim/data/wrong_expectation.yaml";

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("npusim_isolation_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// A suite that runs the same scenario file twice (two items, one after the other).
fs::path write_suite(const fs::path& dir, const std::string& time_limit_s) {
  const fs::path second = dir / "second.yaml";
  fs::copy_file(kScenario, second);
  // The copy's relative model path must still resolve from its new folder.
  std::string text = read_text_file(second.string());
  const std::string rel = "../../../engine/models/";
  text.replace(text.find(rel), rel.size(), std::string(NPUSIM_SOURCE_DIR) + "/engine/models/");
  text.replace(text.find("scenario: wrong-expectation"), 27, "scenario: second");
  std::ofstream(second) << text;
  const fs::path suite = dir / "suite.yaml";
  std::ofstream(suite) << "suite: isolation\nscenarios: [" << kScenario << ", " << second.string()
                       << "]\ntime_limit_s: " << time_limit_s << "\n";
  return suite;
}

json runs_of(const fs::path& report_dir) {
  return json::parse(read_text_file((report_dir / "run_results.json").string())).at("runs");
}

TEST(Isolation, ARunPastTheTimeLimitIsATimeoutAndTheSuiteGoesOn) {
  const fs::path dir = fresh_dir("timeout");
  const auto run = npusim::testing::run_npusim("regress " + write_suite(dir, "0.001").string() + " --report-dir " +
                                               (dir / "reports").string());
  EXPECT_EQ(run.exit_code, 1) << run.output;
  const json runs = runs_of(dir / "reports");
  ASSERT_EQ(runs.size(), 2u) << "both scenarios are reported";
  for (const auto& r : runs) {
    EXPECT_EQ(r.at("outcome"), "timeout") << r.dump(2);
    EXPECT_NE(r.at("failure").at("message").get<std::string>().find("time limit"), std::string::npos) << r.dump(2);
  }
  EXPECT_TRUE(fs::exists(dir / "reports" / "junit.xml"));
  fs::remove_all(dir);
}

// The pids of `parent`'s children (Linux /proc).
std::vector<pid_t> children_of(pid_t parent) {
  std::ifstream in("/proc/" + std::to_string(parent) + "/task/" + std::to_string(parent) + "/children");
  std::vector<pid_t> out;
  for (pid_t pid; in >> pid;) out.push_back(pid);
  return out;
}

TEST(Isolation, AChildKilledByASignalIsThatRunsCrashAndTheSuiteGoesOn) {
  const fs::path dir = fresh_dir("crash");
  const fs::path suite = write_suite(dir, "600");
  const pid_t npusim = ::fork();
  ASSERT_GE(npusim, 0);
  if (npusim == 0) {
    std::freopen("/dev/null", "w", stdout);
    ::execl(NPUSIM_BINARY, NPUSIM_BINARY, "regress", suite.c_str(), "--report-dir", (dir / "reports").c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // The first simulation child: abort it as a failed assertion in the simulator
  // would (not SIGSEGV: under ASan the child's own handler turns that into exit 1).
  pid_t victim = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!victim && std::chrono::steady_clock::now() < deadline) {
    const auto children = children_of(npusim);
    if (!children.empty()) victim = children.front();
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  ASSERT_NE(victim, 0) << "no simulation child appeared";
  ::kill(victim, SIGABRT);
  int status = 0;
  ASSERT_EQ(::waitpid(npusim, &status, 0), npusim);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  const json runs = runs_of(dir / "reports");
  ASSERT_EQ(runs.size(), 2u) << "both scenarios are reported";
  EXPECT_EQ(runs[0].at("outcome"), "crashed") << runs[0].dump(2);
  EXPECT_NE(runs[0].at("failure").at("message").get<std::string>().find("signal 6"), std::string::npos)
      << runs[0].dump(2);
  EXPECT_EQ(runs[1].at("scenario"), "second");
  EXPECT_NE(runs[1].at("outcome"), "crashed") << "the suite went on and ran the next scenario";
  fs::remove_all(dir);
}

}  // namespace
