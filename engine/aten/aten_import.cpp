#include "engine/aten/aten_import.h"

#include "engine/aten/aten_mapper.h"

namespace npusim::engine {

bool is_torch_capture(const OpStream& stream) { return stream.source == kTorchCaptureSource; }

AtenImport import_aten_stream(const OpStream& captured) { return aten::AtenMapper(captured).run(); }

}  // namespace npusim::engine
