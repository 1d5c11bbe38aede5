#include "layers/conv2d.hpp"

#include <algorithm>
#include <stdexcept>

#include "kernels/elementwise.hpp"
#include "kernels/gemm.hpp"
#include "layers/initializers.hpp"
#include "util/json_fields.hpp"

namespace neurite {

using kernels::Trans;

// ---------------------------------------------------------------------------------------------
// Window settings shared with the pooling layers

Padding parse_padding(const std::string& name, const std::string& owner) {
  if (name == "valid") return Padding::Valid;
  if (name == "same") return Padding::Same;
  throw std::invalid_argument(owner + ": padding must be \"valid\" or \"same\", got \"" + name + "\"");
}

std::string padding_name(Padding padding) { return padding == Padding::Same ? "same" : "valid"; }

Size2 read_size2(const json& config, const std::string& key, Size2 fallback, const std::string& owner) {
  if (!config.contains(key) || config[key].is_null()) return fallback;
  const json& v = config[key];
  const bool pair = v.is_array() && v.size() == 2 && v[0].is_number_unsigned() && v[1].is_number_unsigned();
  if (!v.is_number_unsigned() && !pair)
    throw std::invalid_argument(owner + ": '" + key + "' must be a positive integer or a pair of them, got " + v.dump());
  const Size2 size = pair ? Size2(v[0].get<std::size_t>(), v[1].get<std::size_t>()) : Size2(v.get<std::size_t>());
  if (size.h == 0 || size.w == 0)
    throw std::invalid_argument(owner + ": '" + key + "' must be positive, got " + v.dump());
  return size;
}

json size2_json(Size2 size) { return json::array({size.h, size.w}); }

void require_channels_last(const json& config, const std::string& owner) {
  const auto format = field_or<std::string>(config, "data_format", "channels_last", owner);
  if (format != "channels_last")
    throw std::invalid_argument(owner + ": data_format '" + format +
                                "' is not supported; Neurite works on channels_last (NHWC) images");
}

kernels::WindowGeometry window_geometry(const Shape& input, Size2 window, Size2 strides, Padding padding,
                                        const std::string& who) {
  if (input.size() != 3)
    throw std::invalid_argument(who + " needs images of shape (height, width, channels), got " + shape_str(input));
  const auto axis = [&](std::size_t in, std::size_t k, std::size_t s) {
    return padding == Padding::Same ? kernels::same_windows(in, k, s) : kernels::valid_windows(in, k, s);
  };
  const auto rows = axis(input[0], window.h, strides.h), cols = axis(input[1], window.w, strides.w);
  if (rows.out == 0 || cols.out == 0)
    throw std::invalid_argument(who + ": a " + std::to_string(window.h) + "x" + std::to_string(window.w) +
                                " window does not fit input " + shape_str(input) + " with padding \"" +
                                padding_name(padding) + "\"");
  kernels::WindowGeometry g;
  g.in_h = input[0], g.in_w = input[1], g.channels = input[2];
  g.window_h = window.h, g.window_w = window.w, g.stride_h = strides.h, g.stride_w = strides.w;
  g.pad_top = rows.pad_before, g.pad_left = cols.pad_before;
  g.out_h = rows.out, g.out_w = cols.out;
  return g;
}

// ---------------------------------------------------------------------------------------------
// Conv2D

Conv2D::Conv2D(std::size_t filters, Size2 kernel_size, const std::string& activation, Options options)
    : filters_(filters), kernel_size_(kernel_size), activation_(make_activation(activation)), options_(options) {
  if (filters == 0) throw std::invalid_argument("Conv2D: filters must be a positive integer");
  if (kernel_size.h == 0 || kernel_size.w == 0) throw std::invalid_argument("Conv2D: kernel_size must be positive");
  if (options.strides.h == 0 || options.strides.w == 0) throw std::invalid_argument("Conv2D: strides must be positive");
  if (options.kernel_l2 < 0) throw std::invalid_argument("Conv2D: kernel_regularizer l2 must be >= 0");
}

namespace {

// Keras writes dilation_rate [1, 1] and (Keras 3) groups 1; anything else needs another algorithm.
void require_plain_convolution(const json& config, const std::string& owner) {
  const Size2 dilation = read_size2(config, "dilation_rate", 1, owner);
  if (!(dilation == Size2(1)))
    throw std::invalid_argument(owner + ": dilation_rate " + config["dilation_rate"].dump() + " is not supported (only 1)");
  if (field_or<long long>(config, "groups", 1, owner) != 1)
    throw std::invalid_argument(owner + ": groups " + config["groups"].dump() + " is not supported (only 1)");
}

}  // namespace

std::unique_ptr<Layer> Conv2D::from_config(const json& config) {
  const std::string owner = "Conv2D layer '" + field_or<std::string>(config, "name", "", "Conv2D") + "'";
  const auto filters = required_field<long long>(config, "filters", owner);
  if (filters <= 0) throw std::invalid_argument(owner + ": filters must be a positive integer");
  if (!config.contains("kernel_size") || config["kernel_size"].is_null()) throw std::invalid_argument(owner + ": missing field 'kernel_size'");
  require_channels_last(config, owner);
  require_plain_convolution(config, owner);
  Options options;
  options.strides = read_size2(config, "strides", 1, owner);
  options.padding = parse_padding(field_or<std::string>(config, "padding", "valid", owner), owner);
  options.use_bias = field_or<bool>(config, "use_bias", true, owner);
  options.kernel_l2 = read_l2_regularizer(config, "kernel_regularizer", owner);
  auto layer = std::make_unique<Conv2D>(static_cast<std::size_t>(filters), read_size2(config, "kernel_size", 1, owner),
                                        field_or<std::string>(config, "activation", "linear", owner), options);
  layer->read_common_config(config);
  return layer;
}

Shape Conv2D::build(const Shape& input_shape, Rng& rng) {
  geometry_ = window_geometry(input_shape, kernel_size_, options_.strides, options_.padding, "Conv2D '" + name() + "'");
  const std::size_t taps = kernel_size_.h * kernel_size_.w;
  check_weight_size({kernel_size_.h, kernel_size_.w, geometry_.channels, filters_}, "Conv2D '" + name() + "' kernel");
  kernel_ = Tensor::from_shape({kernel_size_.h, kernel_size_.w, geometry_.channels, filters_});
  glorot_uniform(kernel_, taps * geometry_.channels, taps * filters_, rng);  // Keras' receptive-field fans
  kernel_grad_ = xt::zeros<float>(kernel_.shape());
  if (options_.use_bias) {
    bias_ = xt::zeros<float>({filters_});
    bias_grad_ = xt::zeros<float>({filters_});
  }
  return {geometry_.out_h, geometry_.out_w, filters_};
}

const Tensor& Conv2D::forward(const Tensor& x, bool) {
  input_ = &x;
  geometry_.batch = x.shape()[0];
  const std::size_t rows = geometry_.out_pixels(), patch = geometry_.patch_size();
  ensure_shape(cols_, {rows, patch});
  kernels::im2col(x.data(), geometry_, cols_.data());
  ensure_shape(output_, with_batch(geometry_.batch, output_shape()));
  const kernels::FusedActivation fused = activation_->gemm_epilogue();
  kernels::sgemm(Trans::No, Trans::No, rows, filters_, patch, 1.0f, cols_.data(), patch, kernel_.data(), filters_, 0.0f,
                 output_.data(), filters_, {options_.use_bias ? bias_.data() : nullptr, fused});
  if (fused == kernels::FusedActivation::None) activation_->forward(output_.data(), rows, filters_);
  return output_;
}

const Tensor& Conv2D::backward(const Tensor& grad_out) {
  const std::size_t rows = geometry_.out_pixels(), patch = geometry_.patch_size();
  ensure_shape(grad_pre_activation_, Shape(grad_out.shape().begin(), grad_out.shape().end()));
  if (options_.use_bias) std::fill(bias_grad_.begin(), bias_grad_.end(), 0.0f);
  activation_->apply_backward_into(output_.data(), grad_out.data(), grad_pre_activation_.data(), rows, filters_,
                                   options_.use_bias ? bias_grad_.data() : nullptr);
  const float* g = grad_pre_activation_.data();

  kernels::sgemm(Trans::Yes, Trans::No, patch, filters_, rows, 1.0f, cols_.data(), patch, g, filters_, 0.0f,
                 kernel_grad_.data(), filters_);
  if (!input_gradient_needed()) return grad_input_;
  ensure_shape(grad_cols_, {rows, patch});
  kernels::sgemm(Trans::No, Trans::Yes, rows, patch, filters_, 1.0f, g, filters_, kernel_.data(), filters_, 0.0f,
                 grad_cols_.data(), patch);
  ensure_shape(grad_input_, Shape(input_->shape().begin(), input_->shape().end()));
  kernels::col2im(grad_cols_.data(), geometry_, grad_input_.data());
  return grad_input_;
}

std::vector<Param> Conv2D::params() {
  std::vector<Param> list{{"kernel", &kernel_, &kernel_grad_, options_.kernel_l2}};
  if (options_.use_bias) list.push_back({"bias", &bias_, &bias_grad_, 0.0f});
  return list;
}

json Conv2D::config() const {
  json config = kernel_and_bias_config(activation_->name(), options_.use_bias, options_.kernel_l2);
  config.update({{"filters", filters_},
                 {"kernel_size", size2_json(kernel_size_)},
                 {"strides", size2_json(options_.strides)},
                 {"padding", padding_name(options_.padding)},
                 {"data_format", "channels_last"},
                 {"dilation_rate", size2_json(1)}});
  return config;
}

}  // namespace neurite
