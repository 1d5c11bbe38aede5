#pragma once
#include "optimizers/optimizer.hpp"

namespace neurite {

// Keras' SGD: plain, with momentum (v = μv − ηg; w += v), or Nesterov (w += μv − ηg).
class SGD final : public Optimizer {
 public:
  explicit SGD(float learning_rate = 0.01f, float momentum = 0.0f, bool nesterov = false, OptimizerOptions options = {});
  static std::unique_ptr<Optimizer> from_config(const nlohmann::json& config, float lr, OptimizerOptions options,
                                                const std::string& owner);
  std::string name() const override { return "sgd"; }
  std::string class_name() const override { return "SGD"; }

 protected:
  nlohmann::json variant_config() const override;
  std::size_t slot_count() const override { return momentum_ > 0.0f ? 1 : 0; }
  void update(float* w, const float* g, float* const* slots, std::size_t n, std::size_t iteration) override;

 private:
  float momentum_;
  bool nesterov_;
};

}  // namespace neurite
