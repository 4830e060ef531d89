#include "reports/atomic_file.h"
#include "reports/report_writers.h"

namespace npusim::reports {

ReportFiles write_reports(const SuiteResult& suite, const std::filesystem::path& dir) {
  ReportFiles files{dir / "run_results.json", dir / "summary.md", dir / "junit.xml", dir / "report.html", {}};
  // Traces first: run_results.json names them, so it must not appear before they exist.
  for (const RunResult& run : suite.runs) {
    if (run.timeline.empty() || !run.trace_file.empty()) continue;  // none, or written already
    files.traces.push_back(dir / write_trace(run, dir));
  }
  write_file_atomically(files.json, render_json(suite));
  write_file_atomically(files.markdown, render_markdown(suite));
  write_file_atomically(files.junit, render_junit(suite));
  write_file_atomically(files.html, render_html(suite));
  return files;
}

}  // namespace npusim::reports
