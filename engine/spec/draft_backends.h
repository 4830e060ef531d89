// DFlash's draft worker accepts only the attention backends it knows; SGLang
// checks this at server start. sglang#23122 added "ascend" to the list; without
// it an NPU server refuses DFlash before anything runs.
#pragma once
#include <string>
#include <vector>

#include "engine/patches/patch_set.h"

namespace npusim::engine::spec {

// The target's attention backend on a platform ("npu" -> "ascend").
std::string attention_backend_for_platform(const std::string& platform);
std::vector<std::string> dflash_supported_draft_backends(const PatchSet& patches);
// Throws FailureError{kind="config", parameter="attention_backend"} when the
// backend is not in the draft's supported list.
void check_dflash_draft_backend(const std::string& backend, const PatchSet& patches);

}  // namespace npusim::engine::spec
