#include "layers/rescaling.hpp"

#include <cmath>

#include "kernels/elementwise.hpp"
#include "layers/reshaping.hpp"
#include "util/json_fields.hpp"

namespace neurite {

Rescaling::Rescaling(float scale, float offset) : scale_(scale), offset_(offset) {
  if (!std::isfinite(scale) || !std::isfinite(offset))
    throw std::invalid_argument("Rescaling: scale and offset must be finite numbers");
}

std::unique_ptr<Layer> Rescaling::from_config(const json& config) {
  if (config.contains("scale") && config["scale"].is_array())
    throw std::invalid_argument("Rescaling layer: a per-channel 'scale' is not supported, give one number");
  auto layer = std::make_unique<Rescaling>(required_field<float>(config, "scale", "Rescaling layer"),
                                           field_or<float>(config, "offset", 0.0f, "Rescaling layer"));
  layer->read_common_config(config);
  return layer;
}

const Tensor& Rescaling::forward(const Tensor& x, bool) {
  copy_reshaped(x, Shape(x.shape().begin(), x.shape().end()), output_);
  float* y = output_.data();
  // one pass over the input a batch: the compiler vectorises it, and it is noise next to the first conv
  for (std::size_t i = 0, n = output_.size(); i < n; ++i) y[i] = y[i] * scale_ + offset_;
  return output_;
}

const Tensor& Rescaling::backward(const Tensor& grad_out) {
  if (!input_gradient_needed()) return grad_input_;
  copy_reshaped(grad_out, Shape(grad_out.shape().begin(), grad_out.shape().end()), grad_input_);
  kernels::scale(grad_input_.data(), grad_input_.size(), scale_);
  return grad_input_;
}

}  // namespace neurite
