// Inline SVG charts for the HTML report: drawn in C++ so the page needs no
// script and no network.
#pragma once
#include <string>
#include <vector>

namespace npusim::reports {

struct BarSegment {
  std::string key;  // same key, same colour within a chart
  double value = 0;
};

struct ChartRow {
  std::string label;
  std::vector<BarSegment> segments;  // stacked left to right
};

// Horizontal bars, one per row, scaled to the largest row total, each labelled
// with its total and `unit`; a legend names the keys when there is more than
// one. Non-finite and negative values draw as zero. Beyond ten keys, the keys
// of smallest total are drawn as one "other" segment.
std::string stacked_bar_chart(const std::vector<ChartRow>& rows, const std::string& unit);

}  // namespace npusim::reports
