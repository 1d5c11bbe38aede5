#include "layers/initializers.hpp"

#include <cmath>
#include <stdexcept>

#include "util/json_fields.hpp"

namespace neurite {

void glorot_uniform(Tensor& kernel, std::size_t fan_in, std::size_t fan_out, Rng& rng) {
  const float limit = std::sqrt(6.0f / static_cast<float>(fan_in + fan_out));
  for (auto& w : kernel) w = rng.uniform(-limit, limit);
}

nlohmann::json glorot_uniform_config() {
  return {{"class_name", "VarianceScaling"},
          {"config", {{"scale", 1.0}, {"mode", "fan_avg"}, {"distribution", "uniform"}, {"seed", nullptr}}}};
}

nlohmann::json zeros_config() { return {{"class_name", "Zeros"}, {"config", nlohmann::json::object()}}; }

nlohmann::json l2_regularizer_config(float l2) {
  if (l2 == 0.0f) return nullptr;
  return {{"class_name", "L1L2"}, {"config", {{"l1", 0.0}, {"l2", l2}}}};
}

nlohmann::json kernel_and_bias_config(const std::string& activation, bool use_bias, float kernel_l2) {
  return {{"activation", activation},
          {"use_bias", use_bias},
          {"kernel_initializer", glorot_uniform_config()},
          {"bias_initializer", zeros_config()},
          {"kernel_regularizer", l2_regularizer_config(kernel_l2)},
          {"bias_regularizer", nullptr},
          {"activity_regularizer", nullptr},
          {"kernel_constraint", nullptr},
          {"bias_constraint", nullptr}};
}

float read_l2_regularizer(const nlohmann::json& layer_config, const std::string& key, const std::string& owner) {
  if (!layer_config.contains(key) || layer_config[key].is_null()) return 0.0f;
  const auto& reg = layer_config[key];
  const auto name = field_or<std::string>(reg, "class_name", "", owner + " " + key);
  const auto& config = reg.contains("config") ? reg["config"] : nlohmann::json::object();
  if (name != "L1L2" && name != "L2" && name != "l2")
    throw std::invalid_argument(owner + ": unsupported " + key + " '" + name + "' (only L2 is supported)");
  if (field_or<double>(config, "l1", 0.0, owner + " " + key) != 0.0)
    throw std::invalid_argument(owner + ": " + key + " has an L1 part, which is not supported");
  const auto l2 = field_or<double>(config, "l2", 0.01, owner + " " + key);
  if (!(l2 >= 0.0)) throw std::invalid_argument(owner + ": " + key + " l2 must be >= 0");
  return static_cast<float>(l2);
}

}  // namespace neurite
