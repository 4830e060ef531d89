// Reading safetensors checkpoints: BF16/F16/F32 decode exactly, metadata is
// kept, and every malformed file is a `load` failure naming the file, never a
// crash or a silent partial read.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "engine/weights/safetensors_file.h"
#include "op_stream/failure.h"

namespace npusim::engine {
namespace {

std::string le64(uint64_t v) {
  std::string out;
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i) & 0xff));
  return out;
}

// A file with `header` (JSON) and raw `data` after it.
std::string write_file(const std::string& name, const std::string& header, const std::string& data) {
  const auto path = std::filesystem::temp_directory_path() / ("npusim_st_" + name + ".safetensors");
  std::ofstream(path, std::ios::binary) << le64(header.size()) << header << data;
  return path.string();
}

Failure read_failure(const std::string& path) {
  try {
    read_safetensors(path);
  } catch (const FailureError& e) {
    return e.failure();
  }
  ADD_FAILURE() << "expected a load failure for " << path;
  return {};
}

TEST(SafetensorsFile, DecodesBf16F16AndF32AndKeepsMetadata) {
  // bf16 1.5 = 0x3fc0; f16 -2.0 = 0xc000, f16 2^-24 (smallest subnormal) = 0x0001; f32 0.1.
  std::string data = std::string("\xc0\x3f", 2) + std::string("\x00\xc0\x01\x00", 4) +
                     std::string("\xcd\xcc\xcc\x3d", 4);
  const std::string header =
      R"({"__metadata__":{"target":"qwen3-8b-tiny"},)"
      R"("a":{"dtype":"BF16","shape":[1],"data_offsets":[0,2]},)"
      R"("b":{"dtype":"F16","shape":[2,1],"data_offsets":[2,6]},)"
      R"("c":{"dtype":"F32","shape":[],"data_offsets":[6,10]}})";
  const SafetensorsFile file = read_safetensors(write_file("ok", header, data));
  EXPECT_EQ(file.metadata.at("target"), "qwen3-8b-tiny");
  EXPECT_EQ(file.tensors.at("a").values, std::vector<float>{1.5f});
  EXPECT_EQ(file.tensors.at("b").shape, (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(file.tensors.at("b").values, (std::vector<float>{-2.0f, std::ldexp(1.0f, -24)}));
  EXPECT_EQ(file.tensors.at("c").values, std::vector<float>{0.1f});
}

TEST(SafetensorsFile, MalformedFilesAreLoadFailuresNamingTheFile) {
  struct Case {
    std::string name, header, data, parameter;
  };
  const std::vector<Case> cases = {
      {"not_json", "{oops", "", "header"},
      {"not_object", "[1,2]", "", "header"},
      {"bad_dtype", R"({"x":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}})", std::string(8, 0), "x"},
      {"short_data", R"({"x":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", std::string(8, 0), "x"},
      {"shape_mismatch", R"({"x":{"dtype":"BF16","shape":[3],"data_offsets":[0,4]}})", std::string(4, 0), "x"},
      {"negative_dim", R"({"x":{"dtype":"BF16","shape":[-1],"data_offsets":[0,0]}})", "", "x"},
      // 2^32 x 2^32 elements wrap a 64-bit product to 0, which an empty range would match.
      {"wrapping_shape", R"({"x":{"dtype":"BF16","shape":[4294967296,4294967296],"data_offsets":[0,0]}})", "", "x"},
      {"no_offsets", R"({"x":{"dtype":"BF16","shape":[1]}})", std::string(2, 0), "x"},
  };
  for (const auto& c : cases) {
    const std::string path = write_file(c.name, c.header, c.data);
    const Failure f = read_failure(path);
    EXPECT_EQ(f.kind, "load") << c.name;
    EXPECT_EQ(f.parameter, c.parameter) << c.name;
    EXPECT_EQ(f.where, path) << c.name;
    EXPECT_FALSE(f.hint.empty()) << c.name;
  }
}

TEST(SafetensorsFile, HeaderLengthPastTheEndAndMissingFilesAreLoadFailures) {
  const auto path = std::filesystem::temp_directory_path() / "npusim_st_truncated.safetensors";
  std::ofstream(path, std::ios::binary) << le64(1'000'000) << "{}";
  EXPECT_EQ(read_failure(path.string()).parameter, "header");
  std::ofstream(path, std::ios::binary) << "abc";
  EXPECT_EQ(read_failure(path.string()).parameter, "header");
  EXPECT_EQ(read_failure("/nonexistent/npusim.safetensors").parameter, "path");
}

}  // namespace
}  // namespace npusim::engine
