#include "engine/recording_sink.h"

namespace npusim::engine {

std::optional<std::vector<float>> RecordingSink::read(const TensorRef& tensor, const Origin& origin) {
  OpCall call;
  call.kind = RecordKind::read;
  call.inputs = {NamedTensor{"src", tensor}};
  call.origin = origin;
  records_.push_back(std::move(call));
  return std::nullopt;
}

}  // namespace npusim::engine
