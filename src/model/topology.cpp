// Sequential to and from Keras' model config, the "modelTopology" of a TF.js model.json.
#include <stdexcept>

#include "layers/registry.hpp"
#include "model/sequential.hpp"
#include "util/json_fields.hpp"

namespace neurite {

nlohmann::json Sequential::topology() const {
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& layer : layers_) {
    nlohmann::json entry = layer_to_json(*layer);
    if (&layer == &layers_.front() && built_ && !layer->declared_input_shape()) {
      nlohmann::json shape = nlohmann::json::array({nullptr});
      for (auto d : layer->input_shape()) shape.push_back(d);
      entry["config"]["batch_input_shape"] = shape;  // a loaded model must know its input
    }
    layers.push_back(entry);
  }
  return {{"class_name", "Sequential"}, {"config", {{"name", name_}, {"layers", layers}}}};
}

namespace {

// Keras writes an InputLayer first; its shape belongs to the next layer.
std::optional<Shape> input_layer_shape(const nlohmann::json& config) {
  for (const char* key : {"batch_input_shape", "batch_shape", "batchInputShape"}) {
    if (!config.contains(key) || !config[key].is_array()) continue;
    Shape shape;
    for (std::size_t i = 1; i < config[key].size(); ++i) {
      if (!config[key][i].is_number_unsigned()) throw std::invalid_argument("InputLayer: bad dimension in " + std::string(key));
      shape.push_back(config[key][i].get<std::size_t>());
    }
    return shape;
  }
  return std::nullopt;
}

}  // namespace

std::unique_ptr<Sequential> Sequential::from_topology(const nlohmann::json& topology, std::uint32_t seed) {
  // model.json's modelTopology may wrap the model under "model_config"
  const nlohmann::json& model = topology.contains("model_config") ? topology["model_config"] : topology;
  const auto class_name = field_or<std::string>(model, "class_name", "", "model topology");
  if (class_name != "Sequential")
    throw std::invalid_argument("model topology: only Sequential models are supported, found '" + class_name + "'");
  if (!model.contains("config")) throw std::invalid_argument("model topology: missing 'config'");
  const nlohmann::json& config = model["config"];
  const nlohmann::json& layers = config.is_array() ? config : config.value("layers", nlohmann::json());
  if (!layers.is_array() || layers.empty()) throw std::invalid_argument("model topology: no layers");
  auto result = std::make_unique<Sequential>(seed, config.is_object() ? config.value("name", "sequential") : "sequential");
  std::optional<Shape> pending_input;
  for (const auto& entry : layers) {
    if (entry.value("class_name", "") == "InputLayer") {
      pending_input = input_layer_shape(entry.value("config", nlohmann::json::object()));
      continue;
    }
    auto layer = layer_from_json(entry);
    if (pending_input && !layer->declared_input_shape()) layer->declare_input_shape(*pending_input);
    pending_input.reset();
    result->add(std::move(layer));
  }
  return result;
}

}  // namespace neurite
