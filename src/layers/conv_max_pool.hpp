#pragma once
// Conv2D followed by MaxPooling2D, run as one layer (kernels/conv_pool.hpp): the convolution's output,
// the biggest tensor of a small CNN (26×26×64 floats an image in the tutorial's), is made and pooled
// an image at a time in cache and never written out, and the backward pass scatters the pool's
// gradient straight into the convolution's. Sequential applies it wherever it sees the pair; the
// two layers keep their own weights, configs and model-file entries.
//
// Results are the two layers' (the same forward output and argmax) except for the order in which
// the kernel's and the bias's gradients are summed: image by image here, then over the images in
// order; so, like the layers, the same bits for any thread count.
#include <memory>

#include "kernels/conv_pool.hpp"
#include "layers/conv2d.hpp"
#include "layers/pooling.hpp"

namespace neurite {

class ConvMaxPool {
 public:
  // Non-null when `first` is a Conv2D with a relu or linear activation (those whose derivative the
  // pooled values give and whose forward the GEMM epilogue computes) and `second` a MaxPooling2D
  // on its output, both built, and the Conv2D's feature maps per image (pixels) are at least as
  // many as its kernel's rows (kh·kw·in): the tutorial cnn's 26×26 against 3·3·1, and lenet's first
  // pair, not lenet's 11×11 against 3·3·32, whose per-image kernel-gradient partials would
  // outweigh the feature maps kept out of memory.
  static std::unique_ptr<ConvMaxPool> fuse(Layer& first, Layer& second);

  // The pool's output for input x; the Conv2D's own output is left untouched.
  const Tensor& forward(const Tensor& x);
  // From the gradient at the pool's output: sets the Conv2D's gradients and returns the gradient of
  // its input (empty when the Conv2D needs none).
  const Tensor& backward(const Tensor& grad_out);

  ConvMaxPool(Conv2D& conv, Pooling2D& pool) : conv_(conv), pool_(pool) {}

 private:
  kernels::ConvPoolShape shape() const;

  Conv2D& conv_;
  Pooling2D& pool_;
  Tensor masked_grad_, kernel_grad_per_image_;  // reused from batch to batch
};

}  // namespace neurite
