// Element types that cross the engine/device boundary.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace npusim {

enum class DType { f32, f16, bf16, i8, i32, i64, boolean };

std::string_view dtype_name(DType dtype);
std::optional<DType> parse_dtype(std::string_view name);
int64_t dtype_size_bytes(DType dtype);
bool is_floating(DType dtype);

// Rounds an fp32 value to what a tensor of `dtype` stores (round-to-nearest-even
// for bf16/fp16, saturation and truncation for the integer types).
float round_to_dtype(float value, DType dtype);
// The same, in place, for n values `stride` floats apart (one dispatch per span).
void round_to_dtype(float* values, int64_t n, int64_t stride, DType dtype);

}  // namespace npusim
