#pragma once
// Keras 3's image augmentation layers: RandomTranslation, RandomRotation, RandomZoom. In training
// each image of the batch is resampled through an affine map of its own, drawn from the layer's
// seeded generator; at inference they pass the input through. One base does the resampling
// (kernels/warp.hpp) and its gradient; a variant only says how it draws a map.
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "kernels/warp.hpp"
#include "layers/layer.hpp"

namespace neurite {

// A factor as Keras takes it: one value f means [−f, f], two values [lower, upper].
struct FactorRange {
  float lower = 0.0f, upper = 0.0f;
  static FactorRange parse(const json& value, const std::string& owner, const char* field);
  json to_json() const;
  float draw(Rng& rng) const { return lower == upper ? lower : rng.uniform(lower, upper); }
};

struct WarpOptions {
  kernels::FillMode fill_mode = kernels::FillMode::reflect;  // Keras' default
  kernels::Interpolation interpolation = kernels::Interpolation::bilinear;
  float fill_value = 0.0f;
  std::optional<std::uint32_t> seed;  // none: drawn from the model's generator at build
  static WarpOptions parse(const json& config, const std::string& owner);
};

class RandomAffineLayer : public Layer {
 public:
  // Input: [height, width, channels] (or [height, width], one channel), channels last.
  Shape build(const Shape& input_shape, Rng& rng) override;
  const Tensor& forward(const Tensor& x, bool training) override;
  const Tensor& backward(const Tensor& grad_out) override;
  Rng* generator() override { return &rng_; }

 protected:
  explicit RandomAffineLayer(WarpOptions options) : options_(options) {}
  virtual kernels::AffineMap draw_map(Rng& rng, float height, float width) const = 0;
  // fill_mode, interpolation, seed, fill_value, data_format
  json warp_config() const;

 private:
  kernels::WarpSpec spec() const;
  WarpOptions options_;
  Rng rng_;
  std::vector<kernels::AffineMap> maps_;  // one per image of the last training forward
  Tensor output_, grad_input_;
  bool last_forward_trained_ = false;
};

// Shifts by a fraction of the height (positive: down) and of the width (positive: right).
class RandomTranslation final : public RandomAffineLayer {
 public:
  RandomTranslation(FactorRange height_factor, FactorRange width_factor, WarpOptions options = {});
  static std::unique_ptr<Layer> from_config(const json& config);
  std::string class_name() const override { return "RandomTranslation"; }
  json config() const override;

 protected:
  kernels::AffineMap draw_map(Rng& rng, float height, float width) const override;

 private:
  FactorRange height_factor_, width_factor_;
};

// Rotates about the centre by a fraction of a full turn (positive: counter-clockwise).
class RandomRotation final : public RandomAffineLayer {
 public:
  explicit RandomRotation(FactorRange factor, WarpOptions options = {});
  static std::unique_ptr<Layer> from_config(const json& config);
  std::string class_name() const override { return "RandomRotation"; }
  json config() const override;

 protected:
  kernels::AffineMap draw_map(Rng& rng, float height, float width) const override;

 private:
  FactorRange factor_;
};

// Zooms about the centre by 1 + a draw from the factor (positive: out, negative: in); without a
// width factor the width zooms as the height does, keeping the aspect ratio.
class RandomZoom final : public RandomAffineLayer {
 public:
  RandomZoom(FactorRange height_factor, std::optional<FactorRange> width_factor, WarpOptions options = {});
  static std::unique_ptr<Layer> from_config(const json& config);
  std::string class_name() const override { return "RandomZoom"; }
  json config() const override;

 protected:
  kernels::AffineMap draw_map(Rng& rng, float height, float width) const override;

 private:
  FactorRange height_factor_;
  std::optional<FactorRange> width_factor_;
};

}  // namespace neurite
