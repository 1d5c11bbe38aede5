#pragma once
#include "optimizers/optimizer.hpp"

namespace neurite {

// Keras' Adam: m += (g − m)(1 − β1); v += (g² − v)(1 − β2); with amsgrad v̂ = max(v̂, v) replaces v;
// w −= η·sqrt(1 − β2^t)/(1 − β1^t) · m / (sqrt(v) + ε)
class Adam : public Optimizer {
 public:
  explicit Adam(float learning_rate = 0.001f, float beta_1 = 0.9f, float beta_2 = 0.999f, float epsilon = 1e-7f,
                bool amsgrad = false, OptimizerOptions options = {});
  static std::unique_ptr<Optimizer> from_config(const nlohmann::json& config, float lr, OptimizerOptions options,
                                                const std::string& owner);
  std::string name() const override { return "adam"; }
  std::string class_name() const override { return "Adam"; }

 protected:
  nlohmann::json variant_config() const override;
  std::size_t slot_count() const override { return amsgrad_ ? 3 : 2; }
  void update(float* w, const float* g, float* const* slots, std::size_t n, std::size_t iteration) override;

 private:
  float beta_1_, beta_2_, epsilon_;
  bool amsgrad_;
};

// Keras' AdamW: Adam with decoupled weight decay (0.004 unless given), w −= η·λ·w before each update.
class AdamW final : public Adam {
 public:
  using Adam::Adam;
  static std::unique_ptr<Optimizer> from_config(const nlohmann::json& config, float lr, OptimizerOptions options,
                                                const std::string& owner);
  std::string name() const override { return "adamw"; }
  std::string class_name() const override { return "AdamW"; }
};

}  // namespace neurite
