#include "layers/layer.hpp"

#include <stdexcept>

namespace neurite {

void check_weight_size(const Shape& shape, const std::string& owner) {
  std::size_t floats = 1;
  for (std::size_t d : shape) {
    if (d != 0 && floats > kMaxWeightFloats / d) floats = kMaxWeightFloats + 1;  // and no overflow
    else floats *= d;
  }
  if (floats <= kMaxWeightFloats) return;
  std::string dims;
  for (std::size_t d : shape) dims += (dims.empty() ? "" : ", ") + std::to_string(d);
  throw std::invalid_argument(owner + ": a weight of shape [" + dims + "] is larger than the " +
                              std::to_string(kMaxWeightFloats) + " floats a layer may hold");
}

std::size_t Layer::param_count() {
  std::size_t count = 0;
  for (const auto& p : weights()) count += p.value->size();
  return count;
}

const Shape& Layer::build_once(const Shape& input_shape, Rng& rng) {
  if (!built_) {
    output_shape_ = build(input_shape, rng);
    input_shape_ = input_shape;
    built_ = true;
  } else if (input_shape != input_shape_) {
    throw std::invalid_argument("layer '" + name_ + "' was built for input shape " + shape_str(input_shape_) +
                                " but receives " + shape_str(input_shape));
  }
  return output_shape_;
}

json Layer::full_config() const {
  json config = this->config();
  config["name"] = name_;
  config["trainable"] = true;
  config["dtype"] = "float32";
  if (declared_input_shape_) {
    json shape = json::array({nullptr});
    for (auto d : *declared_input_shape_) shape.push_back(d);
    config["batch_input_shape"] = shape;
  }
  return config;
}

void Layer::read_common_config(const json& config) {
  if (config.contains("name") && config["name"].is_string()) name_ = config["name"].get<std::string>();
  for (const char* key : {"batch_input_shape", "batchInputShape"}) {
    if (!config.contains(key) || config[key].is_null()) continue;
    const json& dims = config[key];
    if (!dims.is_array() || dims.size() < 2)
      throw std::invalid_argument("layer '" + name_ + "': " + key + " must list the batch size and at least one dimension");
    Shape shape;
    for (std::size_t i = 1; i < dims.size(); ++i) {
      if (!dims[i].is_number_unsigned() || dims[i].get<std::size_t>() == 0)
        throw std::invalid_argument("layer '" + name_ + "': " + key + " has a dimension that is not a positive integer");
      shape.push_back(dims[i].get<std::size_t>());
    }
    declared_input_shape_ = shape;
  }
}

}  // namespace neurite
