#pragma once
#include "optimizers/optimizer.hpp"

namespace neurite {

// Keras' RMSprop (not centered): v = ρv + (1 − ρ)g²; step = η g / (sqrt(v) + ε);
// with momentum: m = μm + step, w −= m; otherwise w −= step.
class RMSprop final : public Optimizer {
 public:
  explicit RMSprop(float learning_rate = 0.001f, float rho = 0.9f, float momentum = 0.0f, float epsilon = 1e-7f,
                   OptimizerOptions options = {});
  static std::unique_ptr<Optimizer> from_config(const nlohmann::json& config, float lr, OptimizerOptions options,
                                                const std::string& owner);
  std::string name() const override { return "rmsprop"; }
  std::string class_name() const override { return "RMSprop"; }

 protected:
  nlohmann::json variant_config() const override;
  std::size_t slot_count() const override { return momentum_ > 0.0f ? 2 : 1; }
  void update(float* w, const float* g, float* const* slots, std::size_t n, std::size_t iteration) override;

 private:
  float rho_, momentum_, epsilon_;
};

}  // namespace neurite
