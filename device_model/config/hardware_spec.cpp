#include "device_model/config/hardware_spec.h"

#include <cmath>

#include "op_stream/failure.h"

namespace npusim::device {
namespace {

// Reads figures and refuses the ones no hardware can have (zero or negative
// sizes, fractional core counts), naming the key and the preset.
class FigureReader {
 public:
  explicit FigureReader(const DeviceConfig& config) : config_(config) {}

  double positive(const std::string& key) const {
    const double v = config_.number(key);
    if (!(v > 0)) fail(key, v, "must be > 0");
    return v;
  }
  double non_negative(const std::string& key) const {
    const double v = config_.number(key);
    if (v < 0) fail(key, v, "must be >= 0");
    return v;
  }
  int count(const std::string& key) const {
    const double v = positive(key);
    if (v != std::floor(v) || v > 1e6) fail(key, v, "must be a whole number of at most 1e6");
    return static_cast<int>(v);
  }
  std::string platform(const std::string& key) const {
    const std::string p = config_.text(key);
    if (p != "npu" && p != "cuda" && p != "rocm") {
      Failure f{"config", "device config", key, p, "", "platform '" + p + "' is not npu, cuda or rocm",
                "set platform to npu, cuda or rocm", config_.where(key)};
      throw FailureError(f);
    }
    return p;
  }

 private:
  [[noreturn]] void fail(const std::string& key, double v, const std::string& rule) const {
    Failure f{"config", "device config", key, std::to_string(v), "",
              "preset figure '" + key + "' " + rule, "fix the preset or the --set override", config_.where(key)};
    throw FailureError(f);
  }
  const DeviceConfig& config_;
};

}  // namespace

HardwareSpec HardwareSpec::from_config(const DeviceConfig& config) {
  const FigureReader r(config);
  HardwareSpec s;
  s.name = config.name();
  s.platform = r.platform("platform");
  s.clock_GHz = r.positive("cores.clock_GHz");
  s.cube_cores = r.count("cores.cube_count");
  s.vector_cores = r.count("cores.vector_count");
  s.mte_bytes_per_cycle = r.positive("cores.mte_bytes_per_cycle");
  s.tile_fixed_cycles = r.non_negative("cores.tile_fixed_cycles");
  s.cube_m = r.count("cube.m");
  s.cube_n = r.count("cube.n");
  s.cube_k = r.count("cube.k");
  s.cube_int8_k_multiplier = r.count("cube.int8_k_multiplier");
  s.vector_bytes_per_cycle = r.positive("vector.bytes_per_cycle");
  s.l1_bytes = r.positive("buffers.l1_bytes");
  s.l0a_bytes = r.positive("buffers.l0a_bytes");
  s.l0b_bytes = r.positive("buffers.l0b_bytes");
  s.l0c_bytes = r.positive("buffers.l0c_bytes");
  s.ub_bytes = r.positive("buffers.ub_bytes");
  s.l2_bytes = r.positive("memory.l2_bytes");
  s.l2_bandwidth_GBps = r.positive("memory.l2_bandwidth_GBps");
  s.hbm_bytes = r.positive("memory.hbm_bytes");
  s.hbm_bandwidth_GBps = r.positive("memory.hbm_bandwidth_GBps");
  s.h2d_bandwidth_GBps = r.positive("host.h2d_bandwidth_GBps");
  s.kernel_launch_us = r.non_negative("host.kernel_launch_us");
  s.graph_launch_us = r.non_negative("host.graph_launch_us");
  s.graph_node_us = r.non_negative("host.graph_node_us");
  s.synchronize_us = r.non_negative("host.synchronize_us");
  s.functional_host_budget_bytes = r.positive("sim.functional_host_budget_bytes");
  return s;
}

// int8 fractals are k-times deeper (16x32 by 32x16 on Ascend); other integer
// types do not run on the cube and get the fp16 rate as an upper bound.
double HardwareSpec::cube_macs_per_cycle(DType dtype) const {
  const double fractal = static_cast<double>(cube_m) * cube_n * cube_k;
  return dtype == DType::i8 ? fractal * cube_int8_k_multiplier : fractal;
}

double HardwareSpec::peak_cube_flops(DType dtype) const {
  return 2.0 * cube_macs_per_cycle(dtype) * cube_cores * clock_GHz * 1e9;
}

double HardwareSpec::peak_vector_bytes_per_s() const {
  return vector_bytes_per_cycle * vector_cores * clock_GHz * 1e9;
}

}  // namespace npusim::device
