#include "fuzz/fuzz_input_file.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace npusim::fuzz {
namespace fs = std::filesystem;
namespace {

fs::path scratch_root() {
  static const fs::path root = [] {
    fs::path dir = fs::temp_directory_path() / ("npusim_fuzz_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    // Seeds name models as ../engine/models/X.json relative to their folder.
    std::error_code ec;
    fs::create_directory_symlink(fs::path(NPUSIM_SOURCE_DIR) / "engine", dir / "engine", ec);
    return dir;
  }();
  return root;
}

}  // namespace

std::string write_input_file(const std::string& folder, const std::string& name, const uint8_t* data, size_t size) {
  const fs::path dir = scratch_root() / folder;
  fs::create_directories(dir);
  const fs::path file = dir / name;
  std::ofstream(file, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data),
                                                                 static_cast<std::streamsize>(size));
  return file.string();
}

}  // namespace npusim::fuzz
