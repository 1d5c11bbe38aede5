#pragma once
// Conv2D, and the window settings (sizes, strides, padding) it shares with the pooling layers.
#include <memory>
#include <string>

#include "activations/activation.hpp"
#include "kernels/im2col.hpp"
#include "layers/layer.hpp"

namespace neurite {

// A (height, width) pair: kernel, pool or stride size. One number means both, as in Keras.
struct Size2 {
  std::size_t h = 1, w = 1;
  Size2(std::size_t both) : h(both), w(both) {}  // NOLINT: implicit, so Conv2D(64, 3) reads like Keras
  Size2(std::size_t height, std::size_t width) : h(height), w(width) {}
  bool operator==(const Size2& o) const { return h == o.h && w == o.w; }
};

enum class Padding { Valid, Same };

// Helpers for the 2-D window layers' configs (Keras/TF.js field names and forms).
Padding parse_padding(const std::string& name, const std::string& owner);
std::string padding_name(Padding padding);
// [h, w], or one integer for both; `fallback` when absent or null.
Size2 read_size2(const json& config, const std::string& key, Size2 fallback, const std::string& owner);
json size2_json(Size2 size);
// NHWC only: data_format "channels_first" is refused with an error that says so.
void require_channels_last(const json& config, const std::string& owner);
// The windows of `window`/`strides`/`padding` over a per-sample [height, width, channels] input;
// the batch is set per forward. Throws when the input is not rank 3 or yields no output.
kernels::WindowGeometry window_geometry(const Shape& input, Size2 window, Size2 strides, Padding padding,
                                        const std::string& who);

struct Conv2DOptions {
  Size2 strides{1, 1};
  Padding padding = Padding::Valid;
  bool use_bias = true;
  float kernel_l2 = 0.0f;  // kernel_regularizer=l2(kernel_l2)
};

// Keras' Conv2D on NHWC images: kernel [kh, kw, in, out] (the TF.js file layout), Glorot-uniform with
// fan_in = kh·kw·in and fan_out = kh·kw·out, zero bias. Computed as im2col of the whole batch and one
// GEMM with the kernel viewed as [kh·kw·in, out], whose [batch·oh·ow, out] result is the NHWC output.
class Conv2D final : public Layer {
 public:
  using Options = Conv2DOptions;
  Conv2D(std::size_t filters, Size2 kernel_size, const std::string& activation = "linear", Options options = {});
  static std::unique_ptr<Layer> from_config(const json& config);

  std::string class_name() const override { return "Conv2D"; }
  Shape build(const Shape& input_shape, Rng& rng) override;
  const Tensor& forward(const Tensor& x, bool training) override;
  const Tensor& backward(const Tensor& grad_out) override;
  std::vector<Param> params() override;
  json config() const override;
  Activation* output_activation() override { return activation_.get(); }

 private:
  friend class ConvMaxPool;  // runs this layer and the MaxPooling2D after it as one (conv_max_pool.hpp)
  std::size_t filters_;
  Size2 kernel_size_;
  std::unique_ptr<Activation> activation_;
  Options options_;
  kernels::WindowGeometry geometry_;  // per sample; forward sets the batch
  Tensor kernel_, bias_, kernel_grad_, bias_grad_;
  const Tensor* input_ = nullptr;
  // reused from batch to batch: im2col of the input, the output, and backward's buffers
  Tensor cols_, output_, grad_pre_activation_, grad_cols_, grad_input_;
};

}  // namespace neurite
