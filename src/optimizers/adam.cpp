#include "optimizers/adam.hpp"

#include <cmath>
#include <stdexcept>

namespace neurite {

Adam::Adam(float learning_rate, float beta_1, float beta_2, float epsilon)
    : Optimizer(learning_rate), beta_1_(beta_1), beta_2_(beta_2), epsilon_(epsilon) {
  if (!(beta_1 >= 0.0f && beta_1 < 1.0f) || !(beta_2 >= 0.0f && beta_2 < 1.0f))
    throw std::invalid_argument("Adam: beta_1 and beta_2 must be in [0, 1)");
  if (!(epsilon > 0.0f)) throw std::invalid_argument("Adam: epsilon must be > 0");
}

nlohmann::json Adam::config() const {
  return {{"learning_rate", learning_rate_}, {"beta_1", beta_1_}, {"beta_2", beta_2_}, {"epsilon", epsilon_}};
}

void Adam::update(float* w, const float* g, float* const* slots, std::size_t n, std::size_t iteration) {
  const double t = static_cast<double>(iteration);
  const float alpha = static_cast<float>(learning_rate_ * std::sqrt(1.0 - std::pow(beta_2_, t)) /
                                         (1.0 - std::pow(beta_1_, t)));
  const float one_minus_b1 = 1.0f - beta_1_, one_minus_b2 = 1.0f - beta_2_, eps = epsilon_;
  float* m = slots[0];
  float* v = slots[1];
  // a plain loop: with -fno-math-errno the compiler vectorises sqrt and the division
  for (std::size_t i = 0; i < n; ++i) {
    m[i] += (g[i] - m[i]) * one_minus_b1;
    v[i] += (g[i] * g[i] - v[i]) * one_minus_b2;
    w[i] -= alpha * m[i] / (std::sqrt(v[i]) + eps);
  }
}

}  // namespace neurite
