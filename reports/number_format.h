// The one number format of the human-readable reports, so that the same value
// reads the same in Markdown, JUnit and HTML.
#pragma once
#include <string>

namespace npusim::reports {

// `significant_digits` digits; whole numbers from 1e4 up; "n/a" when not finite.
std::string format_number(double value, int significant_digits = 4);

}  // namespace npusim::reports
