#include "device_model/ops/call_facts.h"

namespace npusim::device {
namespace {
const TensorRef* add_facts(Facts& facts, const TensorRef* tensor, const std::string& slot) {
  if (!tensor) return nullptr;
  facts.set(slot, true);
  facts.set(slot + "_dtype", std::string(dtype_name(tensor->dtype)));
  facts.set(slot + "_rank", tensor->rank());
  return tensor;
}
}  // namespace

const TensorRef* add_slot_facts(Facts& facts, const OpCall& call, const std::string& slot) {
  return add_facts(facts, call.input(slot), slot);
}

const TensorRef* add_output_facts(Facts& facts, const OpCall& call, const std::string& slot) {
  return add_facts(facts, call.output(slot), slot);
}

std::optional<int64_t> dim(const TensorRef* tensor, int index) {
  if (!tensor) return std::nullopt;
  const int rank = static_cast<int>(tensor->rank());
  const int i = index < 0 ? rank + index : index;
  if (i < 0 || i >= rank) return std::nullopt;
  return tensor->shape[i];
}

std::optional<int64_t> rows(const TensorRef* tensor) {
  if (!tensor || tensor->rank() == 0) return std::nullopt;
  int64_t n = 1;
  for (int64_t i = 0; i + 1 < tensor->rank(); ++i) n *= tensor->shape[i];
  return n;
}

void set_if(Facts& facts, const std::string& name, const std::optional<int64_t>& value) {
  if (value) facts.set(name, *value);
}

}  // namespace npusim::device
