#include "op_stream/dtype.h"

#include <array>
#include <cmath>
#include <cstring>
#include <limits>

namespace npusim {
namespace {
struct DTypeInfo {
  DType dtype;
  std::string_view name;
  int64_t size_bytes;
  bool floating;
};
constexpr std::array<DTypeInfo, 7> kDTypes{{
    {DType::f32, "float32", 4, true},
    {DType::f16, "float16", 2, true},
    {DType::bf16, "bfloat16", 2, true},
    {DType::i8, "int8", 1, false},
    {DType::i32, "int32", 4, false},
    {DType::i64, "int64", 8, false},
    {DType::boolean, "bool", 1, false},
}};

const DTypeInfo& info(DType dtype) { return kDTypes[static_cast<size_t>(dtype)]; }

float round_bf16(float value) {
  if (std::isnan(value)) return value;
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  const uint32_t lsb = (bits >> 16) & 1u;
  bits += 0x7fffu + lsb;
  bits &= 0xffff0000u;
  float out;
  std::memcpy(&out, &bits, sizeof out);
  return out;
}

// IEEE binary16: 10 mantissa bits, exponent range [-14, 15], subnormals below.
float round_f16(float value) {
  if (std::isnan(value) || std::isinf(value)) return value;
  constexpr float kMax = 65504.0f;
  const float magnitude = std::fabs(value);
  if (magnitude >= 65520.0f) return std::copysign(std::numeric_limits<float>::infinity(), value);
  if (magnitude == 0.0f) return value;
  int exponent;
  std::frexp(magnitude, &exponent);  // magnitude = m * 2^exponent, m in [0.5, 1)
  const int unbiased = exponent - 1;
  const int step_exponent = (unbiased < -14 ? -14 : unbiased) - 10;
  const float step = std::ldexp(1.0f, step_exponent);
  const float rounded = std::nearbyint(magnitude / step) * step;
  return std::copysign(rounded > kMax ? kMax : rounded, value);
}

template <typename Int>
float saturate(float value) {
  const double lo = static_cast<double>(std::numeric_limits<Int>::min());
  const double hi = static_cast<double>(std::numeric_limits<Int>::max());
  const double r = std::nearbyint(static_cast<double>(value));
  return static_cast<float>(r < lo ? lo : (r > hi ? hi : r));
}
}  // namespace

std::string_view dtype_name(DType dtype) { return info(dtype).name; }

std::optional<DType> parse_dtype(std::string_view name) {
  for (const auto& entry : kDTypes)
    if (entry.name == name) return entry.dtype;
  if (name == "fp32") return DType::f32;
  if (name == "fp16" || name == "half") return DType::f16;
  if (name == "bf16") return DType::bf16;
  return std::nullopt;
}

int64_t dtype_size_bytes(DType dtype) { return info(dtype).size_bytes; }
bool is_floating(DType dtype) { return info(dtype).floating; }

float round_to_dtype(float value, DType dtype) {
  switch (dtype) {
    case DType::f32: return value;
    case DType::bf16: return round_bf16(value);
    case DType::f16: return round_f16(value);
    case DType::i8: return saturate<int8_t>(value);
    case DType::i32: return saturate<int32_t>(value);
    case DType::i64: return static_cast<float>(std::nearbyint(value));
    case DType::boolean: return value != 0.0f ? 1.0f : 0.0f;
  }
  return value;
}

void round_to_dtype(float* values, int64_t n, int64_t stride, DType dtype) {
  auto each = [&](auto round) {
    for (int64_t i = 0; i < n; ++i) values[i * stride] = round(values[i * stride]);
  };
  switch (dtype) {
    case DType::f32: return;
    case DType::bf16: return each(round_bf16);
    case DType::f16: return each(round_f16);
    default: return each([dtype](float v) { return round_to_dtype(v, dtype); });
  }
}

}  // namespace npusim
