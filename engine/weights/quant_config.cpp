#include "engine/weights/quant_config.h"

#include "op_stream/failure.h"

namespace npusim::engine {

QuantConfig QuantConfig::parse(const std::string& method) {
  if (method != "none" && method != "w8a8")
    throw FailureError({"config", "quant_config", "quantization", method, "",
                        "unknown quantization method '" + method + "'", "use none or w8a8", ""});
  return QuantConfig{method};
}

}  // namespace npusim::engine
