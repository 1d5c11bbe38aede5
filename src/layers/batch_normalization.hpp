#pragma once
#include <memory>
#include <vector>

#include "layers/layer.hpp"

namespace neurite {

struct BatchNormalizationOptions {
  int axis = -1;  // only the last axis (channels of NHWC images, features of dense inputs)
  float momentum = 0.99f;
  float epsilon = 1e-3f;
  bool center = true;  // learn beta
  bool scale = true;   // learn gamma
};

// Keras' BatchNormalization over the last axis: y = gamma · (x − mean) / sqrt(var + epsilon) + beta,
// statistics per channel over every other axis. Training uses the batch's mean and biased variance
// and moves moving_mean / moving_variance toward them (m ← m·momentum + batch·(1 − momentum), the
// biased variance, as Keras 3 does); inference uses the moving statistics. Weights in Keras' order:
// gamma, beta (trainable, when scale / center), moving_mean, moving_variance (non-trainable).
class BatchNormalization final : public Layer {
 public:
  using Options = BatchNormalizationOptions;
  explicit BatchNormalization(Options options = {});
  static std::unique_ptr<Layer> from_config(const json& config);

  std::string class_name() const override { return "BatchNormalization"; }
  Shape build(const Shape& input_shape, Rng& rng) override;
  const Tensor& forward(const Tensor& x, bool training) override;
  const Tensor& backward(const Tensor& grad_out) override;
  std::vector<Param> params() override;
  std::vector<Param> non_trainable() override;
  json config() const override;

 private:
  void use_batch_statistics(const Tensor& x, std::size_t rows);
  void use_moving_statistics();

  Options options_;
  std::size_t channels_ = 0;
  // gamma stays 1 without scale, beta 0 without center: one code path either way
  Tensor gamma_, beta_, moving_mean_, moving_variance_, gamma_grad_, beta_grad_;
  // the last forward's statistics, x̂ = (x − mean) · inv_std, and whether they came from the batch
  std::vector<float> mean_, variance_, inv_std_;
  bool batch_statistics_ = false;
  Tensor xhat_, output_, grad_input_;
  std::vector<float> scale_, mean_grad_, mean_grad_xhat_;  // backward's per-channel terms
};

}  // namespace neurite
