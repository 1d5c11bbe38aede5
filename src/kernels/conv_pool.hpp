#pragma once
// A convolution whose output only a max pool reads, computed an image at a time so that output
// never reaches memory: each image's feature maps are made (im2col, one GEMM with the bias and the
// activation in its epilogue) in a buffer of the calling thread that stays in cache, and pooled from
// there. Images are independent chunks of a parallel_for, so the result is the same for any thread count.
#include <cstddef>
#include <cstdint>

#include "kernels/gemm.hpp"
#include "kernels/windows.hpp"

namespace neurite::kernels {

struct ConvPoolShape {
  WindowGeometry conv;  // the convolution's windows over its input, batch set
  WindowGeometry pool;  // the pool's windows over one image of the convolution's output (batch ignored)
  std::size_t filters = 0;

  std::size_t map_pixels() const { return conv.out_h * conv.out_w; }           // per image
  std::size_t pooled_floats() const { return pool.out_h * pool.out_w * filters; }  // per image
};

// cols = im2col(x) (kept for the backward pass), y = max_pool(activation(cols·kernel + bias)) and
// argmax as max_pool gives them (offsets within each image's feature maps). bias may be null.
void conv_max_pool(const float* x, const float* kernel, const float* bias, FusedActivation activation,
                   const ConvPoolShape& s, float* cols, float* y, std::uint32_t* argmax);

// The backward pass from the gradient at the pool's output, already multiplied by the activation's
// derivative (at the pooled values, which are the feature-map values that won). Per image b it
// scatters that gradient to the argmax cells of a feature-map buffer, then
//   kernel_grad_per_image[b] = cols_bᵀ · buffer    ([patch, filters] each; the caller sums them)
//   dx_b = col2im(buffer · kernelᵀ)                (skipped when dx is null)
void conv_max_pool_backward(const float* masked_dy, const std::uint32_t* argmax, const float* cols,
                            const float* kernel, const ConvPoolShape& s, float* kernel_grad_per_image, float* dx);

}  // namespace neurite::kernels
