// Escaping for XML and HTML text and attribute values.
#pragma once
#include <string>
#include <string_view>

namespace npusim::reports {

// Escapes & < > " ' and replaces what XML 1.0 cannot carry at all (control
// characters other than tab/LF/CR, malformed UTF-8) with U+FFFD, so any
// message text yields a well-formed document.
std::string xml_escape(std::string_view text);

}  // namespace npusim::reports
