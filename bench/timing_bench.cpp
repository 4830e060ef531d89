// Simulation speed of simulate_timing on a synthetic decode-like op stream:
// device ops simulated per second of wall time, per fidelity.
//
// SystemC elaborates once per process, so each SystemC iteration runs in a
// forked child that times only its own simulate_timing call and sends the
// wall time back through a pipe; the parent reports that (manual time), so
// fork and process start-up are not counted. The analytic fidelity runs
// in-process. Both include building the launch plan (op cost models).
#include <benchmark/benchmark.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <stdexcept>

#include "device_model/config/device_config.h"
#include "device_model/timing/timing_model.h"

namespace npusim::device {
namespace {

// Layers of a GQA decoder at decode batch 8 (Qwen3-8B-like shapes): 11 ops a
// layer, eager, ending with a synchronize, on one stream.
class SyntheticStream {
 public:
  explicit SyntheticStream(int layers) {
    const int64_t tokens = 8, hidden = 4096, qkv = 6144, inter = 12288;
    for (int layer = 0; layer < layers; ++layer) {
      norm(tokens, hidden);
      matmul(tokens, qkv, hidden);
      vector_op("scale", {tokens, qkv});
      vector_op("scale", {tokens, hidden});
      matmul(tokens, hidden, hidden);
      vector_op("add", {tokens, hidden});
      norm(tokens, hidden);
      matmul(tokens, 2 * inter, hidden);
      silu_mul(tokens, inter);
      matmul(tokens, hidden, inter);
      vector_op("add", {tokens, hidden});
    }
    OpCall sync;
    sync.kind = RecordKind::synchronize;
    records.push_back(sync);
  }
  std::vector<OpCall> records;
  int64_t device_ops = 0;

 private:
  TensorRef tensor(Shape shape) {
    TensorRef t;
    t.buffer = next_++;
    t.shape = std::move(shape);
    t.dtype = DType::bf16;
    OpCall a;
    a.kind = RecordKind::alloc;
    a.buffer = t.buffer;
    a.bytes = t.bytes();
    a.name = "b" + std::to_string(t.buffer);
    records.push_back(a);
    return t;
  }
  void op(const std::string& name, std::vector<NamedTensor> in, std::vector<NamedTensor> out, Attrs attrs = {}) {
    OpCall c;
    c.op = name;
    c.inputs = std::move(in);
    c.outputs = std::move(out);
    c.attrs = std::move(attrs);
    records.push_back(std::move(c));
    ++device_ops;
  }
  void matmul(int64_t m, int64_t n, int64_t k) {
    op("MatMul", {{"x", tensor({m, k})}, {"weight", tensor({n, k})}}, {{"y", tensor({m, n})}});
  }
  void vector_op(const std::string& fn, Shape shape) {
    Attrs attrs{{"fn", fn}, {"alpha", 0.5}};
    std::vector<NamedTensor> in{{"x", tensor(shape)}};
    if (fn == "add") in.push_back({"other", tensor(shape)});
    op("Elementwise", std::move(in), {{"y", tensor(shape)}}, attrs);
  }
  void silu_mul(int64_t rows, int64_t width) {
    op("Elementwise", {{"x", tensor({rows, 2 * width})}}, {{"y", tensor({rows, width})}}, {{"fn", std::string("silu_mul")}});
  }
  void norm(int64_t rows, int64_t hidden) {
    op("Copy", {{"src", tensor({rows, hidden})}}, {{"dst", tensor({rows, hidden})}});
  }
  BufferId next_ = 1;
};

constexpr int kLayers = 360;  // ~4000 device ops

double simulate_seconds(const SyntheticStream& stream, const DeviceConfig& config, Fidelity fidelity) {
  const auto start = std::chrono::steady_clock::now();
  benchmark::DoNotOptimize(simulate_timing(stream.records, config, fidelity).total_ns);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Runs one SystemC simulation in a fresh child process; returns its wall time.
double simulate_seconds_in_child(const SyntheticStream& stream, const DeviceConfig& config) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  const pid_t child = fork();
  if (child < 0) throw std::runtime_error("fork failed");
  if (child == 0) {
    close(fds[0]);
    const double seconds = simulate_seconds(stream, config, Fidelity::systemc);
    const bool sent = write(fds[1], &seconds, sizeof seconds) == static_cast<ssize_t>(sizeof seconds);
    _exit(sent ? 0 : 1);
  }
  close(fds[1]);
  double seconds = 0;
  const bool got = read(fds[0], &seconds, sizeof seconds) == static_cast<ssize_t>(sizeof seconds);
  close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  if (!got || !WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error("SystemC child failed");
  return seconds;
}

void report(benchmark::State& state, const SyntheticStream& stream, double seconds, int64_t runs) {
  state.counters["device_ops"] = static_cast<double>(stream.device_ops);
  state.counters["device_ops_per_s"] = static_cast<double>(stream.device_ops * runs) / seconds;
}

void BM_SimulateTiming_Analytic_DeviceOpsPerSecond(benchmark::State& state) {
  const SyntheticStream stream(kLayers);
  const DeviceConfig config = DeviceConfig::load("ascend910b");
  double total = 0;
  for (auto _ : state) {
    const double seconds = simulate_seconds(stream, config, Fidelity::analytic);
    state.SetIterationTime(seconds);
    total += seconds;
  }
  report(state, stream, total, state.iterations());
}
BENCHMARK(BM_SimulateTiming_Analytic_DeviceOpsPerSecond)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_SimulateTiming_Systemc_DeviceOpsPerSecond(benchmark::State& state) {
  const SyntheticStream stream(kLayers);
  const DeviceConfig config = DeviceConfig::load("ascend910b");
  double total = 0;
  for (auto _ : state) {
    const double seconds = simulate_seconds_in_child(stream, config);
    state.SetIterationTime(seconds);
    total += seconds;
  }
  report(state, stream, total, state.iterations());
}
BENCHMARK(BM_SimulateTiming_Systemc_DeviceOpsPerSecond)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace npusim::device
