#pragma once
#include <memory>

#include "activations/activation.hpp"
#include "layers/layer.hpp"

namespace neurite {

// Keras' Activation layer: applies one activation function, softmax over the last axis.
class ActivationLayer final : public Layer {
 public:
  explicit ActivationLayer(const std::string& activation);
  static std::unique_ptr<Layer> from_config(const json& config);
  std::string class_name() const override { return "Activation"; }
  Shape build(const Shape& input_shape, Rng& rng) override { (void)rng; return input_shape; }
  const Tensor& forward(const Tensor& x, bool training) override;
  const Tensor& backward(const Tensor& grad_out) override;
  json config() const override { return {{"activation", activation_->name()}}; }
  Activation* output_activation() override { return activation_.get(); }

 private:
  std::unique_ptr<Activation> activation_;
  Tensor output_, grad_input_;
};

}  // namespace neurite
