// Inline SVG line charts and heatmaps for the sweep page (no script, no
// network). Points where a run failed have no value; they are drawn as a red
// cross whose tooltip is the failure signature.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace npusim::sim {

struct ChartValue {
  std::optional<double> value;  // none: the point failed (or has no such metric)
  std::string failure;          // signature shown when the point failed
};

struct LineSeries {
  std::string name;
  std::vector<ChartValue> points;  // one per x label
};

// Categorical x (labels evenly spaced), linear y from zero.
std::string line_chart_svg(const std::vector<std::string>& x_labels, const std::vector<LineSeries>& series,
                           const std::string& x_title, const std::string& y_title);

// grid[row][column]: rows are y labels, columns x labels; colour scales from
// the smallest to the largest value.
std::string heatmap_svg(const std::vector<std::string>& x_labels, const std::vector<std::string>& y_labels,
                        const std::vector<std::vector<ChartValue>>& grid, const std::string& x_title,
                        const std::string& y_title);

}  // namespace npusim::sim
