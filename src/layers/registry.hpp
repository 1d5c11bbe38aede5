#pragma once
// The one list of layer classes: the model builder and the model-file loader both go through it.
#include <memory>
#include <string>
#include <vector>

#include "layers/layer.hpp"

namespace neurite {

// {"class_name": "Dense", "config": {...}} as Keras and TF.js write it. Throws std::invalid_argument
// naming an unknown class and the known ones.
std::unique_ptr<Layer> layer_from_json(const json& layer);
json layer_to_json(const Layer& layer);
std::vector<std::string> layer_class_names();

}  // namespace neurite
