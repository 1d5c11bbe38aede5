#include "layers/reshaping.hpp"

#include <algorithm>
#include <stdexcept>

#include "util/json_fields.hpp"

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

Reshape::Reshape(std::vector<long long> target_shape) : target_shape_(std::move(target_shape)) {
  if (target_shape_.empty()) throw std::invalid_argument("Reshape: target_shape must list at least one dimension");
  std::size_t unknown = 0;
  for (auto d : target_shape_) {
    if (d == 0 || d < -1)
      throw std::invalid_argument("Reshape: target_shape entries must be positive or -1, got " + std::to_string(d));
    unknown += d == -1;
  }
  if (unknown > 1) throw std::invalid_argument("Reshape: target_shape may hold only one -1");
}

std::unique_ptr<Layer> Reshape::from_config(const json& config) {
  const std::string owner = "Reshape layer '" + field_or<std::string>(config, "name", "", "Reshape") + "'";
  auto layer = std::make_unique<Reshape>(required_field<std::vector<long long>>(config, "target_shape", owner));
  layer->read_common_config(config);
  return layer;
}

Shape Reshape::build(const Shape& input_shape, Rng&) {
  const std::size_t total = shape_size(input_shape);
  std::size_t known = 1;
  for (auto d : target_shape_)
    if (d != -1) known *= static_cast<std::size_t>(d);
  Shape out;
  for (auto d : target_shape_) out.push_back(d == -1 ? total / known : static_cast<std::size_t>(d));
  if (shape_size(out) != total)
    throw std::invalid_argument("Reshape '" + name() + "': cannot reshape input " + shape_str(input_shape) + " (" +
                                std::to_string(total) + " values) to target_shape " + json(target_shape_).dump());
  return out;
}

const Tensor& Reshape::forward(const Tensor& x, bool) {
  copy_reshaped(x, with_batch(x.shape()[0], output_shape()), output_);
  return output_;
}

const Tensor& Reshape::backward(const Tensor& grad_out) {
  copy_reshaped(grad_out, with_batch(grad_out.shape()[0], input_shape()), grad_input_);
  return grad_input_;
}

void copy_reshaped(const Tensor& in, const Shape& full_shape, Tensor& out) {
  ensure_shape(out, full_shape);
  std::copy(in.data(), in.data() + in.size(), out.data());
}

}  // namespace neurite
