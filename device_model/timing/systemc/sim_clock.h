// Conversions between SystemC time and the plain-C++ timing code's ns doubles.
#pragma once
#include <systemc>

namespace npusim::device {

inline double now_ns() { return sc_core::sc_time_stamp().to_seconds() * 1e9; }
inline sc_core::sc_time ns_time(double ns) { return sc_core::sc_time(ns > 0 ? ns : 0.0, sc_core::SC_NS); }

}  // namespace npusim::device
