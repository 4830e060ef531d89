// One record of the op stream: an operator launch or a runtime call. This is the
// only contract between engine/ and device_model/ (DESIGN.md section 1).
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "op_stream/attrs.h"
#include "op_stream/tensor_ref.h"

namespace npusim {

enum class RecordKind {
  op,             // operator launch: op, inputs, outputs, attrs, stream
  alloc,          // buffer, bytes, name (what the memory is for)
  free,           // buffer
  write,          // host-to-device copy into outputs[0]; data in functional mode
  fill,           // seeded device-side init of outputs[0]: attrs init/seed/scale
  read,           // device-to-host copy of inputs[0]
  graph_begin,    // start capturing stream ops into graph `name`
  graph_end,      // finish capturing graph `name`
  graph_replay,   // launch captured graph `name` once
  graph_update,   // set host-side attrs of graph `name`'s nodes whose op is attrs["op"]
  synchronize,    // host waits for every stream
};

std::string_view record_kind_name(RecordKind kind);
std::optional<RecordKind> parse_record_kind(std::string_view name);

// Where a record came from in the engine, for error messages and reports.
struct Origin {
  int layer = -1;      // -1: not inside a decoder layer
  std::string module;  // e.g. "model.layers.3.self_attn"
  std::string phase;   // prefill, decode, draft, verify, load, capture
  bool operator==(const Origin& other) const {
    return layer == other.layer && module == other.module && phase == other.phase;
  }
  std::string to_string() const;
};

struct OpCall {
  RecordKind kind = RecordKind::op;
  std::string op;
  std::vector<NamedTensor> inputs;
  std::vector<NamedTensor> outputs;
  Attrs attrs;
  int stream = 0;
  Origin origin;
  BufferId buffer = -1;  // alloc / free
  int64_t bytes = 0;     // alloc
  std::string name;      // alloc: purpose; graph_*: graph name
  std::shared_ptr<const std::vector<float>> data;  // write: values (functional mode only)

  // Slot lookup: nullptr when the slot is missing or explicitly None.
  const TensorRef* input(std::string_view slot) const;
  const TensorRef* output(std::string_view slot) const;
  bool has_input_slot(std::string_view slot) const;

  bool operator==(const OpCall& other) const;
};

}  // namespace npusim
