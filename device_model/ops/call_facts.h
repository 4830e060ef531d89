// Helpers the per-op fact extractors share: facts about a tensor slot and safe
// dimension access. Extractors never throw on malformed calls: a fact they cannot
// compute is left out, and the table's `required`/`rank_in` rules report it.
#pragma once
#include <optional>
#include <string>

#include "device_model/ops/op_definition.h"

namespace npusim::device {

// For a given slot: `<slot>` = true, `<slot>_dtype` (name), `<slot>_rank`.
// Nothing for a missing or None slot. Returns the tensor or nullptr.
const TensorRef* add_slot_facts(Facts& facts, const OpCall& call, const std::string& slot);
// Same for an output slot.
const TensorRef* add_output_facts(Facts& facts, const OpCall& call, const std::string& slot);

// Dimension `index` of `tensor` (negative counts from the end); nullopt if absent.
std::optional<int64_t> dim(const TensorRef* tensor, int index);
// Product of all but the last dimension (rows of a [..., H] tensor); nullopt if rank 0.
std::optional<int64_t> rows(const TensorRef* tensor);

// Sets `name` when `value` is known.
void set_if(Facts& facts, const std::string& name, const std::optional<int64_t>& value);

}  // namespace npusim::device
