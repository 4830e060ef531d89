// Conversions between SystemC time and the plain-C++ timing code's ns doubles,
// through raw ticks of the time resolution (sc_time's unit-converting
// constructor is a hot spot at one call per transfer).
#pragma once
#include <cmath>
#include <systemc>

namespace npusim::device {

inline double ns_per_tick() {
  static const double value = sc_core::sc_get_time_resolution().to_seconds() * 1e9;
  return value;
}
inline double to_ns(const sc_core::sc_time& t) { return static_cast<double>(t.value()) * ns_per_tick(); }
inline double now_ns() { return to_ns(sc_core::sc_time_stamp()); }
inline sc_core::sc_time ns_time(double ns) {
  return sc_core::sc_time::from_value(ns > 0 ? static_cast<sc_dt::uint64>(std::llround(ns / ns_per_tick())) : 0);
}

}  // namespace npusim::device
