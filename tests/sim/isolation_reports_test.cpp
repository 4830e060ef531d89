// A `npusim run` killed at any moment leaves each report whole: the previous
// run's or the new one, never a truncated file (issue 6). The writer itself is
// tested in tests/reports/atomic_file_test.cpp; this checks that every report
// of a real run goes through it.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "tests/sim/npusim_cli.h"

namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using npusim::testing::read_text_file;

const std::string kScenario = std::string(NPUSIM_SOURCE_DIR) + "/tests/sim/data/wrong_expectation.yaml";

pid_t start_run(const fs::path& report_dir) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);  // its own group, so a kill takes its simulation children too
    std::freopen("/dev/null", "w", stdout);
    std::freopen("/dev/null", "w", stderr);
    ::execl(NPUSIM_BINARY, NPUSIM_BINARY, "run", kScenario.c_str(), "--report-dir", report_dir.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also here: the kill may come before the child ran
  return pid;
}

// Every report present is complete: each format's own closing mark.
void expect_whole_reports(const fs::path& dir, const std::string& when) {
  const std::string json_text = read_text_file((dir / "run_results.json").string());
  EXPECT_TRUE(nlohmann::json::accept(json_text)) << when;
  const std::string junit = read_text_file((dir / "junit.xml").string());
  EXPECT_NE(junit.rfind("</testsuites>"), std::string::npos) << when;
  const std::string html = read_text_file((dir / "report.html").string());
  EXPECT_NE(html.rfind("</html>"), std::string::npos) << when;
  EXPECT_FALSE(read_text_file((dir / "summary.md").string()).empty()) << when;
}

TEST(Isolation, ARunKilledAtAnyMomentLeavesOldOrNewReportsNeverPartialOnes) {
  const fs::path dir = fs::temp_directory_path() / ("npusim_isolation_reports_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  // A complete first run: the "old" reports, and how long a run takes.
  const auto t0 = Clock::now();
  int status = 0;
  ::waitpid(start_run(dir), &status, 0);
  const auto full = Clock::now() - t0;
  ASSERT_TRUE(WIFEXITED(status));
  expect_whole_reports(dir, "after a complete run");
  // Kills spread over the whole run, the report writing at its end included.
  constexpr int kKills = 12;
  for (int k = 1; k <= kKills; ++k) {
    const pid_t pid = start_run(dir);
    std::this_thread::sleep_for(full * k / kKills);
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    expect_whole_reports(dir, "after a kill at " + std::to_string(k) + "/" + std::to_string(kKills) + " of a run");
  }
  fs::remove_all(dir);
}

}  // namespace
