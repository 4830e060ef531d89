// One AI core (cube or vector) as a TLM-2.0 initiator. It runs the tiles it is
// given through the shared double-buffered tile pipeline (tile_pipeline.h),
// moving each tile's bytes with one b_transport to the memory subsystem, and
// runs ahead of simulation time under a tlm_quantumkeeper.
#pragma once
#include <deque>
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "device_model/timing/systemc/op_completion.h"
#include "device_model/timing/tile_pipeline.h"

namespace npusim::device {

struct CoreJob {
  int64_t tiles = 0;
  double start_ns = 0;  // not before
  TileCosts costs;
  OpCompletion* completion = nullptr;
  int* active_cores = nullptr;  // cores with work right now; this core leaves it when done
};

class AiCore : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<AiCore> socket;

  explicit AiCore(sc_core::sc_module_name name);
  void assign(const CoreJob& job);
  double busy_ns() const { return busy_ns_; }

 private:
  void run();
  double transfer(double request_ns, double bytes, const CoreJob& job);

  std::deque<CoreJob> jobs_;
  sc_core::sc_event work_;
  tlm_utils::tlm_quantumkeeper quantum_;
  tlm::tlm_generic_payload trans_;
  double free_ns_ = 0;  // when this core finishes what it was given
  double busy_ns_ = 0;
};

}  // namespace npusim::device
