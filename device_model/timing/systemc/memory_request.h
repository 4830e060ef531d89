// TLM extension an AI core attaches to its transfers: the share of the bytes
// that must come from HBM (the rest hits L2), the core's own port rate, and how
// many cores are moving data at the moment (they share the links fairly), and
// how many cores in lockstep the transaction stands for (its bytes are theirs
// together, and so is its rate).
#pragma once
#include <tlm>

namespace npusim::device {

struct MemoryRequest : tlm::tlm_extension<MemoryRequest> {
  double hbm_fraction = 1;
  double port_bytes_per_ns = 0;
  int sharers = 1;
  int lockstep = 1;

  tlm::tlm_extension_base* clone() const override { return new MemoryRequest(*this); }
  void copy_from(const tlm::tlm_extension_base& other) override {
    *this = static_cast<const MemoryRequest&>(other);
  }
};

}  // namespace npusim::device
