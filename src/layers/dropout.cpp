#include "layers/dropout.hpp"

#include <algorithm>

#include "kernels/elementwise.hpp"
#include "layers/reshaping.hpp"
#include "util/json_fields.hpp"

namespace neurite {

Dropout::Dropout(float rate) : rate_(rate) {
  if (!(rate >= 0.0f && rate < 1.0f)) throw std::invalid_argument("Dropout: rate must be in [0, 1)");
}

std::unique_ptr<Layer> Dropout::from_config(const json& config) {
  auto layer = std::make_unique<Dropout>(required_field<float>(config, "rate", "Dropout layer"));
  layer->read_common_config(config);
  return layer;
}

Shape Dropout::build(const Shape& input_shape, Rng& rng) {
  rng_ = Rng(rng.next());
  return input_shape;
}

const Tensor& Dropout::forward(const Tensor& x, bool training) {
  last_forward_trained_ = training && rate_ > 0.0f;
  if (!last_forward_trained_) return x;
  ensure_shape(mask_, Shape(x.shape().begin(), x.shape().end()));
  const float keep_scale = 1.0f / (1.0f - rate_);
  for (auto& m : mask_) m = rng_.uniform() >= rate_ ? keep_scale : 0.0f;
  copy_reshaped(x, Shape(x.shape().begin(), x.shape().end()), output_);
  kernels::multiply(mask_.data(), output_.data(), output_.size());
  return output_;
}

const Tensor& Dropout::backward(const Tensor& grad_out) {
  if (!last_forward_trained_) return grad_out;
  copy_reshaped(grad_out, Shape(grad_out.shape().begin(), grad_out.shape().end()), grad_input_);
  kernels::multiply(mask_.data(), grad_input_.data(), grad_input_.size());
  return grad_input_;
}

}  // namespace neurite
