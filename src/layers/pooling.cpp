#include "layers/pooling.hpp"

#include <stdexcept>

#include "kernels/pooling.hpp"
#include "util/json_fields.hpp"

namespace neurite {
namespace {

// Keras/TF.js config: pool_size (default 2), strides (default: pool_size), padding, data_format.
template <class Pooling>
std::unique_ptr<Layer> pooling_from_config(const json& config, const std::string& class_name) {
  const std::string owner = class_name + " layer '" + field_or<std::string>(config, "name", "", class_name) + "'";
  require_channels_last(config, owner);
  const Size2 pool_size = read_size2(config, "pool_size", 2, owner);
  auto layer = std::make_unique<Pooling>(pool_size, read_size2(config, "strides", pool_size, owner),
                                         parse_padding(field_or<std::string>(config, "padding", "valid", owner), owner));
  layer->read_common_config(config);
  return layer;
}

}  // namespace

Pooling2D::Pooling2D(PoolMode mode, Size2 pool_size, std::optional<Size2> strides, Padding padding)
    : mode_(mode), pool_size_(pool_size), strides_(strides.value_or(pool_size)), padding_(padding) {
  if (pool_size.h == 0 || pool_size.w == 0) throw std::invalid_argument(class_name() + ": pool_size must be positive");
  if (strides_.h == 0 || strides_.w == 0) throw std::invalid_argument(class_name() + ": strides must be positive");
}

std::unique_ptr<Layer> MaxPooling2D::from_config(const json& config) {
  return pooling_from_config<MaxPooling2D>(config, "MaxPooling2D");
}

std::unique_ptr<Layer> AveragePooling2D::from_config(const json& config) {
  return pooling_from_config<AveragePooling2D>(config, "AveragePooling2D");
}

Shape Pooling2D::build(const Shape& input_shape, Rng&) {
  geometry_ = window_geometry(input_shape, pool_size_, strides_, padding_, class_name() + " '" + name() + "'");
  return {geometry_.out_h, geometry_.out_w, geometry_.channels};
}

const Tensor& Pooling2D::forward(const Tensor& x, bool) {
  geometry_.batch = x.shape()[0];
  ensure_shape(output_, with_batch(geometry_.batch, output_shape()));
  argmax_.resize(mode_ == PoolMode::Max ? output_.size() : 0);  // keeps its capacity once the batch size is steady
  if (mode_ == PoolMode::Average)
    kernels::average_pool(x.data(), geometry_, output_.data());
  else
    kernels::max_pool(x.data(), geometry_, output_.data(), argmax_.data());
  return output_;
}

const Tensor& Pooling2D::backward(const Tensor& grad_out) {
  ensure_shape(grad_input_, with_batch(geometry_.batch, input_shape()));
  if (mode_ == PoolMode::Average)
    kernels::average_pool_backward(grad_out.data(), geometry_, grad_input_.data());
  else
    kernels::max_pool_backward(grad_out.data(), argmax_.data(), geometry_, grad_input_.data());
  return grad_input_;
}

json Pooling2D::config() const {
  return {{"pool_size", size2_json(pool_size_)},
          {"strides", size2_json(strides_)},
          {"padding", padding_name(padding_)},
          {"data_format", "channels_last"}};
}

}  // namespace neurite
