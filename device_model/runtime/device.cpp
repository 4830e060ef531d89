#include "device_model/runtime/device.h"

#include "device_model/ops/op_library.h"
#include "device_model/runtime/allocator.h"
#include "device_model/runtime/graph_recorder.h"
#include "device_model/runtime/graph_update.h"
#include "device_model/runtime/tensor_store.h"
#include "op_stream/failure.h"
#include "op_stream/seeded_fill.h"

namespace npusim::device {
namespace {

[[noreturn]] void runtime_error(const OpCall& call, const std::string& parameter, const std::string& value,
                                const std::string& message, const std::string& hint) {
  const std::string op = call.kind == RecordKind::op ? call.op : std::string(record_kind_name(call.kind));
  throw FailureError({"runtime", op, parameter, value, "runtime.buffer", message, hint, call.origin.to_string()});
}

// Output regions saved before a kernel runs, restored if anything throws, so
// a failed record leaves the device's values as they were.
class OutputBackup {
 public:
  explicit OutputBackup(TensorStore& store) : store_(store) {}
  void save(const TensorRef& ref) { saved_.emplace_back(ref, store_.load(ref)); }
  void restore() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) store_.store(it->first, it->second);
  }

 private:
  TensorStore& store_;
  std::vector<std::pair<TensorRef, std::vector<float>>> saved_;
};

// Functional values live on the host; refuse an allocation whose values would
// pass the host budget before any host memory is touched.
void check_host_budget(const OpCall& call, int64_t device_in_use_bytes, double budget_bytes) {
  const double host_bytes_per_device_byte = sizeof(float);
  const double needed = (static_cast<double>(device_in_use_bytes) + static_cast<double>(call.bytes)) *
                        host_bytes_per_device_byte;
  if (needed > budget_bytes)
    throw FailureError({"oom", "alloc", call.name, std::to_string(call.bytes), "sim.functional_host_budget_bytes",
                        "functional mode would hold " + format_bytes(needed) + " of values on the host for buffer '" +
                            call.name + "' (" + format_bytes(static_cast<double>(call.bytes)) +
                            " on the device), over the host budget of " +
                            format_bytes(budget_bytes),
                        "use a tiny model for functional runs, timing mode for full size, or raise "
                        "sim.functional_host_budget_bytes",
                        call.origin.to_string()});
}

}  // namespace

struct Device::Impl {
  Allocator allocator;
  GraphRecorder graphs;
  TensorStore store;
  std::vector<OpCall> records;

  explicit Impl(int64_t capacity_bytes) : allocator(capacity_bytes) {}

  void check_view(const OpCall& call, const std::string& slot, const TensorRef& ref) const {
    if (!allocator.contains(ref.buffer))
      runtime_error(call, slot, std::to_string(ref.buffer),
                    "tensor '" + slot + "' refers to buffer " + std::to_string(ref.buffer) + ", which is not allocated",
                    "allocate the buffer before using it (and do not use it after free)");
    const int64_t size = allocator.size_bytes(ref.buffer);
    for (int64_t d : ref.shape)
      if (d < 0) runtime_error(call, slot, shape_string(ref.shape), "tensor '" + slot + "' has a negative dimension", "");
    if (ref.offset_bytes < 0 || ref.offset_bytes + ref.bytes() > size)
      runtime_error(call, slot, shape_string(ref.shape) + " at offset " + std::to_string(ref.offset_bytes),
                    "tensor '" + slot + "' (" + std::to_string(ref.bytes()) + " bytes at offset " +
                        std::to_string(ref.offset_bytes) + ") lies outside buffer " + std::to_string(ref.buffer) +
                        " of " + std::to_string(size) + " bytes",
                    "check the view's shape, dtype and offset");
  }

  void check_views(const OpCall& call) const {
    for (const auto& slot : call.inputs)
      if (slot.tensor) check_view(call, slot.name, *slot.tensor);
    for (const auto& slot : call.outputs)
      if (slot.tensor) check_view(call, slot.name, *slot.tensor);
  }

  const TensorRef& only_tensor(const OpCall& call, const std::vector<NamedTensor>& slots, const char* what) const {
    if (slots.empty() || !slots[0].tensor)
      runtime_error(call, what, "", std::string(record_kind_name(call.kind)) + " record without " + what + " tensor",
                    "give the record one tensor");
    return *slots[0].tensor;
  }
};

Device::Device(const DeviceConfig& config, bool functional)
    : config_(config),
      spec_(HardwareSpec::from_config(config_)),
      functional_(functional),
      library_(std::make_unique<OpLibrary>(config_)),
      impl_(std::make_unique<Impl>(static_cast<int64_t>(spec_.hbm_bytes))) {}

Device::~Device() = default;

const std::vector<OpCall>& Device::records() const { return impl_->records; }
int64_t Device::memory_in_use_bytes() const { return impl_->allocator.in_use_bytes(); }
int64_t Device::memory_peak_bytes() const { return impl_->allocator.peak_bytes(); }
std::vector<MemoryHolder> Device::memory_holders() const { return impl_->allocator.holders(); }

std::optional<std::vector<int64_t>> Device::allowed_values(const std::string& op, const std::string& parameter,
                                                          const Attrs& facts) const {
  return library_->allowed_values(op, parameter, facts);
}

void Device::issue(OpCall call) {
  Impl& d = *impl_;
  switch (call.kind) {
    case RecordKind::op: {
      library_->check(call);
      d.check_views(call);
      if (d.graphs.capturing()) {
        d.graphs.capture(call);  // captured ops are recorded, not executed
      } else if (functional_) {
        OutputBackup backup(d.store);
        for (const auto& slot : call.outputs)
          if (slot.tensor) backup.save(*slot.tensor);
        try {
          library_->find(call.op)->compute(call, d.store);
        } catch (...) {
          backup.restore();
          throw;
        }
      }
      break;
    }
    case RecordKind::alloc:
      if (functional_) check_host_budget(call, d.allocator.in_use_bytes(), spec_.functional_host_budget_bytes);
      d.allocator.allocate(call.buffer, call.bytes, call.name, call.origin);
      if (functional_) d.store.create(call.buffer, call.bytes);
      break;
    case RecordKind::free:
      d.allocator.release(call.buffer, call.origin);
      if (functional_) d.store.destroy(call.buffer);
      break;
    case RecordKind::write: {
      const TensorRef& dst = d.only_tensor(call, call.outputs, "an output");
      d.check_view(call, call.outputs[0].name, dst);
      if (functional_) {
        if (!call.data || static_cast<int64_t>(call.data->size()) != dst.numel())
          runtime_error(call, call.outputs[0].name, call.data ? std::to_string(call.data->size()) : "none",
                        "write of " + std::to_string(dst.numel()) + " elements carries " +
                            (call.data ? std::to_string(call.data->size()) : std::string("no")) + " values",
                        "functional mode needs the data of every write");
        d.store.store(dst, *call.data);
      }
      break;
    }
    case RecordKind::fill: {
      const TensorRef& dst = d.only_tensor(call, call.outputs, "an output");
      d.check_view(call, call.outputs[0].name, dst);
      const std::string init = call.attrs.string_or("init", "");
      if (!is_seeded_fill_init(init))
        throw FailureError({"input", "fill", "init", init, "", "fill record with init '" + init + "'",
                            "set attrs.init to normal, uniform, zeros, ones or arange", call.origin.to_string()});
      if (functional_)
        d.store.store(dst, seeded_fill(init, static_cast<uint64_t>(call.attrs.int_or("seed", 0)),
                                       call.attrs.double_or("scale", 1.0), dst.numel()));
      break;
    }
    case RecordKind::read:
      d.check_view(call, call.inputs.empty() ? "src" : call.inputs[0].name, d.only_tensor(call, call.inputs, "an input"));
      break;
    case RecordKind::graph_begin:
      d.graphs.begin(call.name, call.stream, call.origin);
      break;
    case RecordKind::graph_end:
      d.graphs.end(call.name, call.origin);
      break;
    case RecordKind::graph_replay: {
      const CapturedGraph& graph = d.graphs.find(call.name, call.origin);
      // Views are re-checked: a captured buffer may have been freed since.
      for (const auto& node : graph.nodes) d.check_views(node);
      if (functional_) {
        OutputBackup backup(d.store);
        try {
          for (const auto& node : graph.nodes) {
            for (const auto& slot : node.outputs)
              if (slot.tensor) backup.save(*slot.tensor);
            library_->find(node.op)->compute(node, d.store);
          }
        } catch (...) {
          backup.restore();
          throw;
        }
      }
      break;
    }
    case RecordKind::graph_update: {
      std::vector<OpCall> nodes = d.graphs.find(call.name, call.origin).nodes;
      for (size_t i : apply_graph_update(nodes, call)) library_->check(nodes[i]);
      d.graphs.replace_nodes(call.name, std::move(nodes));
      break;
    }
    case RecordKind::synchronize:
      break;
  }
  d.records.push_back(std::move(call));
}

std::optional<std::vector<float>> Device::read(const TensorRef& tensor, const Origin& origin) {
  OpCall call;
  call.kind = RecordKind::read;
  call.inputs = {NamedTensor{"src", tensor}};
  call.origin = origin;
  issue(call);
  if (!functional_) return std::nullopt;
  return impl_->store.load(tensor);
}

}  // namespace npusim::device
