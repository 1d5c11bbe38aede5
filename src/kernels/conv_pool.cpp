#include "kernels/conv_pool.hpp"

#include <vector>

#include "kernels/im2col.hpp"
#include "kernels/parallel.hpp"
#include "kernels/pooling.hpp"

namespace neurite::kernels {
namespace {

// One image's feature maps (or their gradient) and its patch gradient, per thread: grow-only, so a
// steady training run allocates nothing.
float* thread_buffer(std::size_t which, std::size_t floats) {
  static thread_local std::vector<float> buffers[2];
  std::vector<float>& buffer = buffers[which];
  if (buffer.size() < floats) buffer.resize(floats);
  return buffer.data();
}

WindowGeometry one_image(WindowGeometry g) {
  g.batch = 1;
  return g;
}

}  // namespace

void conv_max_pool(const float* x, const float* kernel, const float* bias, FusedActivation activation,
                   const ConvPoolShape& s, float* cols, float* y, std::uint32_t* argmax) {
  const WindowGeometry conv = one_image(s.conv), pool = one_image(s.pool);
  const std::size_t pixels = s.map_pixels(), patch = conv.patch_size(), pooled = s.pooled_floats();
  const std::size_t image = conv.in_h * conv.in_w * conv.channels;
  parallel_for(s.conv.batch, [&](std::size_t b) {
    float* image_cols = cols + b * pixels * patch;
    im2col(x + b * image, conv, image_cols);
    float* maps = thread_buffer(0, pixels * s.filters);
    sgemm(Trans::No, Trans::No, pixels, s.filters, patch, 1.0f, image_cols, patch, kernel, s.filters, 0.0f, maps,
          s.filters, {bias, activation});
    max_pool(maps, pool, y + b * pooled, argmax + b * pooled);
  });
}

void conv_max_pool_backward(const float* masked_dy, const std::uint32_t* argmax, const float* cols,
                            const float* kernel, const ConvPoolShape& s, float* kernel_grad_per_image, float* dx) {
  const WindowGeometry conv = one_image(s.conv), pool = one_image(s.pool);
  const std::size_t pixels = s.map_pixels(), patch = conv.patch_size(), pooled = s.pooled_floats();
  const std::size_t image = conv.in_h * conv.in_w * conv.channels;
  parallel_for(s.conv.batch, [&](std::size_t b) {
    float* maps_grad = thread_buffer(0, pixels * s.filters);
    max_pool_backward(masked_dy + b * pooled, argmax + b * pooled, pool, maps_grad);
    const float* image_cols = cols + b * pixels * patch;
    sgemm(Trans::Yes, Trans::No, patch, s.filters, pixels, 1.0f, image_cols, patch, maps_grad, s.filters, 0.0f,
          kernel_grad_per_image + b * patch * s.filters, s.filters);
    if (!dx) return;
    float* cols_grad = thread_buffer(1, pixels * patch);
    sgemm(Trans::No, Trans::Yes, pixels, patch, s.filters, 1.0f, maps_grad, s.filters, kernel, s.filters, 0.0f,
          cols_grad, patch);
    col2im(cols_grad, conv, dx + b * image);
  });
}

}  // namespace neurite::kernels
