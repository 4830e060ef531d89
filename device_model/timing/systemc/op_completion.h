// Completion of one op's tiles spread over several AI cores: each core reports
// when (in its local, possibly ahead-of-simulation time) its share finished;
// the last report fires `done` and the op's end is the latest of them.
#pragma once
#include <algorithm>
#include <systemc>

namespace npusim::device {

class OpCompletion {
 public:
  void expect(int cores) {
    pending_ = cores;
    end_ns_ = 0;
  }
  void core_finished(double end_ns) {
    end_ns_ = std::max(end_ns_, end_ns);
    if (--pending_ == 0) done.notify(sc_core::SC_ZERO_TIME);
  }
  double end_ns() const { return end_ns_; }
  sc_core::sc_event done;

 private:
  int pending_ = 0;
  double end_ns_ = 0;
};

}  // namespace npusim::device
