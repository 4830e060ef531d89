// The JUnit XML parses (expat) and has one testsuite per scenario, one
// testcase per run and a failure per run with unmet checks, carrying the
// failure signature; escaped text reads back as written.
#include <gtest/gtest.h>

#include "xml_document.h"
#include "reports/report_writers.h"
#include "tests/support/fake_runs.h"

namespace npusim::reports {
namespace {

using testing::Element;
using testing::Parsed;
using testing::named;
using testing::parse_xml;

TEST(JunitReport, ParsesWithOneTestcasePerRunAndAFailurePerUnmetRun) {
  Parsed p = parse_xml(render_junit(testing::fake_suite()));
  ASSERT_TRUE(p.well_formed) << p.error;
  auto suites = named(p, "testsuite");
  ASSERT_EQ(suites.size(), 2u);
  EXPECT_EQ(suites[0]->attrs.at("name"), "sglang-21408-glm47-flash-heads");
  EXPECT_EQ(suites[0]->attrs.at("tests"), "3");
  EXPECT_EQ(suites[0]->attrs.at("failures"), "1");
  EXPECT_EQ(suites[1]->attrs.at("tests"), "2");
  EXPECT_EQ(suites[1]->attrs.at("failures"), "1");
  EXPECT_EQ(named(p, "testcase").size(), 5u);
  EXPECT_EQ(named(p, "failure").size(), 2u);
  const Element& root = p.elements.front();
  EXPECT_EQ(root.name, "testsuites");
  EXPECT_EQ(root.attrs.at("tests"), "5");
  EXPECT_EQ(root.attrs.at("failures"), "2");
}

TEST(JunitReport, FailureCarriesTheSignatureAndTheUnmetExpectation) {
  Parsed p = parse_xml(render_junit(testing::fake_suite()));
  ASSERT_TRUE(p.well_formed) << p.error;
  auto cases = named(p, "testcase");
  EXPECT_EQ(cases[2]->attrs.at("classname"), "sglang-21408-glm47-flash-heads");
  EXPECT_EQ(cases[2]->attrs.at("name"), "fix-fp16 (functional)");
  EXPECT_EQ(cases[2]->attrs.at("time"), "0.25");
  auto failures = named(p, "failure");
  EXPECT_EQ(failures[0]->attrs.at("type"),
            "constraint FusedInferAttentionScore query_padding.dtype=bf16 [fia.dtype.query_matches]");
  EXPECT_NE(failures[0]->text.find("expected: succeeds"), std::string::npos);
  // Special characters come back as written; the control character, which XML
  // cannot carry, as U+FFFD.
  EXPECT_EQ(failures[1]->attrs.at("type"), "outcome ok");
  EXPECT_NE(failures[1]->text.find("expected: speedup >= 2 & <\"3\" 'x'; observed: 1.9 <\xEF\xBF\xBD 2>"),
            std::string::npos)
      << failures[1]->text;
}

TEST(JunitReport, PassingBugVariantShowsItsSignatureInSystemOut) {
  Parsed p = parse_xml(render_junit(testing::fake_suite()));
  ASSERT_TRUE(p.well_formed) << p.error;
  auto outs = named(p, "system-out");
  ASSERT_EQ(outs.size(), 5u);
  EXPECT_NE(outs[0]->text.find("rule fia.mla.num_heads_power_of_two"), std::string::npos) << outs[0]->text;
}

}  // namespace
}  // namespace npusim::reports
