#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "losses/loss.hpp"

namespace neurite {
namespace {

float clip_probability(float p) { return std::clamp(p, kProbabilityEpsilon, 1.0f - kProbabilityEpsilon); }

// log(sum(exp(z))) of one row, shifted by its maximum so that it never overflows
float log_sum_exp(const float* z, std::size_t n) {
  const float top = *std::max_element(z, z + n);
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) sum += std::exp(static_cast<double>(z[i] - top));
  return top + static_cast<float>(std::log(sum));
}

std::size_t batch_of(const Tensor& pred) { return pred.shape()[0]; }
std::size_t width_of(const Tensor& pred) { return pred.size() / batch_of(pred); }

void prepare_grad(Tensor* grad, const Tensor& pred) {
  if (grad) ensure_shape(*grad, Shape(pred.shape().begin(), pred.shape().end()));
}

// Categorical cross-entropy of one row against a target distribution t (one-hot or soft labels).
// Writes d/dz (logits or fused softmax) or d/dp into g, unscaled by the batch size.
float categorical_row(const float* p, const float* t, std::size_t n, bool from_logits, bool fused, float* g) {
  float t_sum = 0.0f;
  for (std::size_t j = 0; j < n; ++j) t_sum += t[j];
  float loss = 0.0f;
  if (from_logits) {
    const float lse = log_sum_exp(p, n);
    for (std::size_t j = 0; j < n; ++j) {
      loss += t[j] * (lse - p[j]);
      if (g) g[j] = std::exp(p[j] - lse) * t_sum - t[j];
    }
    return loss;
  }
  // probabilities: Keras renormalises the row, then clips
  float p_sum = 0.0f;
  for (std::size_t j = 0; j < n; ++j) p_sum += p[j];
  for (std::size_t j = 0; j < n; ++j) {
    const float q = clip_probability(p[j] / p_sum);
    loss -= t[j] * std::log(q);
    if (g) g[j] = fused ? p[j] * t_sum - t[j] : t_sum / p_sum - t[j] / p[j];
  }
  return loss;
}

class CategoricalCrossentropy : public Loss {
 public:
  CategoricalCrossentropy(bool from_logits, float label_smoothing) : Loss(from_logits), smoothing_(label_smoothing) {
    if (!(label_smoothing >= 0.0f && label_smoothing < 1.0f))
      throw std::invalid_argument("label_smoothing must be in [0, 1), got " + std::to_string(label_smoothing));
  }
  std::string name() const override { return "categorical_crossentropy"; }
  std::string fusable_activation() const override { return from_logits_ ? "" : "softmax"; }
  nlohmann::json config() const override { return {{"from_logits", from_logits_}, {"label_smoothing", smoothing_}}; }

  float compute(const Tensor& pred, const Tensor& target, Tensor* grad) const override {
    const std::size_t batch = batch_of(pred), width = width_of(pred);
    if (target.size() != pred.size())
      throw std::invalid_argument(name() + ": targets have " + std::to_string(target.size()) +
                                  " values, predictions " + std::to_string(pred.size()));
    prepare_grad(grad, pred);
    std::vector<float> smoothed(smoothing_ > 0.0f ? width : 0);
    double total = 0.0;
    for (std::size_t r = 0; r < batch; ++r) {
      const float* t = target.data() + r * width;
      if (smoothing_ > 0.0f) {
        for (std::size_t j = 0; j < width; ++j) smoothed[j] = smooth(t[j], width);
        t = smoothed.data();
      }
      total += categorical_row(pred.data() + r * width, t, width, from_logits_, fused_,
                               grad ? grad->data() + r * width : nullptr);
    }
    if (grad) *grad /= static_cast<float>(batch);
    return static_cast<float>(total / batch);
  }

 protected:
  // Keras' y (1 - s) + s / classes
  float smooth(float t, std::size_t classes) const { return t * (1.0f - smoothing_) + smoothing_ / static_cast<float>(classes); }
  float smoothing_;
};

class SparseCategoricalCrossentropy final : public CategoricalCrossentropy {
 public:
  using CategoricalCrossentropy::CategoricalCrossentropy;
  std::string name() const override { return "sparse_categorical_crossentropy"; }
  bool sparse_targets() const override { return true; }
  // Keras' sparse loss has no label_smoothing: written only when used, so Keras' own configs stay as they are
  nlohmann::json config() const override {
    nlohmann::json c = {{"from_logits", from_logits_}};
    if (smoothing_ > 0.0f) c["label_smoothing"] = smoothing_;
    return c;
  }

  float compute(const Tensor& pred, const Tensor& target, Tensor* grad) const override {
    const std::size_t batch = batch_of(pred), width = width_of(pred);
    if (target.size() != batch)
      throw std::invalid_argument(name() + ": expected one class index per sample (" + std::to_string(batch) +
                                  "), got " + std::to_string(target.size()) + " target values");
    prepare_grad(grad, pred);
    std::vector<float> one_hot(width, smooth(0.0f, width));
    double total = 0.0;
    for (std::size_t r = 0; r < batch; ++r) {
      const float label = target.data()[r];
      if (!(label >= 0.0f && label < static_cast<float>(width)) || label != std::floor(label))
        throw std::invalid_argument(name() + ": target " + std::to_string(r) + " is " + std::to_string(label) +
                                    ", not a class index in [0, " + std::to_string(width) + ")");
      const auto cls = static_cast<std::size_t>(label);
      one_hot[cls] = smooth(1.0f, width);
      total += categorical_row(pred.data() + r * width, one_hot.data(), width, from_logits_, fused_,
                               grad ? grad->data() + r * width : nullptr);
      one_hot[cls] = smooth(0.0f, width);
    }
    if (grad) *grad /= static_cast<float>(batch);
    return static_cast<float>(total / batch);
  }
};

// Element-wise losses averaged over every value, as Keras averages over the last axis, then the batch.
class ElementWiseLoss : public Loss {
 public:
  using Loss::Loss;
  float compute(const Tensor& pred, const Tensor& target, Tensor* grad) const override {
    if (target.size() != pred.size())
      throw std::invalid_argument(name() + ": targets have " + std::to_string(target.size()) +
                                  " values, predictions " + std::to_string(pred.size()));
    prepare_grad(grad, pred);
    const std::size_t n = pred.size();
    double total = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      auto [loss, g] = value_and_derivative(pred.data()[i], target.data()[i]);
      total += loss;
      if (grad) grad->data()[i] = g / static_cast<float>(n);
    }
    return static_cast<float>(total / n);
  }

 protected:
  virtual std::pair<float, float> value_and_derivative(float p, float t) const = 0;
};

class BinaryCrossentropy final : public ElementWiseLoss {
 public:
  using ElementWiseLoss::ElementWiseLoss;
  std::string name() const override { return "binary_crossentropy"; }
  std::string fusable_activation() const override { return from_logits_ ? "" : "sigmoid"; }

 protected:
  std::pair<float, float> value_and_derivative(float p, float t) const override {
    if (from_logits_) {  // max(z, 0) − z t + log(1 + e^−|z|): no overflow for any z
      const float loss = std::max(p, 0.0f) - p * t + std::log1p(std::exp(-std::abs(p)));
      return {loss, 1.0f / (1.0f + std::exp(-p)) - t};
    }
    const float q = clip_probability(p);
    const float loss = -(t * std::log(q) + (1.0f - t) * std::log(1.0f - q));
    return {loss, fused_ ? p - t : (q - t) / (q * (1.0f - q))};
  }
};

class MeanSquaredError final : public ElementWiseLoss {
 public:
  MeanSquaredError() : ElementWiseLoss(false) {}
  std::string name() const override { return "mean_squared_error"; }
  nlohmann::json config() const override { return nlohmann::json::object(); }

 protected:
  std::pair<float, float> value_and_derivative(float p, float t) const override {
    return {(p - t) * (p - t), 2.0f * (p - t)};
  }
};

}  // namespace

std::unique_ptr<Loss> make_loss(const std::string& name, bool from_logits, float label_smoothing) {
  if (name == "sparse_categorical_crossentropy")
    return std::make_unique<SparseCategoricalCrossentropy>(from_logits, label_smoothing);
  if (name == "categorical_crossentropy") return std::make_unique<CategoricalCrossentropy>(from_logits, label_smoothing);
  if (label_smoothing != 0.0f) throw std::invalid_argument(name + " has no label_smoothing option");
  if (name == "binary_crossentropy") return std::make_unique<BinaryCrossentropy>(from_logits);
  if (name == "mean_squared_error" || name == "mse") {
    if (from_logits) throw std::invalid_argument("mean_squared_error has no from_logits option");
    return std::make_unique<MeanSquaredError>();
  }
  std::string known;
  for (const auto& n : loss_names()) known += (known.empty() ? "" : ", ") + n;
  throw std::invalid_argument("unknown loss '" + name + "' (known: " + known + ")");
}

std::vector<std::string> loss_names() {
  return {"sparse_categorical_crossentropy", "categorical_crossentropy", "binary_crossentropy",
          "mean_squared_error"};
}

}  // namespace neurite
