// Maps a stream of aten operators recorded from PyTorch (tools/torch_capture.py)
// onto the device ops of docs/OPS.md, so it can be executed and checked like an
// engine-made stream. Views become no op, copies become Copy, attention becomes
// FusedInferAttentionScore as SGLang's ascend backend would issue it; every aten
// op without a device op is counted by name, never dropped silently.
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "op_stream/op_stream.h"

namespace npusim::engine {

constexpr const char* kTorchCaptureSource = "torch capture";

struct AtenImport {
  OpStream stream;                          // device ops and runtime records
  std::map<std::string, int64_t> mapped;    // aten op -> calls mapped onto device ops
  std::map<std::string, int64_t> views;     // aten op -> calls that are free views
  std::map<std::string, int64_t> unmapped;  // aten op -> calls with no device op (not in `stream`)
};

// True when the stream's header names the torch capture tool as its source.
bool is_torch_capture(const OpStream& stream);

// Throws FailureError{kind="input"} when a record is malformed for its aten
// schema (missing slot or attribute), naming the record's line.
AtenImport import_aten_stream(const OpStream& captured);

}  // namespace npusim::engine
