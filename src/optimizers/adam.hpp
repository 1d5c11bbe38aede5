#pragma once
#include "optimizers/optimizer.hpp"

namespace neurite {

// Keras' Adam: m += (g − m)(1 − β1); v += (g² − v)(1 − β2);
// w −= η·sqrt(1 − β2^t)/(1 − β1^t) · m / (sqrt(v) + ε)
class Adam final : public Optimizer {
 public:
  explicit Adam(float learning_rate = 0.001f, float beta_1 = 0.9f, float beta_2 = 0.999f, float epsilon = 1e-7f);
  std::string name() const override { return "adam"; }
  nlohmann::json config() const override;

 protected:
  std::size_t slot_count() const override { return 2; }
  void update(float* w, const float* g, float* const* slots, std::size_t n, std::size_t iteration) override;

 private:
  float beta_1_, beta_2_, epsilon_;
};

}  // namespace neurite
