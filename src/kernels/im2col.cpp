#include "kernels/im2col.hpp"

#include "kernels/kernel_set.hpp"

namespace neurite::kernels {

WindowAxis valid_windows(std::size_t in, std::size_t window, std::size_t stride) {
  return {in < window ? 0 : (in - window) / stride + 1, 0};
}

WindowAxis same_windows(std::size_t in, std::size_t window, std::size_t stride) {
  const std::size_t out = (in + stride - 1) / stride;
  const std::size_t needed = out == 0 ? 0 : (out - 1) * stride + window;
  return {out, needed > in ? (needed - in) / 2 : 0};
}

// The window kernels of the instruction set in use (kernels/simd/windows.hpp).
void im2col(const float* x, const WindowGeometry& g, float* cols) { active_kernels().im2col(x, g, cols); }
void col2im(const float* cols, const WindowGeometry& g, float* dx) { active_kernels().col2im(cols, g, dx); }
void max_pool(const float* x, const WindowGeometry& g, float* y, std::uint32_t* argmax) {
  active_kernels().max_pool(x, g, y, argmax);
}
void max_pool_backward(const float* dy, const std::uint32_t* argmax, const WindowGeometry& g, float* dx) {
  active_kernels().max_pool_backward(dy, argmax, g, dx);
}
void average_pool(const float* x, const WindowGeometry& g, float* y) { active_kernels().average_pool(x, g, y); }
void average_pool_backward(const float* dy, const WindowGeometry& g, float* dx) {
  active_kernels().average_pool_backward(dy, g, dx);
}

}  // namespace neurite::kernels
