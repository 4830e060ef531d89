#include "reports/number_format.h"

#include <cmath>
#include <cstdio>

namespace npusim::reports {

std::string format_number(double value, int significant_digits) {
  if (!std::isfinite(value)) return "n/a";
  // Large values (throughput, bytes) read better whole than in exponent form.
  constexpr double kWholeFrom = 1e4;
  constexpr double kWholeUpTo = 1e15;
  char buf[32];
  double magnitude = std::fabs(value);
  if (magnitude >= kWholeFrom && magnitude < kWholeUpTo) {
    std::snprintf(buf, sizeof buf, "%.0f", value);
  } else {
    std::snprintf(buf, sizeof buf, "%.*g", significant_digits, value);
  }
  return buf;
}

}  // namespace npusim::reports
