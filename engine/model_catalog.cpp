// The shipped model configs (engine/models/*.json) by name.
#include <algorithm>
#include <filesystem>

#include "engine/engine.h"
#include "op_stream/did_you_mean.h"
#include "op_stream/failure.h"

namespace npusim::engine {

std::string models_dir() { return NPUSIM_MODEL_DIR; }

std::vector<std::string> model_names() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(models_dir()))
    if (entry.path().extension() == ".json") names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

ModelConfig load_model(const std::string& name_or_path) {
  const std::filesystem::path shipped = std::filesystem::path(models_dir()) / (name_or_path + ".json");
  std::error_code ec;  // the throwing overload fails on names the OS refuses (too long)
  if (std::filesystem::exists(shipped, ec)) return load_model_config(shipped.string());
  if (std::filesystem::exists(name_or_path, ec)) return load_model_config(name_or_path);
  throw FailureError({"config", "models", "model", name_or_path, "",
                      "no model '" + name_or_path + "'" + did_you_mean(name_or_path, model_names()),
                      "use a name from `npusim models` or a path to a config.json", ""});
}

std::string trained_weights_path(const ModelConfig& config) {
  const std::filesystem::path dir = std::filesystem::path(config.source_path).parent_path();
  return (dir / "weights" / (config.name + ".safetensors")).string();
}

}  // namespace npusim::engine
