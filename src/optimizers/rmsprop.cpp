#include "optimizers/rmsprop.hpp"

#include <cmath>
#include <stdexcept>

#include "util/json_fields.hpp"

namespace neurite {

RMSprop::RMSprop(float learning_rate, float rho, float momentum, float epsilon, OptimizerOptions options)
    : Optimizer(learning_rate, options), rho_(rho), momentum_(momentum), epsilon_(epsilon) {
  if (!(rho >= 0.0f && rho < 1.0f)) throw std::invalid_argument("RMSprop: rho must be in [0, 1)");
  if (!(momentum >= 0.0f && momentum < 1.0f)) throw std::invalid_argument("RMSprop: momentum must be in [0, 1)");
  if (!(epsilon > 0.0f)) throw std::invalid_argument("RMSprop: epsilon must be > 0");
}

std::unique_ptr<Optimizer> RMSprop::from_config(const nlohmann::json& config, float lr, OptimizerOptions options,
                                                const std::string& owner) {
  if (field_or<bool>(config, "centered", false, owner)) throw std::invalid_argument(owner + ": centered RMSprop is not supported");
  return std::make_unique<RMSprop>(lr, field_or<float>(config, "rho", 0.9f, owner),
                                   field_or<float>(config, "momentum", 0.0f, owner),
                                   field_or<float>(config, "epsilon", 1e-7f, owner), options);
}

nlohmann::json RMSprop::variant_config() const {
  return {{"rho", rho_}, {"momentum", momentum_}, {"epsilon", epsilon_}, {"centered", false}};
}

void RMSprop::update(float* w, const float* g, float* const* slots, std::size_t n, std::size_t) {
  const float lr = learning_rate_, rho = rho_, eps = epsilon_, mu = momentum_;
  float* v = slots[0];
  for (std::size_t i = 0; i < n; ++i) v[i] = rho * v[i] + (1.0f - rho) * g[i] * g[i];
  if (slot_count() == 1) {
    for (std::size_t i = 0; i < n; ++i) w[i] -= lr * g[i] / (std::sqrt(v[i]) + eps);
    return;
  }
  float* m = slots[1];
  for (std::size_t i = 0; i < n; ++i) {
    m[i] = mu * m[i] + lr * g[i] / (std::sqrt(v[i]) + eps);
    w[i] -= m[i];
  }
}

}  // namespace neurite
