#include "engine/weights/safetensors_file.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <nlohmann/json.hpp>

#include "op_stream/failure.h"

namespace npusim::engine {
namespace {

using json = nlohmann::json;

// A header far larger than any checkpoint's is a corrupt length, not a header
// to allocate (safetensors itself caps it at 100 MB).
constexpr uint64_t kMaxHeaderBytes = 100ull << 20;
// Far beyond any tensor a simulated model loads; bounds the shape product.
constexpr uint64_t kMaxElements = 1ull << 40;

[[noreturn]] void load_error(const std::string& path, const std::string& parameter,
                             const std::string& message) {
  throw FailureError(Failure{"load", "safetensors", parameter, "", "weights.safetensors.format",
                             message,
                             "regenerate the file with the script that wrote it (see its "
                             "__metadata__ trained_by, or engine/models/README.md)",
                             path});
}

// The dtypes the reader decodes, resolved once per tensor.
enum class Encoding { f32, bf16, f16 };

std::optional<Encoding> encoding_of(const std::string& dtype) {
  if (dtype == "F32") return Encoding::f32;
  if (dtype == "BF16") return Encoding::bf16;
  if (dtype == "F16") return Encoding::f16;
  return std::nullopt;
}

size_t width_of(Encoding encoding) { return encoding == Encoding::f32 ? 4 : 2; }

float from_bits(uint32_t bits) {
  float v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

float decode(const unsigned char* p, Encoding encoding) {
  if (encoding == Encoding::f32)
    return from_bits(p[0] | p[1] << 8 | p[2] << 16 | static_cast<uint32_t>(p[3]) << 24);
  const uint32_t half = p[0] | p[1] << 8;
  if (encoding == Encoding::bf16) return from_bits(half << 16);
  // F16: sign, 5-bit exponent, 10-bit mantissa.
  const float sign = (half & 0x8000) ? -1.0f : 1.0f;
  const int exponent = (half >> 10) & 0x1f;
  const float mantissa = static_cast<float>(half & 0x3ff);
  if (exponent == 0) return sign * std::ldexp(mantissa, -24);
  if (exponent == 31) return mantissa == 0 ? sign * INFINITY : NAN;
  return sign * std::ldexp(1.0f + mantissa / 1024.0f, exponent - 15);
}

}  // namespace

SafetensorsFile read_safetensors(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) load_error(path, "path", "cannot open the safetensors file");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() < 8) load_error(path, "header", "file is shorter than its 8-byte header length");
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = header_len << 8 | static_cast<unsigned char>(bytes[i]);
  if (header_len > kMaxHeaderBytes || header_len > bytes.size() - 8)
    load_error(path, "header", "header length " + std::to_string(header_len) +
                                   " runs past the end of the file");
  json header = json::parse(bytes.begin() + 8, bytes.begin() + 8 + static_cast<int64_t>(header_len),
                            nullptr, /*allow_exceptions=*/false);
  if (!header.is_object()) load_error(path, "header", "header is not a JSON object");

  SafetensorsFile file;
  file.path = path;
  const size_t data_start = 8 + header_len, data_len = bytes.size() - data_start;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (!entry.is_object()) load_error(path, name, "__metadata__ is not an object");
      for (const auto& [key, value] : entry.items())
        if (value.is_string()) file.metadata[key] = value.get<std::string>();
      continue;
    }
    const json* dtype = entry.is_object() && entry.contains("dtype") ? &entry["dtype"] : nullptr;
    const json* shape = entry.is_object() && entry.contains("shape") ? &entry["shape"] : nullptr;
    const json* range = entry.is_object() && entry.contains("data_offsets") ? &entry["data_offsets"] : nullptr;
    if (!dtype || !dtype->is_string() || !shape || !shape->is_array() || !range ||
        !range->is_array() || range->size() != 2 || !(*range)[0].is_number_unsigned() ||
        !(*range)[1].is_number_unsigned())
      load_error(path, name, "tensor entry needs dtype, shape and data_offsets [begin, end]");
    SafetensorsTensor tensor;
    tensor.dtype = dtype->get<std::string>();
    const std::optional<Encoding> encoding = encoding_of(tensor.dtype);
    if (!encoding) load_error(path, name, "unsupported dtype " + tensor.dtype + " (BF16, F16, F32)");
    const size_t width = width_of(*encoding);
    uint64_t count = 1;
    for (const auto& dim : *shape) {
      if (!dim.is_number_unsigned())
        load_error(path, name, "shape entries must be non-negative integers");
      const uint64_t extent = dim.get<uint64_t>();
      // Checked before multiplying: a product past the cap could wrap to a small count.
      if (extent != 0 && count > kMaxElements / extent)
        load_error(path, name, "shape holds more than 2^40 elements");
      tensor.shape.push_back(static_cast<int64_t>(extent));
      count *= extent;
    }
    const uint64_t begin = (*range)[0].get<uint64_t>(), end = (*range)[1].get<uint64_t>();
    if (begin > end || end > data_len || end - begin != count * width)
      load_error(path, name, "data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
                                 ") do not hold the shape's " + std::to_string(count) + " " +
                                 tensor.dtype + " values inside the file's data");
    tensor.values.resize(count);
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + data_start + begin);
    for (uint64_t i = 0; i < count; ++i) tensor.values[i] = decode(p + i * width, *encoding);
    file.tensors.emplace(name, std::move(tensor));
  }
  return file;
}

}  // namespace npusim::engine
