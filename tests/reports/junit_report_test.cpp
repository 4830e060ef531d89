// The JUnit XML parses with expat and has one testsuite per scenario, one
// testcase per run and a failure per run with unmet checks, carrying the
// failure signature; escaped text reads back as written.
#include <expat.h>
#include <gtest/gtest.h>

#include <map>

#include "fake_runs.h"
#include "reports/report_writers.h"

namespace npusim::reports {
namespace {

struct Element {
  std::string name;
  std::map<std::string, std::string> attrs;
  std::string text;
};

struct Parsed {
  bool well_formed = false;
  std::string error;
  std::vector<Element> elements;  // in document order
};

Parsed parse_xml(const std::string& xml) {
  Parsed parsed;
  std::vector<size_t> open;  // indices of the elements being read
  struct Ctx {
    Parsed* parsed;
    std::vector<size_t>* open;
  } ctx{&parsed, &open};
  XML_Parser parser = XML_ParserCreate("UTF-8");
  XML_SetUserData(parser, &ctx);
  XML_SetElementHandler(
      parser,
      [](void* data, const XML_Char* name, const XML_Char** attrs) {
        auto* c = static_cast<Ctx*>(data);
        Element e{name, {}, {}};
        for (int i = 0; attrs[i] != nullptr; i += 2) e.attrs[attrs[i]] = attrs[i + 1];
        c->parsed->elements.push_back(e);
        c->open->push_back(c->parsed->elements.size() - 1);
      },
      [](void* data, const XML_Char*) { static_cast<Ctx*>(data)->open->pop_back(); });
  XML_SetCharacterDataHandler(parser, [](void* data, const XML_Char* s, int len) {
    auto* c = static_cast<Ctx*>(data);
    if (!c->open->empty()) c->parsed->elements[c->open->back()].text.append(s, static_cast<size_t>(len));
  });
  parsed.well_formed = XML_Parse(parser, xml.data(), static_cast<int>(xml.size()), 1) == XML_STATUS_OK;
  if (!parsed.well_formed) {
    parsed.error = std::string(XML_ErrorString(XML_GetErrorCode(parser))) + " at line " +
                   std::to_string(XML_GetCurrentLineNumber(parser));
  }
  XML_ParserFree(parser);
  return parsed;
}

std::vector<const Element*> named(const Parsed& p, const std::string& name) {
  std::vector<const Element*> out;
  for (const Element& e : p.elements) {
    if (e.name == name) out.push_back(&e);
  }
  return out;
}

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
  EXPECT_NE(failures[1]->text.find("expected: speedup >= 2 & <\"3\" 'x'\nobserved: 1.9 <\xEF\xBF\xBD 2>"),
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

TEST(JunitReport, ExpatRejectsWhatTheWriterMustNeverProduce) {
  // The parser under the tests above does reject malformed XML.
  EXPECT_FALSE(parse_xml("<a><b></a>").well_formed);
  EXPECT_FALSE(parse_xml("<a>\x01</a>").well_formed);
  EXPECT_FALSE(parse_xml("<a x=\"<\"/>").well_formed);
}

}  // namespace
}  // namespace npusim::reports
