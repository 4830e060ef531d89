#include "op_stream/op_call.h"

#include <array>

namespace npusim {
namespace {
constexpr std::array<std::pair<RecordKind, std::string_view>, 11> kKinds{{
    {RecordKind::op, "op"},
    {RecordKind::alloc, "alloc"},
    {RecordKind::free, "free"},
    {RecordKind::write, "write"},
    {RecordKind::fill, "fill"},
    {RecordKind::read, "read"},
    {RecordKind::graph_begin, "graph_begin"},
    {RecordKind::graph_end, "graph_end"},
    {RecordKind::graph_replay, "graph_replay"},
    {RecordKind::graph_update, "graph_update"},
    {RecordKind::synchronize, "synchronize"},
}};

const TensorRef* find_slot(const std::vector<NamedTensor>& slots, std::string_view name) {
  for (const auto& slot : slots)
    if (slot.name == name) return slot.tensor ? &*slot.tensor : nullptr;
  return nullptr;
}
}  // namespace

std::string_view record_kind_name(RecordKind kind) {
  for (const auto& [k, name] : kKinds)
    if (k == kind) return name;
  return "?";
}

std::optional<RecordKind> parse_record_kind(std::string_view name) {
  for (const auto& [k, n] : kKinds)
    if (n == name) return k;
  return std::nullopt;
}

std::string Origin::to_string() const {
  std::string out;
  if (layer >= 0) out += "layer " + std::to_string(layer);
  if (!module.empty()) out += (out.empty() ? "" : " ") + module;
  if (!phase.empty()) out += (out.empty() ? "(" : " (") + phase + ")";
  return out;
}

const TensorRef* OpCall::input(std::string_view slot) const { return find_slot(inputs, slot); }
const TensorRef* OpCall::output(std::string_view slot) const { return find_slot(outputs, slot); }

bool OpCall::has_input_slot(std::string_view slot) const {
  for (const auto& s : inputs)
    if (s.name == slot) return true;
  return false;
}

bool OpCall::operator==(const OpCall& other) const {
  const bool same_data = (!data && !other.data) || (data && other.data && *data == *other.data);
  return kind == other.kind && op == other.op && inputs == other.inputs &&
         outputs == other.outputs && attrs == other.attrs && stream == other.stream &&
         origin == other.origin && buffer == other.buffer && bytes == other.bytes &&
         name == other.name && same_data;
}

}  // namespace npusim
