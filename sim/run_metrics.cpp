#include "sim/run_metrics.h"

#include <algorithm>

namespace npusim::sim {
namespace {
// Traces of very long runs stay loadable: beyond this many device ops only the
// first ones are drawn (the metrics still cover every op).
constexpr size_t kMaxTracedOps = 50000;

void add_timeline(const device::TimingResult& timing, reports::RunResult& run) {
  const size_t n = std::min(timing.ops.size(), kMaxTracedOps);
  run.timeline.reserve(n * 3);
  for (size_t i = 0; i < n; ++i) {
    const auto& op = timing.ops[i];
    const std::string& klass = op.op_class().empty() ? op.op() : op.op_class();
    if (op.host_end_ns > op.host_start_ns)
      run.timeline.push_back({op.op(), op.graph().empty() ? "launch" : "graph", "host", op.host_start_ns,
                              op.host_end_ns - op.host_start_ns, op.origin().layer, op.origin().phase});
    run.timeline.push_back({op.op(), klass, "stream " + std::to_string(op.stream), op.start_ns,
                            op.end_ns - op.start_ns, op.origin().layer, op.origin().phase});
    run.timeline.push_back({op.op(), klass, op.work().core == device::CoreKind::cube ? "cube cores" : "vector cores",
                            op.start_ns, op.end_ns - op.start_ns, op.origin().layer, op.origin().phase});
  }
}
}  // namespace

std::vector<StepTime> step_times(const std::vector<OpCall>& records, const device::TimingResult& timing) {
  std::vector<StepTime> steps;
  size_t op = 0;
  double latest = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    while (op < timing.ops.size() && timing.ops[op].record < i) latest = std::max(latest, timing.ops[op++].end_ns);
    if (records[i].kind == RecordKind::synchronize && !records[i].name.empty())
      steps.push_back({records[i].name, latest});
  }
  return steps;
}

void fill_timing_metrics(const std::vector<OpCall>& records, const device::TimingResult& timing,
                         const device::HardwareSpec& spec, double decode_tokens, int batch,
                         reports::RunResult& run) {
  auto& m = run.metrics;
  const double total_ns = timing.total_ns;
  m["total_ms"] = total_ns / 1e6;
  m["device_ops"] = static_cast<double>(timing.ops.size());
  if (total_ns > 0) {
    m["cube_utilisation"] = timing.cube_busy_ns / (std::max(1, timing.cube_cores) * total_ns);
    m["vector_utilisation"] = timing.vector_busy_ns / (std::max(1, timing.vector_cores) * total_ns);
    m["hbm_utilisation"] = timing.hbm_bytes / (spec.hbm_bytes_per_s() * total_ns * 1e-9);
  }
  const auto steps = step_times(records, timing);
  double prefill_end = -1;
  for (const auto& s : steps)
    if (s.kind == "prefill") prefill_end = s.end_ns;
  // The request arrives when the engine starts its prefill: weight loading and
  // graph capture before it are start-up, not time to first token.
  double request_start = -1;
  for (const auto& op : timing.ops)
    if (op.origin().phase == "prefill") {
      request_start = op.host_start_ns;
      break;
    }
  if (request_start >= 0) m["startup_ms"] = request_start / 1e6;
  if (prefill_end >= 0 && request_start >= 0) {
    m["ttft_ms"] = (prefill_end - request_start) / 1e6;
    const double last_end = steps.back().end_ns;
    if (decode_tokens > 0 && last_end > prefill_end) {
      const double decode_ns = last_end - prefill_end;
      m["decode_ms"] = decode_ns / 1e6;
      m["tpot_ms"] = decode_ns / decode_tokens / 1e6;
      m["tokens_per_s"] = batch * decode_tokens / (decode_ns * 1e-9);
    }
  }
  for (const auto& op : timing.ops) run.time_by_op_class_ns[op.op_class().empty() ? op.op() : op.op_class()] += op.end_ns - op.start_ns;
  add_timeline(timing, run);
}

}  // namespace npusim::sim
