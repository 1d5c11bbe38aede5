#include "layers/reshaping.hpp"

#include <algorithm>

namespace neurite {

std::unique_ptr<Layer> Flatten::from_config(const json& config) {
  auto layer = std::make_unique<Flatten>();
  layer->read_common_config(config);
  return layer;
}

Shape Flatten::build(const Shape& input_shape, Rng&) { return {shape_size(input_shape)}; }

const Tensor& Flatten::forward(const Tensor& x, bool) {
  copy_reshaped(x, with_batch(x.shape()[0], output_shape()), output_);
  return output_;
}

const Tensor& Flatten::backward(const Tensor& grad_out) {
  copy_reshaped(grad_out, with_batch(grad_out.shape()[0], input_shape()), grad_input_);
  return grad_input_;
}

void copy_reshaped(const Tensor& in, const Shape& full_shape, Tensor& out) {
  ensure_shape(out, full_shape);
  std::copy(in.data(), in.data() + in.size(), out.data());
}

}  // namespace neurite
