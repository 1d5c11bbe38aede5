#pragma once
#include <memory>

#include "activations/activation.hpp"
#include "layers/layer.hpp"

namespace neurite {

struct DenseOptions {
  bool use_bias = true;
  float kernel_l2 = 0.0f;  // kernel_regularizer=l2(kernel_l2)
};

// Keras' Dense: y = activation(x · kernel + bias) on the last axis; kernel [in, units] (the TF.js
// file layout), Glorot-uniform kernel, zero bias.
class Dense final : public Layer {
 public:
  using Options = DenseOptions;
  Dense(std::size_t units, const std::string& activation = "linear", Options options = {});
  static std::unique_ptr<Layer> from_config(const json& config);

  std::string class_name() const override { return "Dense"; }
  Shape build(const Shape& input_shape, Rng& rng) override;
  const Tensor& forward(const Tensor& x, bool training) override;
  const Tensor& backward(const Tensor& grad_out) override;
  std::vector<Param> params() override;
  json config() const override;
  Activation* output_activation() override { return activation_.get(); }
  // its products see only rows of fan_in values: forward and backward never look at the shape
  bool reads_input_as_rows() const override { return true; }

 private:
  std::size_t units_;
  std::unique_ptr<Activation> activation_;
  Options options_;
  std::size_t fan_in_ = 0;
  Tensor kernel_, bias_, kernel_grad_, bias_grad_;
  const Tensor* input_ = nullptr;
  Tensor output_, grad_pre_activation_, grad_input_;
};

}  // namespace neurite
