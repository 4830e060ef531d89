// write_reports puts the five report kinds in one directory, and the traces
// that run_results.json names exist.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "reports/report_writers.h"
#include "tests/support/fake_runs.h"

namespace npusim::reports {
namespace {

namespace fs = std::filesystem;

TEST(WriteReports, WritesAllKindsAndTheTracesTheJsonNames) {
  fs::path dir = fs::temp_directory_path() / ("npusim_write_reports_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  SuiteResult suite = testing::fake_suite();
  ReportFiles files = write_reports(suite, dir);
  for (const fs::path& f : {files.json, files.markdown, files.junit, files.html}) {
    EXPECT_TRUE(fs::is_regular_file(f)) << f;
    EXPECT_GT(fs::file_size(f), 0u) << f;
  }
  ASSERT_EQ(files.traces.size(), 1u);
  EXPECT_EQ(read_json(files.json).runs.size(), suite.runs.size());
  auto doc = nlohmann::json::parse(std::ifstream(files.json));
  for (const auto& run : doc["runs"]) {
    if (run["trace_file"].is_null()) continue;
    EXPECT_TRUE(fs::is_regular_file(dir / run["trace_file"].get<std::string>()));
  }
  fs::remove_all(dir);
}

// How sim/ runs children: the child writes the trace and sends back the run
// without its timeline; the report still names the trace, written once.
TEST(WriteReports, NamesATraceWrittenEarlyByTheRun) {
  fs::path dir = fs::temp_directory_path() / ("npusim_early_trace_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  SuiteResult suite = testing::fake_suite();
  RunResult& run = suite.runs[1];
  run.trace_file = write_trace(run, dir);
  EXPECT_EQ(run.trace_file, "traces/" + trace_file_name(run));
  EXPECT_TRUE(fs::is_regular_file(dir / run.trace_file));
  run.timeline.clear();
  SuiteResult sent = parse_json(render_json(suite));
  ReportFiles files = write_reports(sent, dir);
  EXPECT_TRUE(files.traces.empty());
  auto doc = nlohmann::json::parse(std::ifstream(files.json));
  EXPECT_EQ(doc["runs"][1]["trace_file"], run.trace_file);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace npusim::reports
