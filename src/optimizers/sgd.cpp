#include "optimizers/sgd.hpp"

#include <stdexcept>

#include "util/json_fields.hpp"

namespace neurite {

SGD::SGD(float learning_rate, float momentum, bool nesterov, OptimizerOptions options)
    : Optimizer(learning_rate, options), momentum_(momentum), nesterov_(nesterov) {
  if (!(momentum >= 0.0f && momentum < 1.0f)) throw std::invalid_argument("SGD: momentum must be in [0, 1)");
}

std::unique_ptr<Optimizer> SGD::from_config(const nlohmann::json& config, float lr, OptimizerOptions options,
                                            const std::string& owner) {
  return std::make_unique<SGD>(lr, field_or<float>(config, "momentum", 0.0f, owner),
                               field_or<bool>(config, "nesterov", false, owner), options);
}

nlohmann::json SGD::variant_config() const { return {{"momentum", momentum_}, {"nesterov", nesterov_}}; }

void SGD::update(float* w, const float* g, float* const* slots, std::size_t n, std::size_t) {
  const float lr = learning_rate_, mu = momentum_;
  if (slot_count() == 0) {
    for (std::size_t i = 0; i < n; ++i) w[i] -= lr * g[i];
    return;
  }
  float* v = slots[0];
  if (nesterov_) {
    for (std::size_t i = 0; i < n; ++i) {
      v[i] = mu * v[i] - lr * g[i];
      w[i] += mu * v[i] - lr * g[i];
    }
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      v[i] = mu * v[i] - lr * g[i];
      w[i] += v[i];
    }
  }
}

}  // namespace neurite
