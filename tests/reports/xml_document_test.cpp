// parse_xml for the report tests, and a test that it does reject malformed
// XML (the well-formedness checks built on it could not fail otherwise).
#include "xml_document.h"

#include <expat.h>
#include <gtest/gtest.h>

namespace npusim::reports::testing {

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

std::vector<const Element*> named(const Parsed& parsed, const std::string& name) {
  std::vector<const Element*> out;
  for (const Element& e : parsed.elements) {
    if (e.name == name) out.push_back(&e);
  }
  return out;
}

namespace {

TEST(XmlDocument, RejectsMalformedXml) {
  // Mismatched tags, a control character, a raw "<" in an attribute.
  EXPECT_FALSE(parse_xml("<a><b></a>").well_formed);
  EXPECT_FALSE(parse_xml("<a>\x01</a>").well_formed);
  EXPECT_FALSE(parse_xml("<a x=\"<\"/>").well_formed);
}

}  // namespace
}  // namespace npusim::reports::testing
