#include "reports/svg_charts.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

#include "reports/number_format.h"
#include "reports/xml_escape.h"

namespace npusim::reports {
namespace {

// Layout in SVG user units (the page scales the drawing to its width).
constexpr double kWidth = 1000;
constexpr double kCharWidth = 6.8;  // average glyph advance of the 12px chart font
constexpr size_t kMaxLabelChars = 70;
constexpr double kValueWidth = 110;
constexpr double kRowHeight = 24;
constexpr double kBarHeight = 16;
constexpr double kLegendRowHeight = 20;
constexpr double kLegendItemWidth = 200;
constexpr double kSwatch = 12;
constexpr int kLegendItemsPerRow = 5;

// Tableau 10: distinguishable colours, also for the common colour blindnesses.
constexpr std::array<const char*, 10> kPalette = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                                  "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

// Labels longer than the label column lose their start (scenario names share
// prefixes; the variant at the end is what tells rows apart).
std::string shown_label(const std::string& label) {
  if (label.size() <= kMaxLabelChars) return label;
  size_t cut = label.size() - (kMaxLabelChars - 1);
  while (cut < label.size() && (static_cast<unsigned char>(label[cut]) & 0xC0u) == 0x80u) ++cut;  // UTF-8 boundary
  return "\xE2\x80\xA6" + label.substr(cut);  // U+2026 ellipsis
}

double drawn(double value) { return std::isfinite(value) && value > 0 ? value : 0; }

constexpr const char* kOtherKey = "other";

// With more keys than colours, the keys of smallest total share one "other"
// segment, so no two keys in a legend share a colour.
std::vector<ChartRow> merge_minor_keys(const std::vector<ChartRow>& rows) {
  std::map<std::string, double> totals;
  for (const ChartRow& row : rows) {
    for (const BarSegment& s : row.segments) totals[s.key] += drawn(s.value);
  }
  if (totals.size() <= kPalette.size()) return rows;
  std::vector<std::pair<double, std::string>> by_size;
  for (const auto& [key, total] : totals) by_size.push_back({-total, key});
  std::sort(by_size.begin(), by_size.end());
  std::set<std::string> kept;
  for (size_t i = 0; i + 1 < kPalette.size(); ++i) kept.insert(by_size[i].second);
  std::vector<ChartRow> merged;
  for (const ChartRow& row : rows) {
    ChartRow out{row.label, {}};
    double other = 0;
    for (const BarSegment& s : row.segments) {
      if (kept.count(s.key) != 0) {
        out.segments.push_back(s);
      } else {
        other += drawn(s.value);
      }
    }
    if (other > 0) out.segments.push_back({kOtherKey, other});
    merged.push_back(std::move(out));
  }
  return merged;
}

std::vector<std::string> keys_of(const std::vector<ChartRow>& rows) {
  std::vector<std::string> keys;
  for (const ChartRow& row : rows) {
    for (const BarSegment& s : row.segments) {
      if (std::find(keys.begin(), keys.end(), s.key) == keys.end()) keys.push_back(s.key);
    }
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

const char* colour(const std::vector<std::string>& keys, const std::string& key) {
  auto index = static_cast<size_t>(std::find(keys.begin(), keys.end(), key) - keys.begin());
  return kPalette[index % kPalette.size()];
}

}  // namespace

std::string stacked_bar_chart(const std::vector<ChartRow>& chart_rows, const std::string& unit) {
  const std::vector<ChartRow> rows = merge_minor_keys(chart_rows);
  std::vector<std::string> keys = keys_of(rows);
  double max_total = 0;
  for (const ChartRow& row : rows) {
    double total = 0;
    for (const BarSegment& s : row.segments) total += drawn(s.value);
    max_total = std::max(max_total, total);
  }
  size_t label_chars = 0;
  for (const ChartRow& row : rows) label_chars = std::max(label_chars, shown_label(row.label).size());
  double label_width = static_cast<double>(label_chars) * kCharWidth + 10;
  double bar_area = kWidth - label_width - kValueWidth;
  double scale = max_total > 0 ? bar_area / max_total : 0;
  int legend_rows = keys.size() > 1 ? static_cast<int>((keys.size() + kLegendItemsPerRow - 1) / kLegendItemsPerRow) : 0;
  double height = static_cast<double>(rows.size()) * kRowHeight + legend_rows * kLegendRowHeight + 4;

  std::ostringstream svg;
  svg << "<svg class=\"chart\" viewBox=\"0 0 " << kWidth << " " << height << "\" role=\"img\">\n";
  for (size_t r = 0; r < rows.size(); ++r) {
    const ChartRow& row = rows[r];
    double y = static_cast<double>(r) * kRowHeight;
    double text_y = y + kBarHeight - 3;
    svg << "<text x=\"" << label_width - 8 << "\" y=\"" << text_y << "\" text-anchor=\"end\"><title>"
        << xml_escape(row.label) << "</title>" << xml_escape(shown_label(row.label)) << "</text>\n";
    double x = label_width;
    double total = 0;
    for (const BarSegment& s : row.segments) {
      double w = drawn(s.value) * scale;
      total += drawn(s.value);
      if (w <= 0) continue;
      svg << "<rect x=\"" << x << "\" y=\"" << y << "\" width=\"" << w << "\" height=\"" << kBarHeight
          << "\" fill=\"" << colour(keys, s.key) << "\"><title>" << xml_escape(s.key) << ": "
          << format_number(s.value) << " " << xml_escape(unit) << "</title></rect>\n";
      x += w;
    }
    svg << "<text x=\"" << x + 6 << "\" y=\"" << text_y << "\">" << format_number(total) << " "
        << xml_escape(unit) << "</text>\n";
  }
  for (size_t k = 0; legend_rows > 0 && k < keys.size(); ++k) {
    double x = static_cast<double>(k % kLegendItemsPerRow) * kLegendItemWidth;
    double y = static_cast<double>(rows.size()) * kRowHeight + static_cast<double>(k / kLegendItemsPerRow) * kLegendRowHeight + 4;
    svg << "<rect x=\"" << x << "\" y=\"" << y << "\" width=\"" << kSwatch << "\" height=\"" << kSwatch
        << "\" fill=\"" << colour(keys, keys[k]) << "\"/><text x=\"" << x + kSwatch + 4 << "\" y=\""
        << y + kSwatch - 1 << "\">" << xml_escape(keys[k]) << "</text>\n";
  }
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace npusim::reports
