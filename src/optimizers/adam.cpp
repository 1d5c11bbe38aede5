#include "optimizers/adam.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "util/json_fields.hpp"

namespace neurite {

Adam::Adam(float learning_rate, float beta_1, float beta_2, float epsilon, bool amsgrad, OptimizerOptions options)
    : Optimizer(learning_rate, options), beta_1_(beta_1), beta_2_(beta_2), epsilon_(epsilon), amsgrad_(amsgrad) {
  if (!(beta_1 >= 0.0f && beta_1 < 1.0f) || !(beta_2 >= 0.0f && beta_2 < 1.0f))
    throw std::invalid_argument("Adam: beta_1 and beta_2 must be in [0, 1)");
  if (!(epsilon > 0.0f)) throw std::invalid_argument("Adam: epsilon must be > 0");
}

std::unique_ptr<Optimizer> Adam::from_config(const nlohmann::json& config, float lr, OptimizerOptions options,
                                             const std::string& owner) {
  return std::make_unique<Adam>(lr, field_or<float>(config, "beta_1", 0.9f, owner),
                                field_or<float>(config, "beta_2", 0.999f, owner),
                                field_or<float>(config, "epsilon", 1e-7f, owner),
                                field_or<bool>(config, "amsgrad", false, owner), options);
}

std::unique_ptr<Optimizer> AdamW::from_config(const nlohmann::json& config, float lr, OptimizerOptions options,
                                              const std::string& owner) {
  if (!config.contains("weight_decay") || config["weight_decay"].is_null()) options.weight_decay = 0.004f;
  return std::make_unique<AdamW>(lr, field_or<float>(config, "beta_1", 0.9f, owner),
                                 field_or<float>(config, "beta_2", 0.999f, owner),
                                 field_or<float>(config, "epsilon", 1e-7f, owner),
                                 field_or<bool>(config, "amsgrad", false, owner), options);
}

nlohmann::json Adam::variant_config() const {
  return {{"beta_1", beta_1_}, {"beta_2", beta_2_}, {"epsilon", epsilon_}, {"amsgrad", amsgrad_}};
}

void Adam::update(float* w, const float* g, float* const* slots, std::size_t n, std::size_t iteration) {
  const double t = static_cast<double>(iteration);
  const float alpha = static_cast<float>(learning_rate_ * std::sqrt(1.0 - std::pow(beta_2_, t)) /
                                         (1.0 - std::pow(beta_1_, t)));
  const float one_minus_b1 = 1.0f - beta_1_, one_minus_b2 = 1.0f - beta_2_, eps = epsilon_;
  float* m = slots[0];
  float* v = slots[1];
  // plain loops: with -fno-math-errno the compiler vectorises sqrt and the division
  if (!amsgrad_) {
    for (std::size_t i = 0; i < n; ++i) {
      m[i] += (g[i] - m[i]) * one_minus_b1;
      v[i] += (g[i] * g[i] - v[i]) * one_minus_b2;
      w[i] -= alpha * m[i] / (std::sqrt(v[i]) + eps);
    }
    return;
  }
  float* v_hat = slots[2];
  for (std::size_t i = 0; i < n; ++i) {
    m[i] += (g[i] - m[i]) * one_minus_b1;
    v[i] += (g[i] * g[i] - v[i]) * one_minus_b2;
    v_hat[i] = std::max(v_hat[i], v[i]);
    w[i] -= alpha * m[i] / (std::sqrt(v_hat[i]) + eps);
  }
}

}  // namespace neurite
