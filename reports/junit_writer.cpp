// JUnit XML: one <testsuite> per scenario, one <testcase> per run (variant x
// mode). A run whose checks are unmet carries a <failure> whose type is the
// run's failure signature and whose text lists what was unmet.
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "reports/metric_catalog.h"
#include "reports/number_format.h"
#include "reports/report_writers.h"
#include "reports/run_labels.h"
#include "reports/xml_escape.h"

namespace npusim::reports {
namespace {

std::string attr(const std::string& name, const std::string& value) {
  return " " + name + "=\"" + xml_escape(value) + "\"";
}

std::string unmet_text(const RunResult& run) {
  std::string text;
  for (const std::string& line : unmet_check_lines(run)) text += line + "\n";
  return text;
}

// What a passing run observed, so the CI log shows the bug's signature too.
std::string observed_text(const RunResult& run) {
  std::ostringstream out;
  out << "outcome: " << run.outcome << "\n";
  if (run.failure) out << "failure: " << run.failure->to_string() << "\n";
  for (const auto& [key, value] : run.metrics) out << key << ": " << format_metric(key, value) << "\n";
  for (const auto& e : run.expectations) {
    out << (e.passed ? "met: " : "unmet: ") << e.description << " (" << e.detail << ")\n";
  }
  return out.str();
}

// Host wall time when sim/ recorded it; JUnit wants a number of seconds.
std::string wall_time_s(const RunResult& run) {
  auto it = run.host_info.find("wall_s");
  if (it == run.host_info.end()) return "0";
  char* end = nullptr;
  double seconds = std::strtod(it->second.c_str(), &end);
  bool whole_text_is_a_number = end != it->second.c_str() && *end == '\0';
  return whole_text_is_a_number && std::isfinite(seconds) && seconds >= 0 ? format_number(seconds) : "0";
}

void write_testcase(std::ostream& out, const RunResult& run) {
  out << "    <testcase" << attr("classname", run.scenario) << attr("name", variant_label(run))
      << attr("time", wall_time_s(run)) << ">\n";
  if (!run.expectations_met()) {
    std::string type = run.failure ? failure_signature(*run.failure) : "outcome " + run.outcome;
    out << "      <failure" << attr("message", std::to_string(run.checks() - run.checks_passed()) + " check(s) unmet")
        << attr("type", type) << ">" << xml_escape(unmet_text(run)) << "</failure>\n";
  }
  out << "      <system-out>" << xml_escape(observed_text(run)) << "</system-out>\n";
  out << "    </testcase>\n";
}

}  // namespace

std::string render_junit(const SuiteResult& suite) {
  SuiteTotals t = totals(suite);
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites" << attr("name", "npusim " + suite.name) << attr("tests", std::to_string(t.runs))
      << attr("failures", std::to_string(t.runs - t.runs_meeting_expectations)) << attr("errors", "0") << ">\n";
  for (const std::string& scenario : scenario_order(suite)) {
    std::vector<const RunResult*> runs = runs_of(suite, scenario);
    int failures = 0;
    for (const RunResult* run : runs) failures += run->expectations_met() ? 0 : 1;
    out << "  <testsuite" << attr("name", scenario) << attr("tests", std::to_string(runs.size()))
        << attr("failures", std::to_string(failures)) << attr("errors", "0") << attr("skipped", "0") << ">\n";
    if (!runs.front()->upstream.empty()) {
      out << "    <properties><property" << attr("name", "upstream") << attr("value", runs.front()->upstream)
          << "/></properties>\n";
    }
    for (const RunResult* run : runs) write_testcase(out, *run);
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
  return out.str();
}

}  // namespace npusim::reports
