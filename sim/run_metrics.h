// Speed figures of one timing run, derived from the timeline and the engine's
// step marks (synchronize records named prefill / decode / draft / verify).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "device_model/config/hardware_spec.h"
#include "device_model/timing/timing_model.h"
#include "op_stream/op_call.h"
#include "reports/run_result.h"

namespace npusim::sim {

struct StepTime {
  std::string kind;  // synchronize record name
  double end_ns = 0;
};

// End time of each step: the latest device completion before its synchronize.
std::vector<StepTime> step_times(const std::vector<OpCall>& records, const device::TimingResult& timing);

// Fills run.metrics (total_ms, startup_ms (load before the first prefill op), ttft_ms, decode_ms, tpot_ms, tokens_per_s,
// cube/vector/hbm utilisation, device_ops), run.time_by_op_class_ns and
// run.timeline. `decode_tokens` is the number of tokens each sequence
// generated after prefill; `batch` the number of sequences.
void fill_timing_metrics(const std::vector<OpCall>& records, const device::TimingResult& timing,
                         const device::HardwareSpec& spec, double decode_tokens, int batch,
                         reports::RunResult& run);

}  // namespace npusim::sim
