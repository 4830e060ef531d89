#include "engine/aten/aten_mapper.h"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "op_stream/failure.h"

namespace npusim::engine::aten {

const RuleTable& rule_table() {
  static const RuleTable table = [] {
    RuleTable t;
    add_matmul_rules(t);
    add_attention_rules(t);
    add_norm_rules(t);
    add_elementwise_rules(t);
    add_data_movement_rules(t);
    add_routing_rules(t);
    return t;
  }();
  return table;
}

std::string packet_name(const std::string& op) {
  const auto first = op.find('.');
  const auto second = first == std::string::npos ? first : op.find('.', first + 1);
  return second == std::string::npos ? op : op.substr(0, second);
}

bool is_view_op(const std::string& packet) {
  static const std::set<std::string> views = {
      "aten.view",   "aten._unsafe_view", "aten._reshape_alias", "aten.reshape",  "aten.t",
      "aten.transpose", "aten.permute", "aten.unsqueeze",       "aten.squeeze",  "aten.expand",
      "aten.slice",  "aten.select",       "aten.split",          "aten.split_with_sizes",
      "aten.chunk",  "aten.unbind",       "aten.narrow",         "aten.as_strided", "aten.alias",
      "aten.detach", "aten.lift_fresh",   "aten.view_as",        "aten.expand_as"};
  return views.count(packet) != 0;
}

Failure malformed(const OpCall& call, const std::string& what) {
  Failure f;
  f.kind = "input";
  f.op = call.op;
  f.message = call.op + ": " + what;
  f.hint = "record the stream with tools/torch_capture.py";
  f.where = call.origin.to_string();
  return f;
}

std::optional<std::vector<float>> MappedStreamSink::read(const TensorRef&, const Origin&) {
  throw std::logic_error("an aten import reads no tensor values");
}

const OpCapabilities& MappedStreamSink::capabilities() const {
  throw std::logic_error("an aten import asks no device for its limits");
}

namespace {
// The first buffer id no captured record uses: temporaries must not alias captured buffers.
BufferId first_free_buffer(const OpStream& captured) {
  BufferId next = 0;
  for (const auto& record : captured.records) {
    next = std::max(next, record.buffer + 1);
    for (const auto* slots : {&record.inputs, &record.outputs})
      for (const auto& slot : *slots)
        if (slot.tensor) next = std::max(next, slot.tensor->buffer + 1);
  }
  return next;
}
}  // namespace

AtenMapper::AtenMapper(const OpStream& captured)
    : captured_(captured), emitter_(sink_, first_free_buffer(captured)) {}

std::optional<size_t> AtenMapper::next_compute(size_t index) const {
  for (size_t i = index + 1; i < size(); ++i) {
    const OpCall& call = record(i);
    if (call.kind == RecordKind::alloc || call.kind == RecordKind::free) continue;  // bookkeeping
    if (call.kind != RecordKind::op) return std::nullopt;
    if (!is_view_op(packet_name(call.op))) return i;
  }
  return std::nullopt;
}

std::optional<size_t> AtenMapper::producer(size_t index, BufferId buffer) const {
  for (size_t i = index; i-- > 0;) {
    const OpCall& call = record(i);
    if (call.kind != RecordKind::op || is_view_op(packet_name(call.op))) continue;
    for (const auto& out : call.outputs)
      if (out.tensor && out.tensor->buffer == buffer) return i;
  }
  return std::nullopt;
}

const TensorRef& AtenMapper::tensor(size_t index, const std::string& slot, bool output) const {
  const OpCall& call = record(index);
  const TensorRef* t = output ? call.output(slot) : call.input(slot);
  if (!t) throw FailureError(malformed(call, "tensor slot '" + slot + "' is missing"));
  return *t;
}

std::optional<std::vector<int64_t>> AtenMapper::strides(size_t index, const std::string& slot) const {
  return record(index).attrs.get_ints(slot + ".strides");
}

bool AtenMapper::laid_out_as(size_t index, const std::string& slot, const std::vector<int64_t>& perm) const {
  const TensorRef& t = tensor(index, slot);
  std::vector<int64_t> given = strides(index, slot).value_or(std::vector<int64_t>{});
  if (!strides(index, slot)) {  // contiguous: row-major strides of its own shape
    given.assign(t.shape.size(), 1);
    for (size_t d = t.shape.size(); d-- > 1;) given[d - 1] = given[d] * t.shape[d];
  }
  if (given.size() != t.shape.size() || perm.size() != t.shape.size()) return false;
  int64_t step = 1;
  for (size_t i = perm.size(); i-- > 0;) {
    const size_t dim = static_cast<size_t>(perm[i]);
    // A dimension of size 1 has no meaningful stride.
    if (t.shape[dim] != 1 && given[dim] != step) return false;
    step *= t.shape[dim];
  }
  return true;
}

TensorRef AtenMapper::contiguous_input(size_t index, const std::string& slot) {
  const TensorRef& t = tensor(index, slot);
  if (contiguous(index, slot)) return t;
  // The strided view as the device's contiguous form: same buffer and offset,
  // kept inside the buffer so the copy reads the bytes the view spans.
  TensorRef src = t;
  const auto bytes = buffer_bytes_.find(t.buffer);
  if (bytes != buffer_bytes_.end())
    src.offset_bytes = std::max<int64_t>(0, std::min(t.offset_bytes, bytes->second - t.bytes()));
  TensorRef dst = temp(t.shape, t.dtype, "contiguous." + slot);
  emit("Copy", {{"src", src}}, {{"dst", dst}});
  return dst;
}

TensorRef AtenMapper::constant(const std::string& name, const Shape& shape, DType dtype) {
  auto found = constants_.find(name);
  if (found != constants_.end()) return found->second;
  // Allocated outside the rule's frame: it lives for the whole stream.
  return constants_.emplace(name, emitter_.alloc(shape, dtype, name)).first->second;
}

AtenImport AtenMapper::run() {
  result_.stream.source = "npusim import of " + captured_.source;
  result_.stream.meta = captured_.meta;
  for (size_t i = 0; i < size();) {
    const OpCall& call = record(i);
    emitter_.set_origin(call.origin);
    if (call.kind == RecordKind::alloc) buffer_bytes_[call.buffer] = call.bytes;
    if (call.kind != RecordKind::op || call.op.rfind("aten.", 0) != 0) {
      result_.stream.records.push_back(call);  // runtime records and device ops pass through
      ++i;
      continue;
    }
    const std::string packet = packet_name(call.op);
    if (is_view_op(packet)) {
      ++result_.views[call.op];
      ++i;
      continue;
    }
    const auto rule = rule_table().find(packet);
    const size_t mark = result_.stream.records.size();
    emitter_.push_frame();
    const size_t consumed = rule == rule_table().end() ? 0 : rule->second(*this, i);
    emitter_.pop_frame();  // frees the rule's temporaries
    if (consumed == 0) result_.stream.records.resize(mark);  // a rule that declines leaves nothing behind
    // A pattern's allocs go before its device ops, its other runtime records after.
    std::vector<OpCall> allocs;
    auto& out = result_.stream.records;
    for (size_t j = i + 1; j < i + consumed; ++j) {
      const OpCall& inner = record(j);
      if (inner.kind == RecordKind::alloc) {
        buffer_bytes_[inner.buffer] = inner.bytes;
        allocs.push_back(inner);
      } else if (inner.kind != RecordKind::op) {
        out.push_back(inner);
      }
    }
    out.insert(out.begin() + static_cast<std::ptrdiff_t>(mark), allocs.begin(), allocs.end());
    if (consumed == 0) {
      ++result_.unmapped[call.op];
      ++i;
      continue;
    }
    for (size_t j = i; j < i + consumed; ++j)
      if (record(j).kind == RecordKind::op && !is_view_op(packet_name(record(j).op))) ++result_.mapped[record(j).op];
    i += consumed;
  }
  result_.stream.record_lines.assign(result_.stream.records.size(), 0);
  return std::move(result_);
}

}  // namespace npusim::engine::aten
