// Markdown summary sized for a GitHub CI step summary: one table row per run,
// then the unmet checks, then speed and accuracy highlights.
#include <sstream>

#include "reports/metric_catalog.h"
#include "reports/report_writers.h"
#include "reports/run_labels.h"

namespace npusim::reports {
namespace {

// Table cells cannot hold pipes or line breaks.
std::string cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

constexpr size_t kKeyMetricsPerRow = 4;

std::string key_metrics(const RunResult& run) {
  std::string out;
  size_t shown = 0;
  for (const MetricInfo& m : metric_catalog()) {
    auto it = run.metrics.find(std::string(m.key));
    if (it == run.metrics.end() || shown == kKeyMetricsPerRow) continue;
    if (shown++ > 0) out += ", ";
    out += std::string(m.label) + " " + format_metric(m.key, it->second);
  }
  return out;
}

std::string check_count(const RunResult& run) {
  return std::string(run.expectations_met() ? "✅ " : "❌ ") + std::to_string(run.checks_passed()) + "/" +
         std::to_string(run.checks());
}

void write_table(std::ostream& out, const SuiteResult& suite) {
  out << "| scenario | variant | mode | outcome | failure signature | key metrics | checks |\n"
      << "|---|---|---|---|---|---|---|\n";
  for (const RunResult& run : suite.runs) {
    std::string scenario = run.scenario + (run.upstream.empty() ? "" : " (" + run.upstream + ")");
    out << "| " << cell(scenario) << " | " << cell(run.variant) << " | " << cell(run.mode) << " | "
        << cell(run.outcome) << " | "
        << (run.failure ? "`" + cell(failure_signature(*run.failure)) + "`" : std::string()) << " | "
        << cell(key_metrics(run)) << " | " << check_count(run) << " |\n";
  }
}

void write_unmet(std::ostream& out, const SuiteResult& suite) {
  bool any = false;
  for (const RunResult& run : suite.runs) {
    if (run.expectations_met()) continue;
    if (!any) out << "\n## Unmet checks\n\n";
    any = true;
    out << "- **" << run_label(run) << "**\n";
    for (const std::string& line : unmet_check_lines(run)) out << "  - " << line << "\n";
  }
}

// One table per metric group, listing only runs and metrics that have figures.
void write_highlights(std::ostream& out, const SuiteResult& suite, MetricGroup group, const char* title) {
  std::vector<const MetricInfo*> columns = reported_metrics(suite, group);
  if (columns.empty()) return;
  out << "\n## " << title << "\n\n| run |";
  for (const MetricInfo* m : columns) out << " " << m->label << " |";
  out << "\n|---|";
  for (size_t i = 0; i < columns.size(); ++i) out << "---:|";
  out << "\n";
  for (const RunResult& run : suite.runs) {
    bool has_any = false;
    for (const MetricInfo* m : columns) has_any |= run.metrics.count(std::string(m->key)) != 0;
    if (!has_any) continue;
    out << "| " << cell(run_label(run)) << " |";
    for (const MetricInfo* m : columns) {
      auto it = run.metrics.find(std::string(m->key));
      out << " " << (it == run.metrics.end() ? "" : format_metric(m->key, it->second)) << " |";
    }
    out << "\n";
  }
}

}  // namespace

std::string render_markdown(const SuiteResult& suite) {
  SuiteTotals t = totals(suite);
  std::ostringstream out;
  out << "# npusim suite `" << suite.name << "`: " << (t.all_met() ? "✅ all checks met" : "❌ checks unmet")
      << "\n\n"
      << t.runs_meeting_expectations << " of " << t.runs << " runs meet their expectations ("
      << t.expectations_passed << " of " << t.expectations << " checks pass). Outcomes:";
  for (const auto& [outcome, count] : t.by_outcome) out << " " << outcome << " " << count << ";";
  out << " a *failed* outcome is what a bug variant is expected to show.\n\n";
  write_table(out, suite);
  write_unmet(out, suite);
  write_highlights(out, suite, MetricGroup::speed, "Speed (simulated)");
  write_highlights(out, suite, MetricGroup::resource, "Utilisation and memory (simulated)");
  write_highlights(out, suite, MetricGroup::accuracy, "Accuracy vs the fp32 reference");
  return out.str();
}

}  // namespace npusim::reports
