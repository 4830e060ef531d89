#include "engine/model_weights.h"

#include "op_stream/failure.h"

namespace npusim::engine {

void attribute_error(const std::string& module, const std::string& attribute_name, const std::string& class_name,
                     const std::string& where) {
  throw FailureError({"attribute", module, attribute_name, "absent", "",
                      "AttributeError: '" + class_name + "' object has no attribute '" + attribute_name + "'",
                      "treat the attribute as optional on this platform/model", where.empty() ? module : where});
}

}  // namespace npusim::engine
