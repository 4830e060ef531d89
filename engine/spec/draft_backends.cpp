#include "engine/spec/draft_backends.h"

#include <algorithm>

#include "op_stream/failure.h"

namespace npusim::engine::spec {

std::string attention_backend_for_platform(const std::string& platform) {
  // SGLang's defaults: ascend on NPU, triton on ROCm, fa3 on CUDA (Hopper).
  if (platform == "npu") return "ascend";
  if (platform == "rocm") return "triton";
  return "fa3";
}

std::vector<std::string> dflash_supported_draft_backends(const PatchSet& patches) {
  // FACTS.md "DFlash: supported draft backends flashinfer, fa3, fa4, triton, ascend".
  std::vector<std::string> backends = {"flashinfer", "fa3", "fa4", "triton"};
  if (patches.on("sglang#23122/ascend-backend")) backends.push_back("ascend");
  return backends;
}

void check_dflash_draft_backend(const std::string& backend, const PatchSet& patches) {
  const auto supported = dflash_supported_draft_backends(patches);
  if (std::find(supported.begin(), supported.end(), backend) != supported.end()) return;
  std::string list;
  for (const auto& name : supported) list += (list.empty() ? "" : ", ") + name;
  throw FailureError(Failure{
      "config", "DFlashWorker", "attention_backend", backend, "dflash.supported_draft_backends",
      "DFLASH draft does not support attention backend '" + backend + "' (supported: " + list + ")",
      "add '" + backend + "' to the draft's supported backends (sglang#23122)", "server start"});
}

}  // namespace npusim::engine::spec
