// A small DOM over expat for the report tests: elements in document order
// with their attributes and text.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace npusim::reports::testing {

struct Element {
  std::string name;
  std::map<std::string, std::string> attrs;
  std::string text;  // character data directly inside, entities decoded
};

struct Parsed {
  bool well_formed = false;
  std::string error;
  std::vector<Element> elements;  // in document order
};

Parsed parse_xml(const std::string& xml);
std::vector<const Element*> named(const Parsed& parsed, const std::string& name);

}  // namespace npusim::reports::testing
