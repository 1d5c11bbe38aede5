#include "layers/registry.hpp"

#include <stdexcept>
#include <utility>

#include "layers/activation_layer.hpp"
#include "layers/augmentation.hpp"
#include "layers/batch_normalization.hpp"
#include "layers/conv2d.hpp"
#include "layers/dense.hpp"
#include "layers/dropout.hpp"
#include "layers/pooling.hpp"
#include "layers/rescaling.hpp"
#include "layers/reshaping.hpp"

namespace neurite {
namespace {

using Factory = std::unique_ptr<Layer> (*)(const json& config);

const std::vector<std::pair<std::string, Factory>>& registry() {
  static const std::vector<std::pair<std::string, Factory>> table = {
      {"Dense", &Dense::from_config},
      {"Flatten", &Flatten::from_config},
      {"Dropout", &Dropout::from_config},
      {"Activation", &ActivationLayer::from_config},
      {"Conv2D", &Conv2D::from_config},
      {"MaxPooling2D", &MaxPooling2D::from_config},
      {"AveragePooling2D", &AveragePooling2D::from_config},
      {"Reshape", &Reshape::from_config},
      {"BatchNormalization", &BatchNormalization::from_config},
      {"RandomTranslation", &RandomTranslation::from_config},
      {"RandomRotation", &RandomRotation::from_config},
      {"RandomZoom", &RandomZoom::from_config},
      {"Rescaling", &Rescaling::from_config},
  };
  return table;
}

}  // namespace

std::unique_ptr<Layer> layer_from_json(const json& layer) {
  if (!layer.is_object() || !layer.contains("class_name") || !layer["class_name"].is_string())
    throw std::invalid_argument("a layer entry needs a string 'class_name': " + layer.dump().substr(0, 80));
  const auto class_name = layer["class_name"].get<std::string>();
  const json config = layer.contains("config") ? layer["config"] : json::object();
  for (const auto& [name, make] : registry())
    if (name == class_name) return make(config);
  std::string known;
  for (const auto& entry : registry()) known += (known.empty() ? "" : ", ") + entry.first;
  throw std::invalid_argument("unknown layer class '" + class_name + "' (known: " + known + ")");
}

json layer_to_json(const Layer& layer) { return {{"class_name", layer.class_name()}, {"config", layer.full_config()}}; }

std::vector<std::string> layer_class_names() {
  std::vector<std::string> names;
  for (const auto& entry : registry()) names.push_back(entry.first);
  return names;
}

}  // namespace neurite
