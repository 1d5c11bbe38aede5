#pragma once
#include <memory>

#include "layers/layer.hpp"

namespace neurite {

// Keras' Rescaling: y = x * scale + offset, in training and at inference. Put first, it carries a
// model's input normalisation with it, so whoever feeds the model (the page's draw pad, TF.js after an
// export) gives it pixels / 255 as every tutorial does.
class Rescaling final : public Layer {
 public:
  explicit Rescaling(float scale, float offset = 0.0f);
  static std::unique_ptr<Layer> from_config(const json& config);
  std::string class_name() const override { return "Rescaling"; }
  Shape build(const Shape& input_shape, Rng& rng) override { (void)rng; return input_shape; }
  const Tensor& forward(const Tensor& x, bool training) override;
  const Tensor& backward(const Tensor& grad_out) override;
  json config() const override { return {{"scale", scale_}, {"offset", offset_}}; }

 private:
  float scale_, offset_;
  Tensor output_, grad_input_;
};

}  // namespace neurite
