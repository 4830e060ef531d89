// The inline SVG bar charts: well-formed, bars proportional to their values,
// one colour per key, at most ten keys, labels escaped and shortened.
#include "reports/svg_charts.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "xml_document.h"

namespace npusim::reports {
namespace {

using testing::Element;
using testing::named;
using testing::Parsed;
using testing::parse_xml;

// Bars: the <rect>s that carry a <title> (legend swatches have none).
std::vector<const Element*> bars(const Parsed& svg) {
  std::vector<const Element*> out;
  const auto& all = svg.elements;
  for (size_t i = 0; i + 1 < all.size(); ++i) {
    if (all[i].name == "rect" && all[i + 1].name == "title") out.push_back(&all[i]);
  }
  return out;
}

double width(const Element* rect) { return std::stod(rect->attrs.at("width")); }

TEST(SvgCharts, BarsAreProportionalToTheirValues) {
  Parsed svg = parse_xml(stacked_bar_chart({{"a", {{"x", 2.0}}}, {"b", {{"x", 1.0}}}, {"c", {{"x", 0.5}}}}, "ms"));
  ASSERT_TRUE(svg.well_formed) << svg.error;
  auto b = bars(svg);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_NEAR(width(b[1]) / width(b[0]), 0.5, 1e-3);
  EXPECT_NEAR(width(b[2]) / width(b[0]), 0.25, 1e-3);
  EXPECT_TRUE(named(svg, "rect").size() == 3u) << "one key: no legend";
}

TEST(SvgCharts, StacksSegmentsWithOneColourPerKeyAndALegend) {
  Parsed svg = parse_xml(stacked_bar_chart(
      {{"run 1", {{"matmul", 3.0}, {"attention", 1.0}}}, {"run 2", {{"attention", 2.0}, {"matmul", 2.0}}}}, "ms"));
  ASSERT_TRUE(svg.well_formed) << svg.error;
  auto b = bars(svg);
  ASSERT_EQ(b.size(), 4u);
  EXPECT_EQ(b[0]->attrs.at("fill"), b[3]->attrs.at("fill")) << "matmul in both rows";
  EXPECT_NE(b[0]->attrs.at("fill"), b[1]->attrs.at("fill"));
  EXPECT_NEAR(width(b[0]) + width(b[1]), width(b[2]) + width(b[3]), 1e-6) << "equal totals, equal lengths";
  EXPECT_EQ(named(svg, "rect").size(), 6u) << "two legend swatches";
}

TEST(SvgCharts, MergesKeysBeyondTheTenColoursIntoOther) {
  ChartRow row{"run", {}};
  for (int k = 0; k < 14; ++k) row.segments.push_back({"class" + std::to_string(k), 1.0 + k});
  Parsed svg = parse_xml(stacked_bar_chart({row}, "ms"));
  ASSERT_TRUE(svg.well_formed) << svg.error;
  std::set<std::string> colours, legend;
  for (const Element* bar : bars(svg)) colours.insert(bar->attrs.at("fill"));
  EXPECT_EQ(bars(svg).size(), 10u);
  EXPECT_EQ(colours.size(), 10u);
  for (const Element* text : named(svg, "text")) legend.insert(text->text);
  EXPECT_EQ(legend.count("other"), 1u);
  EXPECT_EQ(legend.count("class13"), 1u) << "the largest keys keep their own colour";
  EXPECT_EQ(legend.count("class0"), 0u);
}

TEST(SvgCharts, EscapesAndShortensLabelsAndDrawsBadValuesAsZero) {
  std::string long_label(100, 'x');
  long_label += " / fix";
  Parsed svg = parse_xml(stacked_bar_chart(
      {{"<a & b>", {{"k", 1.0}}}, {long_label, {{"k", -1.0}}}, {"nan", {{"k", std::nan("")}}}}, "ms"));
  ASSERT_TRUE(svg.well_formed) << svg.error;
  EXPECT_EQ(bars(svg).size(), 1u) << "negative and NaN values draw no bar";
  auto titles = named(svg, "title");
  EXPECT_EQ(titles[0]->text, "<a & b>");
  bool shortened = false;
  for (const Element* text : named(svg, "text")) {
    if (text->text.rfind("\xE2\x80\xA6", 0) == 0) {
      shortened = true;
      EXPECT_EQ(text->text.substr(text->text.size() - 6), " / fix") << "the end of a label is kept";
      EXPECT_LT(text->text.size(), long_label.size());
    }
  }
  EXPECT_TRUE(shortened);
}

}  // namespace
}  // namespace npusim::reports
