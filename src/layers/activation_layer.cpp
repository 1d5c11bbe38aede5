#include "layers/activation_layer.hpp"

#include "layers/reshaping.hpp"
#include "util/json_fields.hpp"

namespace neurite {

ActivationLayer::ActivationLayer(const std::string& activation) : activation_(make_activation(activation)) {}

std::unique_ptr<Layer> ActivationLayer::from_config(const json& config) {
  auto layer = std::make_unique<ActivationLayer>(required_field<std::string>(config, "activation", "Activation layer"));
  layer->read_common_config(config);
  return layer;
}

const Tensor& ActivationLayer::forward(const Tensor& x, bool) {
  copy_reshaped(x, Shape(x.shape().begin(), x.shape().end()), output_);
  const std::size_t cols = output_shape().empty() ? 1 : output_shape().back();
  activation_->forward(output_.data(), output_.size() / cols, cols);
  return output_;
}

const Tensor& ActivationLayer::backward(const Tensor& grad_out) {
  copy_reshaped(grad_out, Shape(grad_out.shape().begin(), grad_out.shape().end()), grad_input_);
  const std::size_t cols = output_shape().empty() ? 1 : output_shape().back();
  activation_->apply_backward(output_.data(), grad_input_.data(), grad_input_.size() / cols, cols);
  return grad_input_;
}

}  // namespace neurite
