#include "sim/sweep_report.h"

#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include "reports/atomic_file.h"
#include "reports/number_format.h"
#include "reports/xml_escape.h"
#include "sim/sweep_charts.h"

namespace npusim::sim {
namespace {
using reports::xml_escape;

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string csv_number(double v) {
  if (!std::isfinite(v)) return "";
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

size_t axis_index(const StudyHeader& h, const std::string& name) {
  for (size_t a = 0; a < h.axis_names.size(); ++a)
    if (h.axis_names[a] == name) return a;
  return h.axis_names.size();
}

ChartValue value_of(const SweepPoint* p, const std::string& metric) {
  if (!p) return {std::nullopt, "not run"};
  const auto it = p->metrics.find(metric);
  if (p->outcome == "ok" && it != p->metrics.end() && std::isfinite(it->second)) return {it->second, ""};
  return {std::nullopt, p->outcome == "ok" ? "no " + metric : p->outcome + ": " + p->signature()};
}

// Every combination of the labels of the axes not in `fixed`, as label vectors
// with "" at the fixed positions, in grid order.
std::vector<std::vector<std::string>> other_combinations(const StudyHeader& h, const std::set<size_t>& fixed) {
  std::vector<std::vector<std::string>> combos = {std::vector<std::string>(h.axis_names.size())};
  for (size_t a = 0; a < h.axis_names.size(); ++a) {
    if (fixed.count(a)) continue;
    std::vector<std::vector<std::string>> next;
    for (const auto& c : combos)
      for (const auto& label : h.axis_labels[a]) {
        next.push_back(c);
        next.back()[a] = label;
      }
    combos = std::move(next);
  }
  return combos;
}

std::string combo_name(const StudyHeader& h, const std::vector<std::string>& combo) {
  std::string out;
  for (size_t a = 0; a < combo.size(); ++a)
    if (!combo[a].empty()) out += (out.empty() ? "" : ", ") + h.axis_names[a] + "=" + combo[a];
  return out.empty() ? "all points" : out;
}

std::string plot_html(const SweepResult& r, const Plot& plot, const std::map<std::vector<std::string>, const SweepPoint*>& by_labels) {
  const StudyHeader& h = r.study;
  const size_t x = axis_index(h, plot.x);
  auto point = [&](std::vector<std::string> labels) -> const SweepPoint* {
    const auto it = by_labels.find(labels);
    return it == by_labels.end() ? nullptr : it->second;
  };
  const std::string title = plot.ratio_to.empty() ? plot.metric : plot.metric + " of " + plot.ratio_to + " / of the point";
  const auto eq = plot.ratio_to.find('=');
  const size_t ratio_axis = plot.ratio_to.empty() ? h.axis_names.size() : axis_index(h, plot.ratio_to.substr(0, eq));
  auto plotted = [&](const std::vector<std::string>& labels) {
    ChartValue v = value_of(point(labels), plot.metric);
    if (ratio_axis == h.axis_names.size() || !v.value) return v;
    std::vector<std::string> base_labels = labels;
    base_labels[ratio_axis] = plot.ratio_to.substr(eq + 1);
    const ChartValue base = value_of(point(base_labels), plot.metric);
    if (!base.value || *v.value == 0) return ChartValue{std::nullopt, "baseline " + plot.ratio_to + ": " + base.failure};
    return ChartValue{*base.value / *v.value, ""};
  };
  std::ostringstream s;
  s << "<h2>" << xml_escape(title) << " vs " << xml_escape(plot.x) << (plot.kind == "heatmap" ? " and " + xml_escape(plot.y) : "")
    << "</h2>\n";
  if (plot.kind == "line") {
    std::vector<LineSeries> series;
    for (auto combo : other_combinations(h, {x})) {
      LineSeries line{combo_name(h, combo), {}};
      for (const auto& label : h.axis_labels[x]) {
        combo[x] = label;
        line.points.push_back(plotted(combo));
      }
      series.push_back(std::move(line));
    }
    s << line_chart_svg(h.axis_labels[x], series, plot.x, title) << "\n";
    return s.str();
  }
  const size_t y = axis_index(h, plot.y);
  for (auto combo : other_combinations(h, {x, y})) {
    std::vector<std::vector<ChartValue>> grid;
    for (const auto& row : h.axis_labels[y]) {
      grid.emplace_back();
      for (const auto& column : h.axis_labels[x]) {
        combo[x] = column;
        combo[y] = row;
        grid.back().push_back(plotted(combo));
      }
    }
    combo[x].clear();
    combo[y].clear();
    s << "<h3>" << xml_escape(combo_name(h, combo)) << "</h3>\n"
      << heatmap_svg(h.axis_labels[x], h.axis_labels[y], grid, plot.x, plot.y) << "\n";
  }
  return s.str();
}

}  // namespace

std::string render_sweep_csv(const SweepResult& r) {
  std::set<std::string> metrics;
  for (const auto& p : r.points)
    for (const auto& [k, v] : p.metrics) metrics.insert(k);
  std::ostringstream s;
  s << "index";
  for (const auto& a : r.study.axis_names) s << "," << csv_field(a);
  s << ",outcome,signature";
  for (const auto& m : metrics) s << "," << csv_field(m);
  s << "\n";
  for (const auto& p : r.points) {
    s << p.index;
    for (const auto& l : p.labels) s << "," << csv_field(l);
    s << "," << p.outcome << "," << csv_field(p.signature());
    for (const auto& m : metrics) {
      const auto it = p.metrics.find(m);
      s << "," << (it == p.metrics.end() ? "" : csv_number(it->second));
    }
    s << "\n";
  }
  return s.str();
}

std::string render_sweep_html(const SweepResult& r) {
  const StudyHeader& h = r.study;
  std::map<std::vector<std::string>, const SweepPoint*> by_labels;
  std::map<std::string, int> signatures;
  for (const auto& p : r.points) {
    by_labels[p.labels] = &p;
    if (p.outcome != "ok") ++signatures[p.outcome + ": " + p.signature()];
  }
  std::ostringstream s;
  s << "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>" << xml_escape(h.title)
    << "</title><style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse}"
       "td,th{border:1px solid #ccc;padding:2px 6px;font-size:12px}.failed{background:#fdd}</style></head><body>\n"
    << "<h1>" << xml_escape(h.title) << "</h1>\n<p>" << xml_escape(h.description) << "</p>\n<p>study <code>"
    << xml_escape(h.id) << "</code>: " << r.points.size() << " of " << h.point_count() << " points; axes: ";
  for (size_t a = 0; a < h.axis_names.size(); ++a)
    s << (a ? "; " : "") << xml_escape(h.axis_names[a]) << " (" << h.axis_labels[a].size() << ")";
  s << "</p>\n";
  if (!signatures.empty()) {
    s << "<h2>Failures</h2><p>Failed points are red crosses in the plots (hover for the signature).</p><ul>\n";
    for (const auto& [sig, n] : signatures) s << "<li>" << n << " point" << (n == 1 ? "" : "s") << ": <code>" << xml_escape(sig) << "</code></li>\n";
    s << "</ul>\n";
  }
  for (const auto& plot : h.plots) s << plot_html(r, plot, by_labels);
  s << "<h2>Points</h2>\n<table><tr><th>#</th>";
  for (const auto& a : h.axis_names) s << "<th>" << xml_escape(a) << "</th>";
  s << "<th>outcome</th><th>signature</th>";
  for (const auto& m : h.metrics) s << "<th>" << xml_escape(m) << "</th>";
  s << "</tr>\n";
  for (const auto& p : r.points) {
    s << "<tr" << (p.outcome == "ok" ? "" : " class='failed'") << "><td>" << p.index << "</td>";
    for (const auto& l : p.labels) s << "<td>" << xml_escape(l) << "</td>";
    s << "<td>" << p.outcome << "</td><td>" << xml_escape(p.signature()) << "</td>";
    for (const auto& m : h.metrics) {
      const auto it = p.metrics.find(m);
      s << "<td>" << (it == p.metrics.end() ? "" : reports::format_number(it->second)) << "</td>";
    }
    s << "</tr>\n";
  }
  s << "</table>\n</body></html>\n";
  return s.str();
}

SweepFiles write_sweep_reports(const SweepResult& result, const std::filesystem::path& dir) {
  SweepFiles f{dir / "sweep.json", dir / "sweep.csv", dir / "sweep.html"};
  reports::write_file_atomically(f.json, render_sweep_json(result));
  reports::write_file_atomically(f.csv, render_sweep_csv(result));
  reports::write_file_atomically(f.html, render_sweep_html(result));
  return f;
}

}  // namespace npusim::sim
