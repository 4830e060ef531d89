// The state an aten-to-device mapping walks with: the captured records, the
// device records being written, and helpers the per-family rules share.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/aten/aten_import.h"
#include "engine/emitter.h"
#include "op_stream/failure.h"

namespace npusim::engine::aten {

class AtenMapper;

// A rule maps the record at `index` (and possibly a pattern that follows it);
// it returns how many records it consumed, 0 when it does not apply (what it
// wrote is then discarded, so it must make constants only once it applies).
using AtenRule = std::function<size_t(AtenMapper& mapper, size_t index)>;

// Rules by aten overload packet ("aten.mm"); each family file adds its own.
using RuleTable = std::map<std::string, AtenRule>;
const RuleTable& rule_table();
void add_matmul_rules(RuleTable& table);
void add_attention_rules(RuleTable& table);
void add_norm_rules(RuleTable& table);
void add_elementwise_rules(RuleTable& table);
void add_data_movement_rules(RuleTable& table);
void add_routing_rules(RuleTable& table);

// "aten.mm.default" -> "aten.mm".
std::string packet_name(const std::string& op);
// Aten ops that only re-describe a storage (no data moves): they map to no op.
bool is_view_op(const std::string& packet);

// The mapped stream as the Emitter's sink: records are appended to it, and a
// rule that declines is undone by truncating it. A mapping only writes records:
// it reads no values and asks no device for its limits.
class MappedStreamSink : public OpSink {
 public:
  explicit MappedStreamSink(std::vector<OpCall>& records) : records_(records) {}
  void issue(OpCall call) override { records_.push_back(std::move(call)); }
  std::optional<std::vector<float>> read(const TensorRef& tensor, const Origin& origin) override;
  bool functional() const override { return false; }
  const OpCapabilities& capabilities() const override;

 private:
  std::vector<OpCall>& records_;
};

class AtenMapper {
 public:
  explicit AtenMapper(const OpStream& captured);
  AtenImport run();

  const OpCall& record(size_t index) const { return captured_.records.at(index); }
  size_t size() const { return captured_.records.size(); }
  // The next op record after `index` that is not a free view.
  std::optional<size_t> next_compute(size_t index) const;
  // The last op record before `index` whose output lives in `buffer`.
  std::optional<size_t> producer(size_t index, BufferId buffer) const;

  // A tensor slot of a record, or an input error naming the record.
  const TensorRef& tensor(size_t index, const std::string& slot, bool output = false) const;
  // Element strides the capture wrote for a non-contiguous slot.
  std::optional<std::vector<int64_t>> strides(size_t index, const std::string& slot) const;
  bool contiguous(size_t index, const std::string& slot) const { return !strides(index, slot); }
  // True when the slot's elements are a contiguous tensor of shape[perm].
  bool laid_out_as(size_t index, const std::string& slot, const std::vector<int64_t>& perm) const;
  // The slot as a contiguous tensor: itself, or a Copy of it into a temporary.
  TensorRef contiguous_input(size_t index, const std::string& slot);

  // Writes a device op with the origin of the record being mapped; temporaries
  // made for it are freed after it.
  void emit(const std::string& op, Slots inputs, Slots outputs, Attrs attrs = {}) {
    emitter_.op(op, std::move(inputs), std::move(outputs), std::move(attrs));
  }
  TensorRef temp(const Shape& shape, DType dtype, const std::string& name) { return emitter_.temp(shape, dtype, name); }
  // A device-resident constant made once (the compressed causal mask, ...).
  TensorRef constant(const std::string& name, const Shape& shape, DType dtype);

 private:
  const OpStream& captured_;
  AtenImport result_;
  MappedStreamSink sink_{result_.stream.records};
  // Numbers new buffers after the captured ones; one frame per rule holds its temporaries.
  Emitter emitter_;
  std::map<std::string, TensorRef> constants_;
  std::map<BufferId, int64_t> buffer_bytes_;
};

// The RMSNorm decomposition starting at a pow record: its weight, output,
// eps and the index of its last record.
struct RmsNormMatch {
  TensorRef gamma;
  TensorRef y;
  double eps = 0;
  size_t last = 0;
};
std::optional<RmsNormMatch> match_rms_norm(const AtenMapper& m, size_t pow_index);
// One RmsNorm of `x`; returns the records consumed counted from `start`.
size_t emit_rms_norm(AtenMapper& m, size_t start, const RmsNormMatch& match, const TensorRef& x);

Failure malformed(const OpCall& call, const std::string& what);

}  // namespace npusim::engine::aten
