#include "layers/dense.hpp"

#include <algorithm>

#include "kernels/elementwise.hpp"
#include "kernels/gemm.hpp"
#include "layers/initializers.hpp"
#include "util/json_fields.hpp"

namespace neurite {

using kernels::Trans;

Dense::Dense(std::size_t units, const std::string& activation, Options options)
    : units_(units), activation_(make_activation(activation)), options_(options) {
  if (units == 0) throw std::invalid_argument("Dense: units must be a positive integer");
  if (options.kernel_l2 < 0) throw std::invalid_argument("Dense: kernel_regularizer l2 must be >= 0");
}

std::unique_ptr<Layer> Dense::from_config(const json& config) {
  const std::string owner = "Dense layer '" + field_or<std::string>(config, "name", "", "Dense") + "'";
  const auto units = required_field<long long>(config, "units", owner);
  if (units <= 0) throw std::invalid_argument(owner + ": units must be a positive integer");
  Options options;
  options.use_bias = field_or<bool>(config, "use_bias", true, owner);
  options.kernel_l2 = read_l2_regularizer(config, "kernel_regularizer", owner);
  auto layer = std::make_unique<Dense>(static_cast<std::size_t>(units),
                                       field_or<std::string>(config, "activation", "linear", owner), options);
  layer->read_common_config(config);
  return layer;
}

Shape Dense::build(const Shape& input_shape, Rng& rng) {
  if (input_shape.empty()) throw std::invalid_argument("Dense '" + name() + "' needs an input with at least one axis");
  fan_in_ = input_shape.back();
  check_weight_size({fan_in_, units_}, "Dense '" + name() + "' kernel");
  kernel_ = Tensor::from_shape({fan_in_, units_});
  glorot_uniform(kernel_, fan_in_, units_, rng);
  kernel_grad_ = xt::zeros<float>(kernel_.shape());
  if (options_.use_bias) {
    bias_ = xt::zeros<float>({units_});
    bias_grad_ = xt::zeros<float>({units_});
  }
  Shape out = input_shape;
  out.back() = units_;
  return out;
}

const Tensor& Dense::forward(const Tensor& x, bool) {
  const std::size_t rows = x.size() / fan_in_;  // every leading axis, batch included
  input_ = &x;
  ensure_shape(output_, with_batch(x.shape()[0], output_shape()));
  const kernels::FusedActivation fused = activation_->gemm_epilogue();
  kernels::sgemm(Trans::No, Trans::No, rows, units_, fan_in_, 1.0f, x.data(), fan_in_, kernel_.data(), units_, 0.0f,
                 output_.data(), units_, {options_.use_bias ? bias_.data() : nullptr, fused});
  if (fused == kernels::FusedActivation::None) activation_->forward(output_.data(), rows, units_);
  return output_;
}

const Tensor& Dense::backward(const Tensor& grad_out) {
  const std::size_t rows = grad_out.size() / units_;
  ensure_shape(grad_pre_activation_, Shape(grad_out.shape().begin(), grad_out.shape().end()));
  if (options_.use_bias) std::fill(bias_grad_.begin(), bias_grad_.end(), 0.0f);
  activation_->apply_backward_into(output_.data(), grad_out.data(), grad_pre_activation_.data(), rows, units_,
                                   options_.use_bias ? bias_grad_.data() : nullptr);
  const float* g = grad_pre_activation_.data();

  kernels::sgemm(Trans::Yes, Trans::No, fan_in_, units_, rows, 1.0f, input_->data(), fan_in_, g, units_, 0.0f,
                 kernel_grad_.data(), units_);
  if (!input_gradient_needed()) return grad_input_;
  ensure_shape(grad_input_, Shape(input_->shape().begin(), input_->shape().end()));
  kernels::sgemm(Trans::No, Trans::Yes, rows, fan_in_, units_, 1.0f, g, units_, kernel_.data(), units_, 0.0f,
                 grad_input_.data(), fan_in_);
  return grad_input_;
}

std::vector<Param> Dense::params() {
  std::vector<Param> list{{"kernel", &kernel_, &kernel_grad_, options_.kernel_l2}};
  if (options_.use_bias) list.push_back({"bias", &bias_, &bias_grad_, 0.0f});
  return list;
}

json Dense::config() const {
  json config = kernel_and_bias_config(activation_->name(), options_.use_bias, options_.kernel_l2);
  config["units"] = units_;
  return config;
}

}  // namespace neurite
