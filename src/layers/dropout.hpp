#pragma once
#include <memory>

#include "layers/layer.hpp"

namespace neurite {

// Keras' Dropout: in training, zeroes each value with probability `rate` and scales the rest by
// 1 / (1 - rate) (inverted dropout), so inference is the identity.
class Dropout final : public Layer {
 public:
  explicit Dropout(float rate);
  static std::unique_ptr<Layer> from_config(const json& config);
  std::string class_name() const override { return "Dropout"; }
  Shape build(const Shape& input_shape, Rng& rng) override;
  const Tensor& forward(const Tensor& x, bool training) override;
  const Tensor& backward(const Tensor& grad_out) override;
  json config() const override { return {{"rate", rate_}, {"noise_shape", nullptr}, {"seed", nullptr}}; }
  Rng* generator() override { return &rng_; }

 private:
  float rate_;
  Rng rng_;  // seeded from the model's generator at build, so runs repeat
  Tensor mask_, output_, grad_input_;
  bool last_forward_trained_ = false;
};

}  // namespace neurite
