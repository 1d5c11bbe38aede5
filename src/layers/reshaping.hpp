#pragma once
// Layers that only rearrange values: Flatten, Reshape.
#include <memory>
#include <vector>

#include "layers/layer.hpp"

namespace neurite {

// Keras' Flatten: [batch, ...] -> [batch, product]; NHWC order is kept, as in TF.js.
class Flatten final : public Layer {
 public:
  static std::unique_ptr<Layer> from_config(const json& config);
  std::string class_name() const override { return "Flatten"; }
  Shape build(const Shape& input_shape, Rng& rng) override;
  const Tensor& forward(const Tensor& x, bool training) override;
  const Tensor& backward(const Tensor& grad_out) override;
  json config() const override { return {{"data_format", "channels_last"}}; }
  bool only_reshapes() const override { return true; }

 private:
  Tensor output_, grad_input_;
};

// Keras' Reshape: [batch, ...] -> [batch, ...target_shape], values in the same (row-major) order.
// One entry of target_shape may be -1: it takes whatever size makes the counts match.
class Reshape final : public Layer {
 public:
  explicit Reshape(std::vector<long long> target_shape);
  static std::unique_ptr<Layer> from_config(const json& config);
  std::string class_name() const override { return "Reshape"; }
  Shape build(const Shape& input_shape, Rng& rng) override;
  const Tensor& forward(const Tensor& x, bool training) override;
  const Tensor& backward(const Tensor& grad_out) override;
  json config() const override { return {{"target_shape", target_shape_}}; }
  bool only_reshapes() const override { return true; }

 private:
  std::vector<long long> target_shape_;  // as given, -1 included: what the config writes back
  Tensor output_, grad_input_;
};

// Copies values into `out` with the given shape, resizing `out` only when its shape differs.
void copy_reshaped(const Tensor& in, const Shape& full_shape, Tensor& out);

}  // namespace neurite
