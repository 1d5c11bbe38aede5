#pragma once
// MaxPooling2D and AveragePooling2D: one implementation, the reduction is a setting.
#include <memory>
#include <optional>
#include <cstdint>
#include <vector>

#include "layers/conv2d.hpp"

namespace neurite {

enum class PoolMode { Max, Average };

// Keras' 2-D pooling on NHWC images, per channel. strides default to pool_size. With "same"
// padding the padding cells never take part: max ignores them, average divides by the number of
// cells inside the image (as TF does). Max pooling sends the gradient to the first maximum of each
// window in row-major order when values tie.
class Pooling2D : public Layer {
 public:
  Pooling2D(PoolMode mode, Size2 pool_size, std::optional<Size2> strides, Padding padding);

  std::string class_name() const override { return mode_ == PoolMode::Max ? "MaxPooling2D" : "AveragePooling2D"; }
  Shape build(const Shape& input_shape, Rng& rng) override;
  const Tensor& forward(const Tensor& x, bool training) override;
  const Tensor& backward(const Tensor& grad_out) override;
  json config() const override;

 private:
  friend class ConvMaxPool;  // fills output_ and argmax_ when a Conv2D before it runs fused with it
  PoolMode mode_;
  Size2 pool_size_, strides_;
  Padding padding_;
  kernels::WindowGeometry geometry_;  // per sample; forward sets the batch
  Tensor output_, grad_input_;
  std::vector<std::uint32_t> argmax_;  // max pooling: where, in its image, each output value came from
};

class MaxPooling2D final : public Pooling2D {
 public:
  explicit MaxPooling2D(Size2 pool_size = 2, std::optional<Size2> strides = std::nullopt,
                        Padding padding = Padding::Valid)
      : Pooling2D(PoolMode::Max, pool_size, strides, padding) {}
  static std::unique_ptr<Layer> from_config(const json& config);
};

class AveragePooling2D final : public Pooling2D {
 public:
  explicit AveragePooling2D(Size2 pool_size = 2, std::optional<Size2> strides = std::nullopt,
                            Padding padding = Padding::Valid)
      : Pooling2D(PoolMode::Average, pool_size, strides, padding) {}
  static std::unique_ptr<Layer> from_config(const json& config);
};

}  // namespace neurite
