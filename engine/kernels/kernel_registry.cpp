#include "engine/kernels/kernel_registry.h"

#include <algorithm>

#include "op_stream/failure.h"

namespace npusim::engine {
namespace {
const KernelLibrary* find_library(const std::string& name) {
  for (const auto& lib : kernel_libraries())
    if (lib.name == name) return &lib;
  return nullptr;
}

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}
}  // namespace

std::string resolve_kernel(const std::string& library, const std::string& kernel, const std::string& platform) {
  const KernelLibrary* lib = find_library(library);
  if (!lib || !contains(lib->platforms, platform)) {
    std::string built_for;
    if (lib)
      for (const auto& p : lib->platforms) built_for += (built_for.empty() ? "" : ", ") + p;
    throw FailureError({"import", library, kernel, platform, "",
                        "ImportError: cannot import name '" + kernel + "' from '" + library + "' (No module named '" +
                            library + "' on platform " + platform + ")",
                        lib ? "'" + library + "' is built for " + built_for + " only: guard the import by platform"
                            : "unknown kernel library",
                        ""});
  }
  if (!contains(lib->kernels, kernel))
    throw FailureError({"import", library, kernel, platform, "",
                        "ImportError: cannot import name '" + kernel + "' from '" + library + "'", "", ""});
  return kernel;
}

}  // namespace npusim::engine
