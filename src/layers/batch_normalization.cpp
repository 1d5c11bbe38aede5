#include "layers/batch_normalization.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "kernels/elementwise.hpp"
#include "kernels/normalization.hpp"
#include "layers/initializers.hpp"
#include "util/json_fields.hpp"

namespace neurite {
namespace {

json ones_config() { return {{"class_name", "Ones"}, {"config", json::object()}}; }

// Keras writes an int (-1, or 3 for NHWC); Keras 2 files may hold a one-element list ([3]).
int read_axis(const json& config, const std::string& owner) {
  if (!config.contains("axis") || config["axis"].is_null()) return -1;
  const json& axis = config["axis"];
  if (axis.is_number_integer()) return axis.get<int>();
  if (axis.is_array() && axis.size() == 1 && axis[0].is_number_integer()) return axis[0].get<int>();
  throw std::invalid_argument(owner + ": 'axis' must be one integer (only the last axis is supported), got " + axis.dump());
}

void require_no_regularizer(const json& config, const char* key, const std::string& owner) {
  if (config.contains(key) && !config[key].is_null())
    throw std::invalid_argument(owner + ": " + key + " is not supported");
}

}  // namespace

BatchNormalization::BatchNormalization(Options options) : options_(options) {
  if (!(options.momentum >= 0.0f && options.momentum <= 1.0f))
    throw std::invalid_argument("BatchNormalization: momentum must be in [0, 1]");
  if (!(options.epsilon > 0.0f)) throw std::invalid_argument("BatchNormalization: epsilon must be > 0");
}

std::unique_ptr<Layer> BatchNormalization::from_config(const json& config) {
  const std::string owner =
      "BatchNormalization layer '" + field_or<std::string>(config, "name", "", "BatchNormalization") + "'";
  require_no_regularizer(config, "gamma_regularizer", owner);
  require_no_regularizer(config, "beta_regularizer", owner);
  Options options;
  options.axis = read_axis(config, owner);
  options.momentum = field_or<float>(config, "momentum", options.momentum, owner);
  options.epsilon = field_or<float>(config, "epsilon", options.epsilon, owner);
  options.center = field_or<bool>(config, "center", true, owner);
  options.scale = field_or<bool>(config, "scale", true, owner);
  auto layer = std::make_unique<BatchNormalization>(options);
  layer->read_common_config(config);
  return layer;
}

Shape BatchNormalization::build(const Shape& input_shape, Rng&) {
  const int last = static_cast<int>(input_shape.size());  // the last axis, counting the batch axis as 0
  if (input_shape.empty() || (options_.axis != -1 && options_.axis != last))
    throw std::invalid_argument("BatchNormalization '" + name() + "': only the last axis (-1 or " +
                                std::to_string(last) + ") of input " + shape_str(input_shape) +
                                " is supported, got axis " + std::to_string(options_.axis));
  channels_ = input_shape.back();
  check_weight_size({channels_}, "BatchNormalization '" + name() + "'");
  gamma_ = xt::ones<float>({channels_});
  beta_ = xt::zeros<float>({channels_});
  moving_mean_ = xt::zeros<float>({channels_});
  moving_variance_ = xt::ones<float>({channels_});
  gamma_grad_ = xt::zeros<float>({channels_});
  beta_grad_ = xt::zeros<float>({channels_});
  for (auto* v : {&mean_, &variance_, &inv_std_, &scale_, &mean_grad_, &mean_grad_xhat_}) v->assign(channels_, 0.0f);
  return input_shape;
}

void BatchNormalization::use_batch_statistics(const Tensor& x, std::size_t rows) {
  const float inv_rows = 1.0f / static_cast<float>(rows);
  std::fill(mean_.begin(), mean_.end(), 0.0f);
  kernels::accumulate_column_sums(x.data(), rows, channels_, mean_.data());
  for (auto& m : mean_) m *= inv_rows;
  kernels::column_squared_deviations(x.data(), mean_.data(), rows, channels_, variance_.data());
  const float keep = options_.momentum, take = 1.0f - options_.momentum;
  for (std::size_t c = 0; c < channels_; ++c) {
    variance_[c] *= inv_rows;  // biased, as Keras normalises with
    inv_std_[c] = 1.0f / std::sqrt(variance_[c] + options_.epsilon);
    moving_mean_(c) = moving_mean_(c) * keep + mean_[c] * take;
    moving_variance_(c) = moving_variance_(c) * keep + variance_[c] * take;
  }
}

void BatchNormalization::use_moving_statistics() {
  for (std::size_t c = 0; c < channels_; ++c) {
    mean_[c] = moving_mean_(c);
    inv_std_[c] = 1.0f / std::sqrt(moving_variance_(c) + options_.epsilon);
  }
}

const Tensor& BatchNormalization::forward(const Tensor& x, bool training) {
  const std::size_t rows = x.size() / channels_;
  batch_statistics_ = training;
  if (training) use_batch_statistics(x, rows);
  else use_moving_statistics();
  const Shape shape(x.shape().begin(), x.shape().end());
  ensure_shape(xhat_, shape);
  ensure_shape(output_, shape);
  kernels::normalize(x.data(), mean_.data(), inv_std_.data(), gamma_.data(), beta_.data(), rows, channels_,
                     xhat_.data(), output_.data());
  return output_;
}

const Tensor& BatchNormalization::backward(const Tensor& grad_out) {
  const std::size_t rows = grad_out.size() / channels_;
  std::fill(beta_grad_.begin(), beta_grad_.end(), 0.0f);
  kernels::accumulate_column_sums(grad_out.data(), rows, channels_, beta_grad_.data());
  kernels::column_dots(grad_out.data(), xhat_.data(), rows, channels_, gamma_grad_.data());

  // the batch's mean and variance depend on every x; the moving statistics are constants
  const float to_mean = batch_statistics_ ? 1.0f / static_cast<float>(rows) : 0.0f;
  for (std::size_t c = 0; c < channels_; ++c) {
    scale_[c] = gamma_(c) * inv_std_[c];
    mean_grad_[c] = beta_grad_(c) * to_mean;
    mean_grad_xhat_[c] = gamma_grad_(c) * to_mean;
  }
  ensure_shape(grad_input_, Shape(grad_out.shape().begin(), grad_out.shape().end()));
  kernels::normalize_backward(grad_out.data(), xhat_.data(), scale_.data(), mean_grad_.data(), mean_grad_xhat_.data(),
                              rows, channels_, grad_input_.data());
  return grad_input_;
}

std::vector<Param> BatchNormalization::params() {
  std::vector<Param> list;
  if (options_.scale) list.push_back({"gamma", &gamma_, &gamma_grad_});
  if (options_.center) list.push_back({"beta", &beta_, &beta_grad_});
  return list;
}

std::vector<Param> BatchNormalization::non_trainable() {
  return {{"moving_mean", &moving_mean_, nullptr}, {"moving_variance", &moving_variance_, nullptr}};
}

json BatchNormalization::config() const {
  return {{"axis", options_.axis},
          {"momentum", options_.momentum},
          {"epsilon", options_.epsilon},
          {"center", options_.center},
          {"scale", options_.scale},
          {"beta_initializer", zeros_config()},
          {"gamma_initializer", ones_config()},
          {"moving_mean_initializer", zeros_config()},
          {"moving_variance_initializer", ones_config()},
          {"beta_regularizer", nullptr},
          {"gamma_regularizer", nullptr},
          {"beta_constraint", nullptr},
          {"gamma_constraint", nullptr}};
}

}  // namespace neurite
