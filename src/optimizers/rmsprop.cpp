#include "optimizers/rmsprop.hpp"

#include <cmath>
#include <stdexcept>

namespace neurite {

RMSprop::RMSprop(float learning_rate, float rho, float momentum, float epsilon)
    : Optimizer(learning_rate), rho_(rho), momentum_(momentum), epsilon_(epsilon) {
  if (!(rho >= 0.0f && rho < 1.0f)) throw std::invalid_argument("RMSprop: rho must be in [0, 1)");
  if (!(momentum >= 0.0f && momentum < 1.0f)) throw std::invalid_argument("RMSprop: momentum must be in [0, 1)");
  if (!(epsilon > 0.0f)) throw std::invalid_argument("RMSprop: epsilon must be > 0");
}

nlohmann::json RMSprop::config() const {
  return {{"learning_rate", learning_rate_}, {"rho", rho_}, {"momentum", momentum_}, {"epsilon", epsilon_},
          {"centered", false}};
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
