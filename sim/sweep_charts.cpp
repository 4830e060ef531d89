#include "sim/sweep_charts.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "reports/number_format.h"
#include "reports/xml_escape.h"

namespace npusim::sim {
namespace {
using reports::format_number;
using reports::xml_escape;

// Layout in SVG user units.
constexpr double kWidth = 860, kHeight = 320, kLeft = 70, kRight = 320, kTop = 20, kBottom = 50;
constexpr double kCell = 56, kCellHeight = 28;
const char* const kPalette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f"};

std::string cross(double x, double y, const std::string& failure) {
  std::ostringstream s;
  s << "<g class='fail'><title>" << xml_escape(failure) << "</title><path d='M" << x - 5 << " " << y - 5 << " L"
    << x + 5 << " " << y + 5 << " M" << x - 5 << " " << y + 5 << " L" << x + 5 << " " << y - 5
    << "' stroke='#d62728' stroke-width='2.5'/></g>";
  return s.str();
}

std::string text(double x, double y, const std::string& content, const char* anchor = "middle") {
  std::ostringstream s;
  s << "<text x='" << x << "' y='" << y << "' text-anchor='" << anchor << "' font-size='11'>" << xml_escape(content)
    << "</text>";
  return s.str();
}

// Blue (low) to orange (high).
std::string colour(double t) {
  const int r = static_cast<int>(std::lround(49 + t * (253 - 49)));
  const int g = static_cast<int>(std::lround(130 + t * (141 - 130)));
  const int b = static_cast<int>(std::lround(189 + t * (60 - 189)));
  std::ostringstream s;
  s << "rgb(" << r << "," << g << "," << b << ")";
  return s.str();
}
}  // namespace

std::string line_chart_svg(const std::vector<std::string>& x_labels, const std::vector<LineSeries>& series,
                           const std::string& x_title, const std::string& y_title) {
  double y_max = 0;
  for (const auto& s : series)
    for (const auto& p : s.points)
      if (p.value && std::isfinite(*p.value)) y_max = std::max(y_max, *p.value);
  if (y_max <= 0) y_max = 1;
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  auto px = [&](size_t i) { return kLeft + plot_w * (x_labels.size() > 1 ? double(i) / double(x_labels.size() - 1) : 0.5); };
  auto py = [&](double v) { return kTop + plot_h * (1 - v / y_max); };

  std::ostringstream s;
  s << "<svg xmlns='http://www.w3.org/2000/svg' width='" << kWidth << "' height='" << kHeight << "' viewBox='0 0 "
    << kWidth << " " << kHeight << "' font-family='sans-serif'>";
  s << "<line x1='" << kLeft << "' y1='" << kTop + plot_h << "' x2='" << kLeft + plot_w << "' y2='" << kTop + plot_h
    << "' stroke='#333'/><line x1='" << kLeft << "' y1='" << kTop << "' x2='" << kLeft << "' y2='" << kTop + plot_h
    << "' stroke='#333'/>";
  for (int tick = 0; tick <= 4; ++tick) {
    const double v = y_max * tick / 4;
    s << text(kLeft - 6, py(v) + 4, format_number(v, 3), "end");
  }
  for (size_t i = 0; i < x_labels.size(); ++i) s << text(px(i), kTop + plot_h + 16, x_labels[i]);
  s << text(kLeft + plot_w / 2, kHeight - 8, x_title);
  s << "<text x='14' y='" << kTop + plot_h / 2 << "' font-size='11' text-anchor='middle' transform='rotate(-90 14 "
    << kTop + plot_h / 2 << ")'>" << xml_escape(y_title) << "</text>";
  for (size_t k = 0; k < series.size(); ++k) {
    const char* c = kPalette[k % (sizeof kPalette / sizeof *kPalette)];
    std::string path;
    for (size_t i = 0; i < series[k].points.size() && i < x_labels.size(); ++i) {
      const auto& p = series[k].points[i];
      if (!p.value || !std::isfinite(*p.value)) {
        if (!p.failure.empty()) s << cross(px(i), kTop + plot_h - 6, series[k].name + ": " + p.failure);
        continue;
      }
      std::ostringstream seg;
      seg << (path.empty() ? "M" : " L") << px(i) << " " << py(*p.value);
      path += seg.str();
      s << "<circle cx='" << px(i) << "' cy='" << py(*p.value) << "' r='3' fill='" << c << "'><title>"
        << xml_escape(series[k].name + ", " + x_labels[i] + ": " + format_number(*p.value)) << "</title></circle>";
    }
    if (!path.empty()) s << "<path d='" << path << "' fill='none' stroke='" << c << "' stroke-width='1.5'/>";
    s << "<rect x='" << kWidth - kRight + 10 << "' y='" << kTop + 16 * k << "' width='10' height='10' fill='" << c
      << "'/>" << text(kWidth - kRight + 24, kTop + 16 * k + 9, series[k].name, "start");
  }
  s << "</svg>";
  return s.str();
}

std::string heatmap_svg(const std::vector<std::string>& x_labels, const std::vector<std::string>& y_labels,
                        const std::vector<std::vector<ChartValue>>& grid, const std::string& x_title,
                        const std::string& y_title) {
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& row : grid)
    for (const auto& cell : row)
      if (cell.value && std::isfinite(*cell.value)) {
        lo = std::min(lo, *cell.value);
        hi = std::max(hi, *cell.value);
      }
  const double w = kLeft + kCell * double(x_labels.size()) + 20;
  const double h = kTop + kCellHeight * double(y_labels.size()) + kBottom;
  std::ostringstream s;
  s << "<svg xmlns='http://www.w3.org/2000/svg' width='" << w << "' height='" << h << "' viewBox='0 0 " << w << " "
    << h << "' font-family='sans-serif'>";
  for (size_t r = 0; r < y_labels.size(); ++r) {
    const double y = kTop + kCellHeight * double(r);
    s << text(kLeft - 6, y + kCellHeight / 2 + 4, y_labels[r], "end");
    for (size_t c = 0; c < x_labels.size() && r < grid.size() && c < grid[r].size(); ++c) {
      const double x = kLeft + kCell * double(c);
      const ChartValue& cell = grid[r][c];
      if (!cell.value || !std::isfinite(*cell.value)) {
        s << "<rect x='" << x << "' y='" << y << "' width='" << kCell << "' height='" << kCellHeight
          << "' fill='#eee' stroke='#fff'/>" << cross(x + kCell / 2, y + kCellHeight / 2, cell.failure);
        continue;
      }
      const double t = hi > lo ? (*cell.value - lo) / (hi - lo) : 0.5;
      s << "<rect x='" << x << "' y='" << y << "' width='" << kCell << "' height='" << kCellHeight << "' fill='"
        << colour(t) << "' stroke='#fff'><title>" << xml_escape(format_number(*cell.value)) << "</title></rect>"
        << text(x + kCell / 2, y + kCellHeight / 2 + 4, format_number(*cell.value, 3));
    }
  }
  for (size_t c = 0; c < x_labels.size(); ++c)
    s << text(kLeft + kCell * (double(c) + 0.5), kTop + kCellHeight * double(y_labels.size()) + 16, x_labels[c]);
  s << text(kLeft + kCell * double(x_labels.size()) / 2, h - 8, x_title);
  s << text(4, kTop - 6, y_title, "start");
  s << "</svg>";
  return s.str();
}

}  // namespace npusim::sim
