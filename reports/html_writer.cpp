// One self-contained HTML page: inline CSS and SVG, no script, and a content
// security policy that forbids every fetch, so it renders the same offline.
#include <sstream>

#include "reports/metric_catalog.h"
#include "reports/report_writers.h"
#include "reports/run_labels.h"
#include "reports/svg_charts.h"
#include "reports/xml_escape.h"

namespace npusim::reports {
namespace {

constexpr double kNsPerMs = 1e6;

constexpr const char* kStyle = R"(
body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:1150px}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ccc}h3{font-size:15px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}
td,th{border:1px solid #ccc;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f0f0f0}td.num{text-align:right}
.pass{background:#e3f4e1}.fail{background:#fbe0e0}
.badge{display:inline-block;padding:3px 10px;border-radius:4px;color:#fff;font-weight:bold}
.badge.pass{background:#2e7d32}.badge.fail{background:#c62828}
code{font-size:12px}.chart{width:100%;height:auto;font-size:12px}
.note{color:#666;font-size:12px}
)";

std::string esc(const std::string& text) { return xml_escape(text); }

std::string signature_of(const RunResult& run) {
  return run.failure ? "<code>" + esc(failure_signature(*run.failure)) + "</code>" : "";
}

std::string checks_cell(const RunResult& run) {
  std::string out = run.expectations_met() ? "<td class=\"pass\">met" : "<td class=\"fail\">unmet";
  for (const auto& e : run.expectations) {
    if (e.passed) out += "<br><span class=\"note\">✔ " + esc(e.description) + "</span>";
  }
  for (const std::string& line : unmet_check_lines(run)) out += "<br><span class=\"note\">✘ " + esc(line) + "</span>";
  return out + "</td>";
}

void write_summary(std::ostream& out, const SuiteResult& suite) {
  SuiteTotals t = totals(suite);
  out << "<h1>npusim suite " << esc(suite.name) << "</h1>\n<p><span class=\"badge "
      << (t.all_met() ? "pass\">all checks met" : "fail\">checks unmet") << "</span> " << t.runs_meeting_expectations
      << " of " << t.runs << " runs meet their expectations; " << t.expectations_passed << " of " << t.expectations
      << " checks pass. Outcomes:";
  for (const auto& [outcome, count] : t.by_outcome) out << " " << esc(outcome) << " " << count << ";";
  out << " <span class=\"note\">(a failed outcome is what a bug variant is expected to show)</span></p>\n";
}

// The speed figure that most of a scenario's runs report (catalogue order
// breaks ties), so its bug and fix variants are compared on the same figure.
const MetricInfo* most_reported_speed_metric(const std::vector<const RunResult*>& runs) {
  const MetricInfo* best = nullptr;
  size_t best_count = 0;
  for (const MetricInfo& m : metric_catalog()) {
    if (m.group != MetricGroup::speed) continue;
    size_t count = 0;
    for (const RunResult* run : runs) count += run->metrics.count(std::string(m.key));
    if (count > best_count) best = &m, best_count = count;
  }
  return best;
}

// Bug vs fix: each scenario's variants side by side, with a chart of the
// speed figure they share.
void write_scenarios(std::ostream& out, const SuiteResult& suite) {
  out << "<h2>Bug vs fix per scenario</h2>\n";
  for (const std::string& scenario : scenario_order(suite)) {
    std::vector<const RunResult*> runs = runs_of(suite, scenario);
    out << "<h3>" << esc(scenario);
    if (!runs.front()->upstream.empty()) out << " (" << esc(runs.front()->upstream) << ")";
    out << "</h3>\n<table><tr><th>variant</th><th>mode</th><th>model</th><th>device</th><th>outcome</th>"
        << "<th>failure signature</th><th>checks</th></tr>\n";
    for (const RunResult* run : runs) {
      out << "<tr><td>" << esc(run->variant) << "</td><td>" << esc(run->mode) << "</td><td>" << esc(run->model)
          << "</td><td>" << esc(run->device) << "</td><td>" << esc(run->outcome) << "</td><td>" << signature_of(*run)
          << "</td>" << checks_cell(*run) << "</tr>\n";
    }
    out << "</table>\n";
    const MetricInfo* metric = most_reported_speed_metric(runs);
    if (metric == nullptr) continue;
    std::vector<ChartRow> rows;
    for (const RunResult* run : runs) {
      auto it = run->metrics.find(std::string(metric->key));
      if (it != run->metrics.end()) rows.push_back({variant_label(*run), {{std::string(metric->key), it->second}}});
    }
    out << "<p class=\"note\">" << esc(std::string(metric->label)) << " by variant</p>\n"
        << stacked_bar_chart(rows, std::string(metric->unit));
  }
}

void write_op_classes(std::ostream& out, const SuiteResult& suite) {
  out << "<h2>Simulated time by op class</h2>\n";
  std::vector<ChartRow> rows;
  for (const RunResult& run : suite.runs) {
    if (run.time_by_op_class_ns.empty()) continue;
    ChartRow row{run_label(run), {}};
    for (const auto& [op_class, ns] : run.time_by_op_class_ns) row.segments.push_back({op_class, ns / kNsPerMs});
    rows.push_back(std::move(row));
  }
  if (rows.empty()) {
    out << "<p class=\"note\">No run reported a time breakdown.</p>\n";
    return;
  }
  out << stacked_bar_chart(rows, "ms");
}

// One chart per catalogued metric of `keys` that any run reports.
void write_metric_charts(std::ostream& out, const SuiteResult& suite, const char* title,
                         const std::vector<std::string_view>& keys) {
  std::ostringstream charts;
  for (std::string_view key : keys) {
    const MetricInfo* m = find_metric(key);
    std::vector<ChartRow> rows;
    for (const RunResult& run : suite.runs) {
      auto it = run.metrics.find(std::string(key));
      if (it != run.metrics.end()) rows.push_back({run_label(run), {{std::string(key), it->second}}});
    }
    if (rows.empty()) continue;
    charts << "<h3>" << esc(std::string(m->label)) << "</h3>\n" << stacked_bar_chart(rows, std::string(m->unit));
  }
  if (charts.str().empty()) return;
  out << "<h2>" << title << "</h2>\n" << charts.str();
}

// A table of runs x the catalogued metrics of one group that any run reports.
void write_metric_table(std::ostream& out, const SuiteResult& suite, MetricGroup group, const char* title) {
  std::vector<const MetricInfo*> columns = reported_metrics(suite, group);
  if (columns.empty()) return;
  out << "<h2>" << title << "</h2>\n<table><tr><th>run</th>";
  for (const MetricInfo* m : columns) out << "<th>" << esc(std::string(m->label)) << "</th>";
  out << "</tr>\n";
  for (const RunResult& run : suite.runs) {
    std::ostringstream cells;
    bool has_any = false;
    for (const MetricInfo* m : columns) {
      auto it = run.metrics.find(std::string(m->key));
      has_any |= it != run.metrics.end();
      cells << "<td class=\"num\">" << (it == run.metrics.end() ? "" : esc(format_metric(m->key, it->second)))
            << "</td>";
    }
    if (has_any) out << "<tr><td>" << esc(run_label(run)) << "</td>" << cells.str() << "</tr>\n";
  }
  out << "</table>\n";
}

// Every figure of every run, including names the catalogue does not know.
void write_all_metrics(std::ostream& out, const SuiteResult& suite) {
  out << "<h2>All figures</h2>\n<details><summary>every metric of every run</summary>\n"
      << "<table><tr><th>run</th><th>metric</th><th>value</th></tr>\n";
  for (const RunResult& run : suite.runs) {
    for (const auto& [key, value] : run.metrics) {
      out << "<tr><td>" << esc(run_label(run)) << "</td><td>" << esc(key) << "</td><td class=\"num\">"
          << esc(format_metric(key, value)) << "</td></tr>\n";
    }
  }
  out << "</table></details>\n";
}

void write_host_info(std::ostream& out, const SuiteResult& suite) {
  if (suite.host_info.empty()) return;
  out << "<p class=\"note\">";
  for (const auto& [key, value] : suite.host_info) out << esc(key) << ": " << esc(value) << "; ";
  out << "</p>\n";
}

}  // namespace

std::string render_html(const SuiteResult& suite) {
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
      << "<title>npusim " << esc(suite.name) << "</title>\n<style>" << kStyle << "</style></head><body>\n";
  write_summary(out, suite);
  write_scenarios(out, suite);
  write_op_classes(out, suite);
  write_metric_charts(out, suite, "Speculative decoding", {"acceptance_length", "speedup"});
  write_metric_charts(out, suite, "Latency (simulated)", {"ttft_ms", "tpot_ms"});
  write_metric_table(out, suite, MetricGroup::speed, "Speed (simulated)");
  write_metric_table(out, suite, MetricGroup::resource, "Utilisation and memory (simulated)");
  write_metric_table(out, suite, MetricGroup::accuracy, "Accuracy vs the fp32 reference");
  write_all_metrics(out, suite);
  write_host_info(out, suite);
  out << "</body></html>\n";
  return out.str();
}

}  // namespace npusim::reports
