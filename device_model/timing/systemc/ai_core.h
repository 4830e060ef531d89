// One AI core (cube or vector) as a TLM-2.0 initiator. It has no thread of its
// own: the stream that dispatches an op runs the op's tiles on each core it
// uses through the shared double-buffered tile pipeline (tile_pipeline.h),
// moving each tile's bytes with one b_transport to the memory subsystem. A
// thread per core cost a context switch per core per op, most of the wall
// time of a decode stream (docs/PERFORMANCE.md). Cores that run the same job
// from the same time move in lockstep: one of them issues the transactions for
// all (bytes and rate times the group size), the others only follow.
#pragma once
#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "device_model/timing/tile_pipeline.h"

namespace npusim::device {

struct CoreJob {
  int64_t tiles = 0;
  double start_ns = 0;  // not before
  TileCosts costs;
  int sharers = 1;      // cores moving data while this job runs (fair link shares)
  int lockstep = 1;     // cores running this job in lockstep with the one issuing it
};

class AiCore : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<AiCore> socket;

  explicit AiCore(sc_core::sc_module_name name);
  // Runs the job's tiles once the core is free; returns when its last store
  // completes. Called from the dispatching stream's thread, possibly ahead of
  // simulation time (temporal decoupling).
  double run(const CoreJob& job);
  // This core ran `job` in lockstep with another that finished at end_ns.
  void follow(const CoreJob& job, double end_ns);
  double free_ns() const { return free_ns_; }
  double busy_ns() const { return busy_ns_; }

 private:
  double transfer(double request_ns, double bytes, const CoreJob& job);

  tlm::tlm_generic_payload trans_;
  double free_ns_ = 0;  // when this core finishes what it was given
  double busy_ns_ = 0;
};

}  // namespace npusim::device
