// Typed view of the preset figures the cost and timing models use. Built once
// from a DeviceConfig; each field names its preset key.
#pragma once
#include <string>

#include "device_model/config/device_config.h"
#include "op_stream/dtype.h"

namespace npusim::device {

struct HardwareSpec {
  std::string name;
  std::string platform;           // platform: npu | cuda | rocm
  double clock_GHz = 0;           // cores.clock_GHz
  int cube_cores = 0;             // cores.cube_count
  int vector_cores = 0;           // cores.vector_count
  int cube_m = 0, cube_n = 0, cube_k = 0;  // cube.m / cube.n / cube.k (fp16/bf16 fractal)
  int cube_int8_k_multiplier = 1;          // cube.int8_k_multiplier
  double vector_bytes_per_cycle = 0;       // vector.bytes_per_cycle (per vector core)
  double mte_bytes_per_cycle = 0;          // cores.mte_bytes_per_cycle (per core, GM<->local)
  double l1_bytes = 0, l0a_bytes = 0, l0b_bytes = 0, l0c_bytes = 0, ub_bytes = 0;  // buffers.<name>_bytes
  double l2_bytes = 0;                     // memory.l2_bytes
  double l2_bandwidth_GBps = 0;            // memory.l2_bandwidth_GBps
  double hbm_bytes = 0;                    // memory.hbm_bytes
  double hbm_bandwidth_GBps = 0;           // memory.hbm_bandwidth_GBps
  double h2d_bandwidth_GBps = 0;           // host.h2d_bandwidth_GBps
  double kernel_launch_us = 0;             // host.kernel_launch_us (eager, per op)
  double graph_launch_us = 0;              // host.graph_launch_us (per replay)
  double graph_node_us = 0;                // host.graph_node_us (per node in a replay)
  double synchronize_us = 0;               // host.synchronize_us
  double functional_host_budget_bytes = 0; // sim.functional_host_budget_bytes
  double tile_fixed_cycles = 0;            // cores.tile_fixed_cycles (per-tile setup)

  static HardwareSpec from_config(const DeviceConfig& config);

  double cube_macs_per_cycle(DType dtype) const;  // per cube core
  double peak_cube_flops(DType dtype) const;      // whole device, FLOP/s
  double peak_vector_bytes_per_s() const;         // whole device
  double hbm_bytes_per_s() const { return hbm_bandwidth_GBps * 1e9; }
  double cycles_to_ns(double cycles) const { return cycles / clock_GHz; }
};

}  // namespace npusim::device
