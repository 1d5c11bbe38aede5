#pragma once
// Keras' default initializers and the L2 regularizer, with their model-file configs.
#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

#include "tensor.hpp"
#include "util/rng.hpp"

namespace neurite {

// Glorot (Xavier) uniform: U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)).
void glorot_uniform(Tensor& kernel, std::size_t fan_in, std::size_t fan_out, Rng& rng);
nlohmann::json glorot_uniform_config();
nlohmann::json zeros_config();

// {"class_name": "L1L2", "config": {"l1": 0, "l2": l2}} as TF.js writes it, or null for 0.
nlohmann::json l2_regularizer_config(float l2);
// The config fields every layer with a kernel and a bias writes (Dense, Conv2D): activation,
// use_bias, Glorot-uniform kernel, zero bias, the kernel's L2 and the unsupported extras as null.
nlohmann::json kernel_and_bias_config(const std::string& activation, bool use_bias, float kernel_l2);
// Reads Keras' "L2"/"l2" and TF.js' "L1L2" forms; an L1 part is refused with a clear error.
float read_l2_regularizer(const nlohmann::json& layer_config, const std::string& key, const std::string& owner);

}  // namespace neurite
