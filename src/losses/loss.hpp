#pragma once
// Losses compare a prediction [batch, width] with targets and give the mean loss and its gradient.
// Targets are floats: class indices [batch] for the sparse loss, otherwise the prediction's shape.
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tensor.hpp"

namespace neurite {

class Loss {
 public:
  explicit Loss(bool from_logits = false) : from_logits_(from_logits) {}
  virtual ~Loss() = default;
  virtual std::string name() const = 0;  // Keras' name, e.g. "sparse_categorical_crossentropy"
  virtual nlohmann::json config() const { return {{"from_logits", from_logits_}}; }

  // Mean loss over the batch. When `grad` is given it receives dL/d(pred), or, when fused,
  // dL/d(input of the output activation).
  virtual float compute(const Tensor& pred, const Tensor& target, Tensor* grad) const = 0;

  // The output activation this loss can differentiate through in one stable step ("" if none).
  virtual std::string fusable_activation() const { return ""; }
  void set_fused(bool fused) { fused_ = fused; }
  bool fused() const { return fused_; }
  bool from_logits() const { return from_logits_; }
  // Targets hold one class index per sample instead of the output's shape.
  virtual bool sparse_targets() const { return false; }

 protected:
  bool from_logits_;
  bool fused_ = false;
};

// Names as Keras accepts them ("sparse_categorical_crossentropy", "categorical_crossentropy",
// "binary_crossentropy", "mean_squared_error" / "mse"). Throws naming an unknown loss.
// label_smoothing (the cross-entropies over classes): Keras' CategoricalCrossentropy argument, the
// target row becoming t (1 - s) + s / classes; Neurite gives the sparse loss the same argument (as
// PyTorch's CrossEntropyLoss has it), so class-index labels need no one-hot copy to be smoothed.
std::unique_ptr<Loss> make_loss(const std::string& name, bool from_logits = false, float label_smoothing = 0.0f);
std::vector<std::string> loss_names();

// Keras clips probabilities to [kProbabilityEpsilon, 1 - kProbabilityEpsilon] before taking logs.
constexpr float kProbabilityEpsilon = 1e-7f;

}  // namespace neurite
