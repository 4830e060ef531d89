// The one number format of the human-readable reports, so that the same value
// reads the same in Markdown, JUnit and HTML.
#pragma once
#include <string>

namespace npusim::reports {

// Four significant digits; whole numbers from 1e4 up; "n/a" when not finite.
std::string format_number(double value);

}  // namespace npusim::reports
