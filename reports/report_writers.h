// The five report kinds, each a pure view of a SuiteResult (a trace: of one
// RunResult). render_* return the text; write_reports writes them all through
// write_file_atomically. Formats: docs/REPORTS.md.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "reports/suite_result.h"

namespace npusim::reports {

// run_results.json, schema reports/schema/run_results.schema.json. Deterministic:
// sorted keys, shortest round-trip numbers, host-specific fields only under
// "host_info". Timelines are not in it; they go to the trace files it names.
std::string render_json(const SuiteResult& suite);
// The reader for baselines and merge; RunResult::timeline comes back empty
// (trace_file names where it went).
// Throws FailureError (kind "input") naming the JSON path of the bad value.
SuiteResult parse_json(const std::string& text);
SuiteResult read_json(const std::filesystem::path& file);

std::string render_markdown(const SuiteResult& suite);  // CI step summary
std::string render_junit(const SuiteResult& suite);     // JUnit XML
std::string render_html(const SuiteResult& suite);      // self-contained page, inline SVG
std::string render_trace(const RunResult& run);         // Chrome/Perfetto Trace Event JSON

// "<scenario>.<variant>.<mode>.trace.json", unsafe characters replaced.
std::string trace_file_name(const RunResult& run);

// Writes the run's trace to report_dir/traces/<trace_file_name> and returns
// that path relative to report_dir, for RunResult::trace_file. Lets a child
// process write its trace and send back a run without its (large) timeline.
std::string write_trace(const RunResult& run, const std::filesystem::path& report_dir);

// The trace a report names for `run`: its trace_file, else the one
// write_reports will write when it has a timeline, else "".
std::string trace_path(const RunResult& run);

struct ReportFiles {
  std::filesystem::path json, markdown, junit, html;
  std::vector<std::filesystem::path> traces;  // written now: one per run with a timeline
};

// Writes run_results.json, summary.md, junit.xml, report.html and the trace
// of every run with a timeline and no trace_file yet (write_trace) into `dir`.
ReportFiles write_reports(const SuiteResult& suite, const std::filesystem::path& dir);

}  // namespace npusim::reports
